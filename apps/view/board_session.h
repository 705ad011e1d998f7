#pragma once
// A board game on screen: the position, the players (a person's mouse or an agent), undo,
// new game, side choice, the agent's search overlay and the side panel with its buttons.
// Window-independent (it draws onto any render target and takes clicks as points), so the
// tests drive it exactly as `play` and `watch --game` do.
#include <SFML/Graphics.hpp>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/game_player.h"
#include "apps/view/board_view.h"
#include "envs/games/game.h"

namespace tp::view {

class BoardSession {
 public:
  // `players[p]` plays side p; nullptr means a person clicks for that side.
  // `initial` is the start position (copied).
  BoardSession(const envs::GameState& initial, std::unique_ptr<agents::GamePlayer> player0,
               std::unique_ptr<agents::GamePlayer> player1, const sf::Font* font);
  ~BoardSession();

  sf::Vector2u size() const { return scene_size(state_->info()); }  // board plus side panel
  static sf::Vector2u scene_size(const envs::GameInfo& info);
  void draw(sf::RenderTarget& target) const;
  // A mouse click at a point of the scene: a move, a button, or a refusal with a message.
  void click(sf::Vector2f point);

  // Advances the agents: starts a search on an agent's turn (in a worker thread) and applies
  // its move once found. Returns true when a move was applied. `wait` blocks for the search.
  bool update(bool wait = false);
  bool thinking() const { return search_.valid(); }

  // Person's actions (also reachable through the panel buttons).
  void new_game();
  void undo();          // takes back moves until it is a person's turn again
  void switch_sides();  // the person plays the other side, from a new game
  bool play_pass();     // false (with a message) when passing is not legal now

  const envs::GameState& state() const { return *state_; }
  const BoardView& board() const { return board_; }
  const std::string& message() const { return message_; }
  bool human_turn() const;
  // The scene rectangles of the panel buttons by label ("New game", "Undo", "Switch sides",
  // "Pass"); only the buttons usable in this session exist.
  std::optional<sf::FloatRect> button(const std::string& label) const;
  // "Black wins (B+3.5)", "Draw", ... ; empty while the game goes on.
  std::string result_text() const;
  const BoardOverlay& overlay() const { return overlay_; }
  // "Black played D4", "White passes": the last move, as the panel shows it; empty before one.
  const std::string& last_move() const { return last_move_; }

 private:
  struct Button {
    std::string label;
    sf::FloatRect rect;
  };
  void apply(envs::Action a, const MoveTarget* target);
  void refresh();
  void refuse(int row, int col);
  std::vector<Button> buttons() const;
  agents::GamePlayer* player(int side) const { return players_[static_cast<size_t>(side)].get(); }

  std::unique_ptr<envs::GameState> initial_, state_;
  std::unique_ptr<agents::GamePlayer> players_[2];
  const sf::Font* font_;
  BoardView board_;
  std::vector<MoveTarget> targets_;
  BoardOverlay overlay_;
  std::string message_;
  std::string value_text_;
  std::string last_move_;
  std::future<envs::Action> search_;
  std::unique_ptr<envs::GameState> search_state_;
};

}  // namespace tp::view
