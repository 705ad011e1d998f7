#pragma once
// Go as a GameState: GoBoard plus turns, passes, positional superko, the AlphaGo Zero
// input planes and the 8 board symmetries. Black (player 0) moves first. Actions are
// row * size + col (row 0 at the top, as drawn) and size * size for pass; text is the GTP
// vertex ("D4": column letter without I, row 1 at the bottom) or "pass".
// Rules: captures, suicide illegal, positional superko (a move may not recreate any earlier
// board), the game ends after two consecutive passes (or after max_moves plies), and is
// scored by Tromp-Taylor area with komi.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "envs/games/board_util.h"
#include "envs/games/go/go_board.h"

namespace tp::envs::go {

struct GoParams {
  int size = 9;
  double komi = 7.5;  // the usual area-scoring komi (Chinese rules, AlphaGo Zero)
  int history = 8;    // board positions per colour in the input planes (AlphaGo Zero: 8)
  int max_moves = 0;  // plies before the game is cut off and scored; 0: 3 * size * size
};

// "size=9,komi=7.5,history=8,max_moves=243" (any subset; "" gives the defaults).
// UsageError naming the key for an unknown key or a bad value.
GoParams parse_go_params(const std::string& text);
std::string go_params_string(const GoParams& p);

enum class MoveStatus { kLegal, kOutOfRange, kGameOver, kOccupied, kSuicide, kSuperko };
const char* describe(MoveStatus s);

class GoState final : public CopyableGameState<GoState> {
 public:
  explicit GoState(const GoParams& params = {});

  const GameInfo& info() const override { return *info_; }
  int current_player() const override { return player_; }
  std::vector<Action> legal_actions() const override;
  void legal_actions_into(std::vector<Action>& out) const override;
  bool is_legal(Action a) const override { return check_move(a) == MoveStatus::kLegal; }
  void apply(Action a) override;
  bool is_terminal() const override { return terminal_; }
  std::vector<double> returns() const override;
  void encode(float* planes) const override;
  int num_symmetries() const override { return 8; }
  Action symmetry_action(int k, Action a) const override;
  void transform_planes(int k, const float* in, float* out) const override;
  std::string action_to_string(Action a) const override;
  Action string_to_action(const std::string& text) const override;
  std::string to_string() const override;
  int cell_owner(int row, int col) const override;
  const std::vector<Action>& history() const override { return history_; }
  std::string illegal_reason(Action a) const override { return is_legal(a) ? "" : describe(check_move(a)); }
  std::string score_text() const override { return terminal_ ? score_string() : ""; }
  std::vector<std::string> status_lines() const override;  // captures and komi
  std::vector<int> territory() const override;             // Tromp-Taylor area owners

  // Handicap and setup stones (SGF HA/AB/AW) placed before the first move, after which
  // `to_play` (0 Black, 1 White) moves: White after a handicap. The position becomes the
  // game's start (superko and the history planes begin there). UsageError when a move was
  // already played, a point is off the board or given twice, or a chain is left without
  // liberties.
  void set_up(const std::vector<Action>& black, const std::vector<Action>& white, int to_play);
  // The setup stones of player (0 black, 1 white), as given to set_up.
  const std::vector<Action>& setup_stones(int player) const { return setup_[player]; }
  // Who made the first move of history() (Black unless set_up said otherwise).
  int first_player() const { return first_player_; }

  // Why a move is (il)legal; is_legal() is check_move() == kLegal.
  MoveStatus check_move(Action a) const;
  const GoParams& params() const { return params_; }
  const GoBoard& board() const { return board_; }
  int size() const { return params_.size; }
  Action pass_action() const { return params_.size * params_.size; }
  Action action_at(int row, int col) const { return row * params_.size + col; }
  int board_point(Action a) const { return board_.point(a / params_.size, a % params_.size); }
  Color to_play() const { return static_cast<Color>(player_); }
  // Consecutive passes at the end of the history.
  int passes() const { return passes_; }
  // Stones captured so far by player (0 black, 1 white).
  int captures(int player) const { return captures_[player]; }
  // Tromp-Taylor area score from Black's view: black area - white area - komi.
  double score() const;
  // The score as GTP/SGF write it: "B+3.5", "W+0.5" or "0".
  std::string score_string() const;

 private:
  bool seen_position(uint64_t hash) const;
  void remember_position(uint64_t hash);
  void push_snapshot();
  void write_snapshot(int slot);

  std::shared_ptr<const GameInfo> info_;
  GoParams params_;
  GoBoard board_;
  int player_ = 0;
  int first_player_ = 0;
  std::vector<Action> setup_[2];
  int passes_ = 0;
  bool terminal_ = false;
  int captures_[2] = {0, 0};
  std::vector<Action> history_;
  // Positional superko: hashes of every board so far, with a 4096-bit filter in front so
  // most lookups never scan the list.
  std::vector<uint64_t> seen_;
  std::array<uint64_t, 64> seen_filter_{};
  // The last `history` boards (size*size colours each), a ring; head_ is the newest.
  std::vector<uint8_t> snapshots_;
  int head_ = 0;
};

// Formats a GTP vertex ("D4", "T19") for row (from the top) and col on a board of `size`.
std::string gtp_vertex(int row, int col, int size);
// Parses a GTP vertex, case-insensitively ("pass" is not a vertex); false when malformed or off
// the board.
bool parse_gtp_vertex(const std::string& text, int size, int& row, int& col);

}  // namespace tp::envs::go

namespace tp::envs {
// The registry entry: params "size=N,komi=K,history=H,max_moves=M".
GameSpec go_spec();
}  // namespace tp::envs
