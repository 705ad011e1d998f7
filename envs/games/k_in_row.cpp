#include "envs/games/k_in_row.h"

#include "core/error.h"
#include "envs/games/board_util.h"
#include "envs/registry.h"

namespace tp::envs {

namespace {

class KInRowState final : public CopyableGameState<KInRowState> {
 public:
  KInRowState(std::shared_ptr<const GameInfo> info, int k)
      : info_(std::move(info)), k_(k), cells_(info_->board_height * info_->board_width, -1) {
    history_.reserve(cells_.size());
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
    for (int i = 0; i < static_cast<int>(cells_.size()); ++i)
      if (cells_[i] < 0) out.push_back(i);
  }
  bool is_legal(Action a) const override {
    return !terminal_ && a >= 0 && a < static_cast<int>(cells_.size()) && cells_[a] < 0;
  }
  void apply(Action a) override {
    TP_CHECK(is_legal(a), "illegal move '", a >= 0 && a < info_->num_actions ? action_to_string(a) : std::to_string(a),
             "' in ", info_->name, terminal_ ? " (the game is over)" : "");
    const int w = info_->board_width;
    cells_[a] = static_cast<signed char>(player_);
    history_.push_back(a);
    if (makes_k_in_row(cells_, info_->board_height, w, a / w, a % w, k_)) {
      terminal_ = true;
      winner_ = player_;
    } else if (history_.size() == cells_.size()) {
      terminal_ = true;
    }
    player_ = 1 - player_;
  }
  bool is_terminal() const override { return terminal_; }
  std::vector<double> returns() const override {
    if (winner_ < 0) return {0.0, 0.0};
    return winner_ == 0 ? std::vector<double>{1.0, -1.0} : std::vector<double>{-1.0, 1.0};
  }
  void encode(float* planes) const override {
    encode_stones(cells_, player_, info_->board_height, info_->board_width, planes);
  }
  int num_symmetries() const override { return 8; }
  Action symmetry_action(int k, Action a) const override {
    const int n = info_->board_width;
    int r, c;
    map_cell(k, n, n, a / n, a % n, r, c);
    return r * n + c;
  }
  void transform_planes(int k, const float* in, float* out) const override {
    transform_board_planes(k, info_->num_planes, info_->board_height, info_->board_width, in, out);
  }
  std::string action_to_string(Action a) const override {
    TP_CHECK(a >= 0 && a < info_->num_actions, "action ", a, " out of range for ", info_->name);
    return cell_name(a / info_->board_width, a % info_->board_width, info_->board_height, false);
  }
  Action string_to_action(const std::string& text) const override {
    int r, c;
    TP_CHECK(parse_cell_name(text, info_->board_height, info_->board_width, false, r, c), "'", text,
             "' names no cell of the ", info_->name, " board (e.g. ", cell_name(0, 0, info_->board_height, false), ")");
    return r * info_->board_width + c;
  }
  std::string to_string() const override {
    std::string footer = terminal_ ? (winner_ < 0 ? "draw\n" : std::string(winner_ == 0 ? "x" : "o") + " wins\n")
                                   : std::string(player_ == 0 ? "x" : "o") + " to move\n";
    return board_to_string(cells_, info_->board_height, info_->board_width, false, false, footer);
  }
  int cell_owner(int row, int col) const override {
    TP_CHECK(row >= 0 && row < info_->board_height && col >= 0 && col < info_->board_width, "cell (", row, ",", col,
             ") is off the ", info_->name, " board");
    return cells_[row * info_->board_width + col];
  }
  const std::vector<Action>& history() const override { return history_; }
  std::vector<std::pair<int, int>> winning_cells() const override {
    if (winner_ < 0) return {};
    const int w = info_->board_width, last = history_.back();
    return k_in_row_cells(cells_, info_->board_height, w, last / w, last % w, k_);
  }

 private:
  std::shared_ptr<const GameInfo> info_;
  int k_;
  std::vector<signed char> cells_;
  std::vector<Action> history_;
  int player_ = 0;
  int winner_ = -1;
  bool terminal_ = false;
};

std::shared_ptr<const GameInfo> make_info(const std::string& name, int n, double alpha, GameDisplay display) {
  auto info = std::make_shared<GameInfo>();
  info->name = name;
  info->num_actions = n * n;
  info->board_height = info->board_width = n;
  info->num_planes = kStonePlanes;
  info->dirichlet_alpha = alpha;
  info->max_game_length = n * n;
  info->display = std::move(display);
  return info;
}

}  // namespace

GameSpec tictactoe_spec() {
  return {"tictactoe", "Tic-tac-toe, 3x3, three in a row wins (moves a1..c3, row 1 at the bottom)",
          [](const std::string& params) -> std::unique_ptr<GameState> {
            check_known_kwargs(parse_env_kwargs(params), {}, "tictactoe");
            // Dirichlet alpha ~ 10 / typical number of legal moves (AlphaZero's scaling rule).
            static const auto info = make_info("tictactoe", 3, 1.0, {{"X", "O"}, BoardStyle::kMarks});
            return std::make_unique<KInRowState>(info, 3);
          }};
}

GameSpec gomoku_spec() {
  return {"gomoku", "free-style Gomoku, five or more in a row wins; size=N (default 15)",
          [](const std::string& params) -> std::unique_ptr<GameState> {
            const EnvKwargs kw = parse_env_kwargs(params);
            check_known_kwargs(kw, {"size"}, "gomoku");
            const double size = kwarg_double(kw, "size", 15);
            TP_CHECK_AS(UsageError, size >= 5 && size <= 26 && size == static_cast<int>(size),
                        "gomoku size must be an integer in 5..26, got ", size);
            const int n = static_cast<int>(size);
            // Alpha scaled with the board area: 0.03 at 19x19 (AlphaZero Go) -> 0.03 * 361 / n^2.
            return std::make_unique<KInRowState>(
                make_info("gomoku", n, 0.03 * 361.0 / (n * n), {{"Black", "White"}, BoardStyle::kGoGrid}), 5);
          }};
}

}  // namespace tp::envs
