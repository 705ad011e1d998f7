#include "envs/games/connect4.h"

#include "core/error.h"
#include "envs/games/board_util.h"
#include "envs/registry.h"

namespace tp::envs {

namespace {

constexpr int kWidth = 7, kHeight = 6;

class Connect4State final : public CopyableGameState<Connect4State> {
 public:
  explicit Connect4State(std::shared_ptr<const GameInfo> info) : info_(std::move(info)), cells_(kWidth * kHeight, -1) {
    history_.reserve(kWidth * kHeight);
  }

  const GameInfo& info() const override { return *info_; }
  int current_player() const override { return player_; }
  std::vector<Action> legal_actions() const override {
    std::vector<Action> out;
    legal_actions_into(out);
    return out;
  }
  void legal_actions_into(std::vector<Action>& out) const override {
    out.clear();
    if (terminal_) return;
    for (int c = 0; c < kWidth; ++c)
      if (heights_[c] < kHeight) out.push_back(c);
  }
  bool is_legal(Action a) const override { return !terminal_ && a >= 0 && a < kWidth && heights_[a] < kHeight; }
  void apply(Action a) override {
    TP_CHECK(is_legal(a), "illegal move '", a >= 0 && a < kWidth ? action_to_string(a) : std::to_string(a),
             "' in connect4", terminal_ ? " (the game is over)" : " (column full)");
    const int row = kHeight - 1 - heights_[a]++;
    cells_[row * kWidth + a] = static_cast<signed char>(player_);
    history_.push_back(a);
    if (makes_k_in_row(cells_, kHeight, kWidth, row, a, 4)) {
      terminal_ = true;
      winner_ = player_;
    } else if (static_cast<int>(history_.size()) == kWidth * kHeight) {
      terminal_ = true;
    }
    player_ = 1 - player_;
  }
  bool is_terminal() const override { return terminal_; }
  std::vector<double> returns() const override {
    if (winner_ < 0) return {0.0, 0.0};
    return winner_ == 0 ? std::vector<double>{1.0, -1.0} : std::vector<double>{-1.0, 1.0};
  }
  void encode(float* planes) const override { encode_stones(cells_, player_, kHeight, kWidth, planes); }
  // Identity and the left-right mirror (gravity rules out the others).
  int num_symmetries() const override { return 2; }
  Action symmetry_action(int k, Action a) const override { return k == 0 ? a : kWidth - 1 - a; }
  void transform_planes(int k, const float* in, float* out) const override {
    transform_board_planes(k == 0 ? 0 : 4, info_->num_planes, kHeight, kWidth, in, out);
  }
  std::string action_to_string(Action a) const override {
    TP_CHECK(a >= 0 && a < kWidth, "action ", a, " out of range for connect4");
    return std::to_string(a + 1);
  }
  Action string_to_action(const std::string& text) const override {
    TP_CHECK(text.size() == 1 && text[0] >= '1' && text[0] <= '7', "'", text,
             "' names no connect4 column (1..7 from the left)");
    return text[0] - '1';
  }
  std::string to_string() const override {
    std::string footer = terminal_ ? (winner_ < 0 ? "draw\n" : std::string(winner_ == 0 ? "x" : "o") + " wins\n")
                                   : std::string(player_ == 0 ? "x" : "o") + " to move\n";
    return board_to_string(cells_, kHeight, kWidth, true, true, footer);
  }
  int cell_owner(int row, int col) const override {
    TP_CHECK(row >= 0 && row < kHeight && col >= 0 && col < kWidth, "cell (", row, ",", col,
             ") is off the connect4 board");
    return cells_[row * kWidth + col];
  }
  const std::vector<Action>& history() const override { return history_; }
  std::vector<std::pair<int, int>> winning_cells() const override {
    if (winner_ < 0) return {};
    const int col = history_.back();
    return k_in_row_cells(cells_, kHeight, kWidth, kHeight - heights_[col], col, 4);
  }
  std::string illegal_reason(Action a) const override {
    if (is_legal(a)) return "";
    if (terminal_) return "the game is over";
    if (a < 0 || a >= kWidth) return "no such column";
    return "the column is full";
  }

 private:
  std::shared_ptr<const GameInfo> info_;
  std::vector<signed char> cells_;
  std::vector<Action> history_;
  int heights_[kWidth] = {0, 0, 0, 0, 0, 0, 0};
  int player_ = 0;
  int winner_ = -1;
  bool terminal_ = false;
};

}  // namespace

GameSpec connect4_spec() {
  return {"connect4", "Connect Four, 7 columns x 6 rows (moves 1..7 from the left)",
          [](const std::string& params) -> std::unique_ptr<GameState> {
            check_known_kwargs(parse_env_kwargs(params), {}, "connect4");
            static const auto info = [] {
              auto i = std::make_shared<GameInfo>();
              i->name = "connect4";
              i->num_actions = kWidth;
              i->board_height = kHeight;
              i->board_width = kWidth;
              i->num_planes = kStonePlanes;
              i->dirichlet_alpha = 1.0;  // AlphaZero.jl's Connect Four setting (~10 / 7 legal moves)
              i->max_game_length = kWidth * kHeight;
              i->drops = true;
              i->display = {{"Red", "Yellow"}, BoardStyle::kSlots};
              return std::shared_ptr<const GameInfo>(i);
            }();
            return std::make_unique<Connect4State>(info);
          }};
}

}  // namespace tp::envs
