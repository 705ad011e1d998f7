#include "envs/games/go/go_state.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/text.h"
#include "envs/registry.h"

namespace tp::envs::go {

namespace {

constexpr const char* kColumns = "ABCDEFGHJKLMNOPQRST";  // GTP skips I

int int_param(const EnvKwargs& kw, const std::string& key, int fallback) {
  const double v = kwarg_double(kw, key, fallback);
  TP_CHECK_AS(UsageError, std::floor(v) == v && std::abs(v) < 1e6, "go option '", key, "' needs an integer, got ", v);
  return static_cast<int>(v);
}

std::shared_ptr<const GameInfo> make_info(const GoParams& p) {
  auto i = std::make_shared<GameInfo>();
  i->name = "go";
  i->num_actions = p.size * p.size + 1;
  i->board_height = p.size;
  i->board_width = p.size;
  i->num_planes = 2 * p.history + 1;
  // AlphaGo Zero used 0.03 on 19x19; AlphaZero scales alpha inversely with the typical
  // number of legal moves, so keep alpha * points constant.
  i->dirichlet_alpha = 0.03 * 361.0 / (p.size * p.size);
  i->max_game_length = p.max_moves;
  i->has_pass = true;
  i->display = {{"Black", "White"}, BoardStyle::kGoGrid, /*star_points=*/true};
  return i;
}

}  // namespace

GoParams parse_go_params(const std::string& text) {
  const EnvKwargs kw = parse_env_kwargs(text);
  check_known_kwargs(kw, {"size", "komi", "history", "max_moves"}, "go");
  GoParams p;
  p.size = int_param(kw, "size", p.size);
  p.komi = kwarg_double(kw, "komi", p.komi);
  p.history = int_param(kw, "history", p.history);
  p.max_moves = int_param(kw, "max_moves", p.max_moves);
  TP_CHECK_AS(UsageError, p.size >= kMinSize && p.size <= kMaxSize, "go size must be in ", kMinSize, "..", kMaxSize,
              ", got ", p.size);
  TP_CHECK_AS(UsageError, std::isfinite(p.komi) && std::abs(p.komi) <= 1000 && std::floor(p.komi * 2) == p.komi * 2,
              "go komi must be a multiple of 0.5, got ", p.komi);
  TP_CHECK_AS(UsageError, p.history >= 1 && p.history <= 16, "go history must be in 1..16, got ", p.history);
  TP_CHECK_AS(UsageError, p.max_moves >= 0, "go max_moves must be >= 0 (0: 3 * size^2), got ", p.max_moves);
  return p;
}

std::string go_params_string(const GoParams& p) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "size=%d,komi=%g,history=%d,max_moves=%d", p.size, p.komi, p.history, p.max_moves);
  return buf;
}

const char* describe(MoveStatus s) {
  switch (s) {
    case MoveStatus::kLegal:
      return "legal";
    case MoveStatus::kOutOfRange:
      return "not a point of this board";
    case MoveStatus::kGameOver:
      return "the game is over";
    case MoveStatus::kOccupied:
      return "the point is occupied";
    case MoveStatus::kSuicide:
      return "suicide";
    case MoveStatus::kSuperko:
      return "it repeats an earlier position (positional superko)";
  }
  return "?";
}

std::string gtp_vertex(int row, int col, int size) {
  return std::string(1, kColumns[col]) + std::to_string(size - row);
}

bool parse_gtp_vertex(const std::string& text, int size, int& row, int& col) {
  if (text.size() < 2 || text.size() > 3) return false;
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  const char* at = std::strchr(kColumns, letter);
  if (letter == '\0' || !at) return false;
  col = static_cast<int>(at - kColumns);
  int number = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    number = number * 10 + (text[i] - '0');
  }
  if (text[1] == '0' || col >= size || number < 1 || number > size) return false;
  row = size - number;
  return true;
}

GoState::GoState(const GoParams& params) : params_(params), board_(params.size) {
  if (params_.max_moves == 0) params_.max_moves = 3 * params_.size * params_.size;
  TP_CHECK_AS(UsageError, params_.history >= 1, "go history must be >= 1");
  info_ = make_info(params_);
  history_.reserve(params_.max_moves);
  seen_.reserve(params_.max_moves + 1);
  remember_position(board_.hash());
  snapshots_.assign(static_cast<size_t>(params_.history) * params_.size * params_.size, kEmpty);
}

bool GoState::seen_position(uint64_t hash) const {
  if (!(seen_filter_[(hash >> 6) & 63] & (1ULL << (hash & 63)))) return false;
  return std::find(seen_.begin(), seen_.end(), hash) != seen_.end();
}

void GoState::remember_position(uint64_t hash) {
  seen_filter_[(hash >> 6) & 63] |= 1ULL << (hash & 63);
  seen_.push_back(hash);
}

MoveStatus GoState::check_move(Action a) const {
  if (a < 0 || a > pass_action()) return MoveStatus::kOutOfRange;
  if (terminal_) return MoveStatus::kGameOver;
  if (a == pass_action()) return MoveStatus::kLegal;
  const int p = board_point(a);
  const Color c = to_play();
  if (board_.at(p) != kEmpty) return MoveStatus::kOccupied;
  if (board_.is_suicide(p, c)) return MoveStatus::kSuicide;
  if (seen_position(board_.hash_after(p, c))) return MoveStatus::kSuperko;
  return MoveStatus::kLegal;
}

std::vector<Action> GoState::legal_actions() const {
  std::vector<Action> out;
  legal_actions_into(out);
  return out;
}

void GoState::legal_actions_into(std::vector<Action>& out) const {
  out.clear();
  if (terminal_) return;
  const int n = params_.size;
  const Color c = to_play();
  for (int r = 0; r < n; ++r)
    for (int col = 0; col < n; ++col) {
      const int p = board_.point(r, col);
      if (board_.at(p) == kEmpty && !board_.is_suicide(p, c) && !seen_position(board_.hash_after(p, c)))
        out.push_back(r * n + col);
    }
  out.push_back(pass_action());
}

void GoState::apply(Action a) {
  const MoveStatus s = check_move(a);
  TP_CHECK(s == MoveStatus::kLegal, "illegal go move '",
           s == MoveStatus::kOutOfRange ? std::to_string(a) : action_to_string(a), "': ", describe(s));
  if (a == pass_action()) {
    ++passes_;
  } else {
    passes_ = 0;
    captures_[player_] += board_.play(board_point(a), to_play());
    remember_position(board_.hash());
  }
  history_.push_back(a);
  player_ = 1 - player_;
  push_snapshot();
  terminal_ = passes_ >= 2 || static_cast<int>(history_.size()) >= params_.max_moves;
}

void GoState::push_snapshot() {
  head_ = (head_ + 1) % params_.history;
  write_snapshot(head_);
}

void GoState::write_snapshot(int slot) {
  const int n = params_.size, area = n * n;
  uint8_t* snap = snapshots_.data() + static_cast<size_t>(slot) * area;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) snap[r * n + c] = board_.at(r, c);
}

void GoState::set_up(const std::vector<Action>& black, const std::vector<Action>& white, int to_play) {
  TP_CHECK_AS(UsageError, history_.empty() && setup_[0].empty() && setup_[1].empty(),
              "setup stones can only be placed before the first move");
  TP_CHECK_AS(UsageError, to_play == 0 || to_play == 1, "the player to move after setup must be 0 or 1, got ", to_play);
  const int area = params_.size * params_.size;
  GoBoard board = board_;  // the state stays as it was when a stone is refused
  for (int colour = 0; colour < 2; ++colour)
    for (Action a : colour == 0 ? black : white) {
      TP_CHECK_AS(UsageError, a >= 0 && a < area, "setup stone ", a, " is not a point of the ", params_.size, "x",
                  params_.size, " board");
      const int p = board_point(a);
      TP_CHECK_AS(UsageError, board.at(p) == kEmpty, "setup stone at ", action_to_string(a), " is given twice");
      // A stone without liberties, or one that takes the last liberty of a chain, makes no
      // position a game can start from (play() would capture).
      const Color c = static_cast<Color>(colour);
      const bool keeps_liberties = !board.is_suicide(p, c) && board.play(p, c) == 0;
      TP_CHECK_AS(UsageError, keeps_liberties, "setup stone at ", action_to_string(a),
                  " leaves a chain without liberties");
    }
  board_ = board;
  setup_[0] = black;
  setup_[1] = white;
  player_ = first_player_ = to_play;
  seen_.clear();
  seen_filter_.fill(0);
  remember_position(board_.hash());
  write_snapshot(head_);
}

double GoState::score() const {
  int black = 0, white = 0;
  board_.area(black, white);
  return black - white - params_.komi;
}

std::string GoState::score_string() const {
  const double s = score();
  if (s == 0) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c+%g", s > 0 ? 'B' : 'W', std::abs(s));
  return buf;
}

std::vector<double> GoState::returns() const {
  if (!terminal_) return {0.0, 0.0};
  const double s = score();
  if (s == 0) return {0.0, 0.0};
  return s > 0 ? std::vector<double>{1.0, -1.0} : std::vector<double>{-1.0, 1.0};
}

void GoState::encode(float* planes) const {
  // AlphaGo Zero: [X_t, Y_t, X_t-1, Y_t-1, ..., C]: X the stones of the side to move, Y the
  // opponent's, C all ones when Black is to move. Boards before the first move are empty.
  const int n = params_.size, area = n * n, h = params_.history;
  const uint8_t own = static_cast<uint8_t>(player_), opp = static_cast<uint8_t>(1 - player_);
  const int known = std::min<int>(h, static_cast<int>(history_.size()) + 1);
  for (int t = 0; t < h; ++t) {
    float* x = planes + static_cast<size_t>(2 * t) * area;
    float* y = x + area;
    if (t >= known) {
      std::fill(x, x + 2 * area, 0.0f);
      continue;
    }
    const uint8_t* snap = snapshots_.data() + static_cast<size_t>((head_ - t + h) % h) * area;
    for (int i = 0; i < area; ++i) {
      x[i] = snap[i] == own ? 1.0f : 0.0f;
      y[i] = snap[i] == opp ? 1.0f : 0.0f;
    }
  }
  float* colour = planes + static_cast<size_t>(2 * h) * area;
  std::fill(colour, colour + area, player_ == 0 ? 1.0f : 0.0f);
}

Action GoState::symmetry_action(int k, Action a) const {
  TP_CHECK(k >= 0 && k < 8, "go symmetry ", k, " out of range 0..7");
  if (a == pass_action()) return a;
  const int n = params_.size;
  int r, c;
  map_cell(k, n, n, a / n, a % n, r, c);
  return r * n + c;
}

void GoState::transform_planes(int k, const float* in, float* out) const {
  transform_board_planes(k, info_->num_planes, params_.size, params_.size, in, out);
}

std::string GoState::action_to_string(Action a) const {
  TP_CHECK(a >= 0 && a <= pass_action(), "action ", a, " out of range for go ", params_.size, "x", params_.size);
  if (a == pass_action()) return "pass";
  return gtp_vertex(a / params_.size, a % params_.size, params_.size);
}

Action GoState::string_to_action(const std::string& text) const {
  if (to_lower(text) == "pass") return pass_action();
  int r, c;
  TP_CHECK(parse_gtp_vertex(text, params_.size, r, c), "'", text, "' names no point of the ", params_.size, "x",
           params_.size, " go board (A1..", gtp_vertex(0, params_.size - 1, params_.size), ", no I, or pass)");
  return action_at(r, c);
}

std::string GoState::to_string() const {
  const int n = params_.size;
  std::string header = "   ";
  for (int c = 0; c < n; ++c) {
    header += ' ';
    header += kColumns[c];
  }
  std::string s = header + "\n";
  for (int r = 0; r < n; ++r) {
    char num[16];
    std::snprintf(num, sizeof num, "%2d ", n - r);
    s += num;
    for (int c = 0; c < n; ++c) {
      const Color v = board_.at(r, c);
      s += ' ';
      s += v == kBlack ? 'X' : v == kWhite ? 'O' : '.';
    }
    s += ' ';
    s += num;
    s += '\n';
  }
  s += header + "\n";
  char footer[160];
  std::snprintf(footer, sizeof footer, "komi %g, captures X %d O %d, move %zu; %s\n", params_.komi, captures_[0],
                captures_[1], history_.size(),
                terminal_ ? ("game over: " + score_string()).c_str()
                          : (player_ == 0 ? "X (black) to move" : "O (white) to move"));
  return s + footer;
}

std::vector<std::string> GoState::status_lines() const {
  char komi[32];
  std::snprintf(komi, sizeof komi, "komi %g", params_.komi);
  return {"captures: Black " + std::to_string(captures_[0]) + ", White " + std::to_string(captures_[1]), komi};
}

std::vector<int> GoState::territory() const {
  std::vector<int> out;
  for (Color c : board_.ownership()) out.push_back(c == kBlack ? 0 : c == kWhite ? 1 : -1);
  return out;
}

int GoState::cell_owner(int row, int col) const {
  TP_CHECK(row >= 0 && row < params_.size && col >= 0 && col < params_.size, "cell (", row, ",", col,
           ") is off the go board");
  const Color v = board_.at(row, col);
  return v == kEmpty ? -1 : static_cast<int>(v);
}

}  // namespace tp::envs::go

namespace tp::envs {

GameSpec go_spec() {
  return {"go",
          "Go, Tromp-Taylor area scoring, positional superko, suicide illegal; "
          "size=N (5..19, default 9), komi=K (7.5), history=H (8), max_moves=M (3*N*N)",
          [](const std::string& params) -> std::unique_ptr<GameState> {
            return std::make_unique<go::GoState>(go::parse_go_params(params));
          }};
}

}  // namespace tp::envs
