#include "agents/gtp/gtp_engine.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <istream>
#include <ostream>
#include <stdexcept>

#include "core/text.h"
#include "core/timer.h"

namespace tp::agents {

namespace {

using envs::go::Color;
using envs::go::GoParams;
using envs::go::GoState;
using envs::go::MoveStatus;

struct GtpFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& message) { throw GtpFailure(message); }

// GTP 2 preprocessing: drop control characters but HT and LF, HT becomes a space, and
// everything from '#' on is a comment.
std::string preprocess(const std::string& line) {
  std::string out;
  out.reserve(line.size());
  for (char ch : line) {
    const unsigned char u = static_cast<unsigned char>(ch);
    if (ch == '#') break;
    if (ch == '\t')
      out += ' ';
    else if (u >= 32 && u != 127)
      out += ch;
  }
  return out;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  for (char ch : s) {
    if (ch == ' ') {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

bool parse_int(const std::string& s, long& out) {
  if (s.empty() || s.size() > 9) return false;
  char* end = nullptr;
  out = std::strtol(s.c_str(), &end, 10);
  return end && *end == '\0';
}

double parse_float(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || !end || *end != '\0' || !std::isfinite(v)) fail("syntax error");
  return v;
}

Color parse_colour(const std::string& s) {
  const std::string c = to_lower(s);
  if (c == "b" || c == "black") return envs::go::kBlack;
  if (c == "w" || c == "white") return envs::go::kWhite;
  fail("syntax error (colour must be b, w, black or white)");
}

void expect_args(const std::vector<std::string>& args, size_t n) {
  if (args.size() != n) fail("syntax error (expected " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ")");
}

}  // namespace

const std::vector<std::string>& GtpEngine::commands() {
  static const std::vector<std::string> list = {"protocol_version",
                                                "name",
                                                "version",
                                                "known_command",
                                                "list_commands",
                                                "quit",
                                                "boardsize",
                                                "clear_board",
                                                "komi",
                                                "play",
                                                "genmove",
                                                "undo",
                                                "showboard",
                                                "final_score",
                                                "time_settings",
                                                "kgs-time_settings",
                                                "time_left"};
  return list;
}

GtpEngine::GtpEngine(MoveGenerator& generator, GtpEngineOptions options)
    : generator_(generator), options_(std::move(options)), state_(options_.params) {
  // A GTP game is ended by its controller, not by a move cap.
  if (options_.params.max_moves == 0) options_.params.max_moves = 10 * options_.params.size * options_.params.size;
  reset(options_.params);
}

void GtpEngine::reset(const GoParams& params) {
  state_ = GoState(params);
  for (GtpClock& clock : clocks_) clock.new_game();
  command_plies_.clear();
  generator_.new_game();
}

void GtpEngine::rebuild(size_t plies) {
  const std::vector<envs::Action> moves(state_.history().begin(), state_.history().begin() + plies);
  GoState fresh(options_.params);
  for (envs::Action a : moves) fresh.apply(a);
  state_ = fresh;
}

int GtpEngine::bring_to_move(Color colour) {
  if (state_.to_play() == colour) return 0;
  if (state_.is_terminal() || state_.passes() >= 1)
    fail("cannot play out of turn here (it would end the game with two passes)");
  state_.apply(state_.pass_action());
  return 1;
}

std::string GtpEngine::execute(const std::string& command, const std::vector<std::string>& args) {
  if (command == "protocol_version") return expect_args(args, 0), "2";
  if (command == "name") return expect_args(args, 0), options_.name;
  if (command == "version") return expect_args(args, 0), options_.version;
  if (command == "known_command") {
    expect_args(args, 1);
    for (const auto& c : commands())
      if (c == args[0]) return "true";
    return "false";
  }
  if (command == "list_commands") {
    expect_args(args, 0);
    std::string out;
    for (const auto& c : commands()) out += (out.empty() ? "" : "\n") + c;
    return out;
  }
  if (command == "quit") {
    quit_ = true;
    return "";
  }
  if (command == "boardsize") {
    expect_args(args, 1);
    long n = 0;
    if (!parse_int(args[0], n)) fail("syntax error (boardsize needs an integer)");
    if (n < envs::go::kMinSize || n > envs::go::kMaxSize || !generator_.supports_size(static_cast<int>(n)))
      fail("unacceptable size");
    options_.params.size = static_cast<int>(n);
    options_.params.max_moves = 10 * options_.params.size * options_.params.size;
    reset(options_.params);
    return "";
  }
  if (command == "clear_board") {
    expect_args(args, 0);
    reset(options_.params);
    return "";
  }
  if (command == "komi") {
    expect_args(args, 1);
    const double k = parse_float(args[0]);
    if (std::abs(k) > 1000) fail("syntax error (komi out of range)");
    options_.params.komi = k;
    rebuild(state_.history().size());  // same moves, new komi
    return "";
  }
  if (command == "play") {
    expect_args(args, 2);
    const Color colour = parse_colour(args[0]);
    envs::Action a = envs::kInvalidAction;
    try {
      a = state_.string_to_action(args[1]);
    } catch (const std::exception&) {
      fail("illegal move (" + args[1] + " is not a vertex of this board)");
    }
    const GoState before = state_;
    const int implicit = bring_to_move(colour);
    const MoveStatus s = state_.check_move(a);
    if (s != MoveStatus::kLegal) {
      state_ = before;
      fail(std::string("illegal move (") + envs::go::describe(s) + ")");
    }
    state_.apply(a);
    command_plies_.push_back(implicit + 1);
    return "";
  }
  if (command == "genmove") {
    expect_args(args, 1);
    const Color colour = parse_colour(args[0]);
    if (state_.is_terminal()) return "pass";
    const GoState before = state_;
    const int implicit = bring_to_move(colour);
    envs::Action a = envs::kInvalidAction;
    const int empty = state_.size() * state_.size() - state_.board().stones(envs::go::kBlack) -
                      state_.board().stones(envs::go::kWhite);
    generator_.set_move_time(clocks_[colour].move_budget(empty));
    const Timer clock;
    try {
      a = generator_.generate(state_);
      clocks_[colour].used(clock.seconds());
    } catch (...) {
      state_ = before;
      throw;
    }
    if (a == kResign) {
      state_ = before;
      return "resign";
    }
    if (!state_.is_legal(a)) {
      state_ = before;
      fail("internal error: the player chose an illegal move");
    }
    state_.apply(a);
    command_plies_.push_back(implicit + 1);
    return state_.action_to_string(a);
  }
  if (command == "undo") {
    expect_args(args, 0);
    if (command_plies_.empty()) fail("cannot undo");
    rebuild(state_.history().size() - command_plies_.back());
    command_plies_.pop_back();
    return "";
  }
  if (command == "showboard") {
    expect_args(args, 0);
    std::string board = state_.to_string();
    while (!board.empty() && board.back() == '\n') board.pop_back();
    return "\n" + board;
  }
  if (command == "final_score") {
    expect_args(args, 0);
    return state_.score_string();
  }
  if (command == "time_settings") {
    expect_args(args, 3);
    long v[3];
    for (int i = 0; i < 3; ++i)
      if (!parse_int(args[i], v[i]) || v[i] < 0)
        fail("syntax error (time_settings main_time byo_yomi_time byo_yomi_stones)");
    for (GtpClock& clock : clocks_)
      clock.set(static_cast<double>(v[0]), static_cast<double>(v[1]), static_cast<int>(v[2]));
    return "";
  }
  if (command == "kgs-time_settings") {
    GtpClock clock;
    const std::string problem = clock.set_kgs(args);
    if (!problem.empty()) fail(problem);
    clocks_[0] = clocks_[1] = clock;
    return "";
  }
  if (command == "time_left") {
    expect_args(args, 3);
    const Color colour = parse_colour(args[0]);
    long t, stones;
    if (!parse_int(args[1], t) || !parse_int(args[2], stones) || t < 0 || stones < 0)
      fail("syntax error (time_left colour time stones)");
    clocks_[colour].time_left(static_cast<double>(t), static_cast<int>(stones));
    return "";
  }
  fail("unknown command");
}

std::string GtpEngine::handle_line(const std::string& raw) {
  const std::vector<std::string> words = split_words(preprocess(raw));
  if (words.empty()) return "";
  std::string id;
  size_t first = 0;
  if (std::isdigit(static_cast<unsigned char>(words[0][0]))) {
    bool digits = words[0].size() <= 9;
    for (char ch : words[0]) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
    if (!digits) return "? syntax error (malformed id or command)\n\n";
    id = words[0];
    first = 1;
  }
  if (first >= words.size()) return "?" + id + " missing command\n\n";
  const std::string command = words[first];
  const std::vector<std::string> args(words.begin() + static_cast<long>(first) + 1, words.end());
  try {
    const std::string result = execute(command, args);
    return "=" + id + (result.empty() ? "" : " " + result) + "\n\n";
  } catch (const GtpFailure& f) {
    return "?" + id + " " + f.what() + "\n\n";
  } catch (const std::exception& e) {
    return "?" + id + " internal error: " + e.what() + "\n\n";
  } catch (...) {
    return "?" + id + " internal error\n\n";
  }
}

void GtpEngine::run(std::istream& in, std::ostream& out) {
  std::string line;
  while (!quit_ && std::getline(in, line)) {
    const std::string reply = handle_line(line);
    if (reply.empty()) continue;
    out << reply;
    out.flush();
  }
}

}  // namespace tp::agents
