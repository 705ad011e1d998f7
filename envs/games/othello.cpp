#include "envs/games/othello.h"

#include "core/error.h"
#include "envs/games/board_util.h"
#include "envs/registry.h"

namespace tp::envs {

namespace {

constexpr int kN = 8, kCells = 64, kPass = 64;
constexpr int kDirs[8][2] = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};
// Symmetries of the initial position: identity, rot180, transpose, anti-transpose.
constexpr int kTransforms[4] = {0, 2, 6, 7};

class OthelloState final : public CopyableGameState<OthelloState> {
 public:
  explicit OthelloState(std::shared_ptr<const GameInfo> info) : info_(std::move(info)), cells_(kCells, -1) {
    cells_[3 * kN + 3] = 1;  // d4 white
    cells_[4 * kN + 4] = 1;  // e5 white
    cells_[3 * kN + 4] = 0;  // e4 black
    cells_[4 * kN + 3] = 0;  // d5 black
    history_.reserve(info_->max_game_length);
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
    for (int i = 0; i < kCells; ++i)
      if (flips(player_, i) > 0) out.push_back(i);
    if (out.empty()) out.push_back(kPass);
  }
  bool is_legal(Action a) const override {
    if (terminal_ || a < 0 || a > kPass) return false;
    return a == kPass ? !has_move(player_) : flips(player_, a) > 0;
  }
  void apply(Action a) override {
    TP_CHECK(is_legal(a), "illegal move '", a >= 0 && a <= kPass ? action_to_string(a) : std::to_string(a),
             "' in othello",
             terminal_    ? " (the game is over)"
             : a == kPass ? " (a move is available)"
                          : " (it flips nothing)");
    if (a != kPass) {
      const int r = a / kN, c = a % kN;
      for (const auto& d : kDirs) {
        const int n = flips_in_direction(player_, r, c, d[0], d[1]);
        for (int i = 1; i <= n; ++i) cells_[(r + i * d[0]) * kN + c + i * d[1]] = static_cast<signed char>(player_);
      }
      cells_[a] = static_cast<signed char>(player_);
    }
    history_.push_back(a);
    player_ = 1 - player_;
    if (!has_move(player_) && !has_move(1 - player_)) terminal_ = true;
  }
  bool is_terminal() const override { return terminal_; }
  std::vector<double> returns() const override {
    if (!terminal_) return {0.0, 0.0};
    int count[2] = {0, 0};
    for (signed char v : cells_)
      if (v >= 0) ++count[static_cast<int>(v)];
    if (count[0] == count[1]) return {0.0, 0.0};
    return count[0] > count[1] ? std::vector<double>{1.0, -1.0} : std::vector<double>{-1.0, 1.0};
  }
  void encode(float* planes) const override { encode_stones(cells_, player_, kN, kN, planes); }
  int num_symmetries() const override { return 4; }
  Action symmetry_action(int k, Action a) const override {
    if (a == kPass) return kPass;
    int r, c;
    map_cell(kTransforms[k], kN, kN, a / kN, a % kN, r, c);
    return r * kN + c;
  }
  void transform_planes(int k, const float* in, float* out) const override {
    transform_board_planes(kTransforms[k], info_->num_planes, kN, kN, in, out);
  }
  std::string action_to_string(Action a) const override {
    TP_CHECK(a >= 0 && a <= kPass, "action ", a, " out of range for othello");
    return a == kPass ? "pass" : cell_name(a / kN, a % kN, kN, true);
  }
  Action string_to_action(const std::string& text) const override {
    if (text == "pass" || text == "PASS") return kPass;
    int r, c;
    TP_CHECK(parse_cell_name(text, kN, kN, true, r, c), "'", text, "' names no othello move (a1..h8 or pass)");
    return r * kN + c;
  }
  std::string to_string() const override {
    int count[2] = {0, 0};
    for (signed char v : cells_)
      if (v >= 0) ++count[static_cast<int>(v)];
    std::string footer = "x " + std::to_string(count[0]) + ", o " + std::to_string(count[1]) + "; " +
                         (terminal_ ? "game over\n" : std::string(player_ == 0 ? "x" : "o") + " to move\n");
    return board_to_string(cells_, kN, kN, true, false, footer);
  }
  int cell_owner(int row, int col) const override {
    TP_CHECK(row >= 0 && row < kN && col >= 0 && col < kN, "cell (", row, ",", col, ") is off the othello board");
    return cells_[row * kN + col];
  }
  const std::vector<Action>& history() const override { return history_; }
  std::string illegal_reason(Action a) const override {
    if (is_legal(a)) return "";
    if (terminal_) return "the game is over";
    if (a == kPass) return "a move is available";
    if (a < 0 || a > kPass) return "no such move";
    return cells_[a] >= 0 ? "the cell is occupied" : "it flips no disc";
  }

 private:
  int flips_in_direction(int who, int r, int c, int dr, int dc) const {
    int n = 0;
    for (int y = r + dr, x = c + dc; y >= 0 && y < kN && x >= 0 && x < kN; y += dr, x += dc) {
      const signed char v = cells_[y * kN + x];
      if (v < 0) return 0;
      if (v == who) return n;
      ++n;
    }
    return 0;
  }
  int flips(int who, int cell) const {
    if (cells_[cell] >= 0) return 0;
    int n = 0;
    for (const auto& d : kDirs) n += flips_in_direction(who, cell / kN, cell % kN, d[0], d[1]);
    return n;
  }
  bool has_move(int who) const {
    for (int i = 0; i < kCells; ++i)
      if (flips(who, i) > 0) return true;
    return false;
  }

  std::shared_ptr<const GameInfo> info_;
  std::vector<signed char> cells_;
  std::vector<Action> history_;
  int player_ = 0;
  bool terminal_ = false;
};

}  // namespace

GameSpec othello_spec() {
  return {"othello", "Othello 8x8 with passes (moves a1..h8 with row 1 at the top, or pass)",
          [](const std::string& params) -> std::unique_ptr<GameState> {
            check_known_kwargs(parse_env_kwargs(params), {}, "othello");
            static const auto info = [] {
              auto i = std::make_shared<GameInfo>();
              i->name = "othello";
              i->num_actions = kCells + 1;
              i->board_height = kN;
              i->board_width = kN;
              i->num_planes = kStonePlanes;
              i->dirichlet_alpha = 0.5;         // ~10 / typical number of legal moves (~10..15)
              i->max_game_length = 2 * kCells;  // 60 placements plus passes
              i->has_pass = true;
              i->display = {{"Black", "White"}, BoardStyle::kDiscs};
              return std::shared_ptr<const GameInfo>(i);
            }();
            return std::make_unique<OthelloState>(info);
          }};
}

}  // namespace tp::envs
