#pragma once
// What the GTP engine needs from a player: a move for a Go position, or a resignation. The
// engine depends only on this interface; GamePlayerMoveGenerator adapts any board-game
// player from make_game_player ("random", "mcts:N", an AlphaZero checkpoint).
#include <memory>
#include <string>

#include "envs/games/go/go_state.h"

namespace tp::agents {

class GamePlayer;

constexpr envs::Action kResign = -2;

class MoveGenerator {
 public:
  virtual ~MoveGenerator() = default;
  virtual std::string name() const = 0;
  // A legal action of the (non-terminal) state's side to move, pass included, or kResign.
  virtual envs::Action generate(const envs::go::GoState& state) = 0;
  // A new game starts (clear_board, boardsize).
  virtual void new_game() {}
  // Seconds the next generate() may take (0: no limit).
  virtual void set_move_time(double seconds) { (void)seconds; }
  // Whether the generator plays on boards of this size (a network is tied to its own).
  virtual bool supports_size(int size) const {
    (void)size;
    return true;
  }
};

// Resigns when the player's own value estimate (searching players only) falls below
// `resign_below`; values are in [-1, 1], so -1 never resigns. `only_size` > 0 restricts the
// board size (network players).
class GamePlayerMoveGenerator final : public MoveGenerator {
 public:
  GamePlayerMoveGenerator(std::unique_ptr<GamePlayer> player, double resign_below, int only_size = 0);
  ~GamePlayerMoveGenerator() override;
  std::string name() const override;
  envs::Action generate(const envs::go::GoState& state) override;
  void new_game() override;
  void set_move_time(double seconds) override;
  bool supports_size(int size) const override { return only_size_ == 0 || size == only_size_; }

 private:
  std::unique_ptr<GamePlayer> player_;
  double resign_below_;
  int only_size_;
};

}  // namespace tp::agents
