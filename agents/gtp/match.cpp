#include "agents/gtp/match.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <ctime>

#include "agents/gtp/sgf.h"
#include "core/error.h"
#include "core/text.h"
#include "core/timer.h"

namespace tp::agents {

namespace {

using envs::go::GoParams;
using envs::go::GoState;
using envs::go::MoveStatus;

std::string today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

MatchRunner::MatchRunner(MatchOptions options) : options_(std::move(options)) {
  TP_CHECK_AS(UsageError, options_.size >= envs::go::kMinSize && options_.size <= envs::go::kMaxSize,
              "--size must be in ", envs::go::kMinSize, "..", envs::go::kMaxSize);
  TP_CHECK_AS(UsageError, options_.games > 0, "--games must be > 0");
  start(0);
  start(1);
}

MatchRunner::~MatchRunner() = default;

void MatchRunner::start(int engine) {
  const std::string& cmd = engine == 0 ? options_.engine_a : options_.engine_b;
  const std::string log =
      options_.log_dir.empty() ? "" : options_.log_dir + (engine == 0 ? "/engine-a.log" : "/engine-b.log");
  engines_[engine].reset();
  engines_[engine] = std::make_unique<GtpClient>(cmd, options_.timeout_s, log);
  const GtpReply version = engines_[engine]->send("protocol_version");
  TP_CHECK(version.ok && version.text == "2", "engine '", cmd, "' does not speak GTP version 2 (protocol_version: '",
           version.text, "')");
  const GtpReply name = engines_[engine]->send("name");
  names_[engine] = name.ok && !name.text.empty() ? name.text : cmd;
}

int MatchRunner::move_clock_seconds() const {
  // GTP clocks count whole seconds: the limit, rounded down, and at least one.
  return std::max(1, static_cast<int>(options_.move_time));
}

MatchGame MatchRunner::play_game(int index, const std::function<bool()>& interrupted,
                                 const std::vector<envs::Action>& opening) {
  MatchGame g;
  g.index = index;
  g.a_is_black = !options_.alternate || index % 2 == 0;
  // engine_of[colour]: 0 = A, 1 = B.
  const int engine_of[2] = {g.a_is_black ? 0 : 1, g.a_is_black ? 1 : 0};
  GoParams params;
  params.size = options_.size;
  params.komi = options_.komi;
  params.max_moves = options_.max_moves;
  GoState state(params);
  const char* colour_name[2] = {"black", "white"};

  auto finish_void = [&](int engine, const std::string& why) {
    g.void_game = true;
    g.end = "engine failure";
    g.result = "Void";
    g.winner = -1;
    g.detail = why;
    if (engine >= 0) {
      try {
        start(engine);
      } catch (const Error& e) {
        g.detail += "; restart failed: " + std::string(e.what());
        throw Error(g.detail);
      }
    }
  };

  int failing = -1;
  try {
    for (int e = 0; e < 2; ++e) {
      failing = e;
      engines_[e]->expect_ok("boardsize " + std::to_string(options_.size));
      engines_[e]->expect_ok("clear_board");
      char komi[32];
      std::snprintf(komi, sizeof komi, "komi %g", options_.komi);
      engines_[e]->expect_ok(komi);
      if (options_.move_time > 0 && engines_[e]->knows("time_settings"))
        engines_[e]->expect_ok("time_settings 0 " + std::to_string(move_clock_seconds()) + " 1");
    }
    for (envs::Action a : opening) {
      TP_CHECK(state.is_legal(a), "opening move ", a, " is illegal");
      const std::string move = state.action_to_string(a);
      const std::string command = std::string("play ") + colour_name[state.current_player()] + " " + move;
      state.apply(a);
      for (int e = 0; e < 2; ++e) {
        failing = e;
        engines_[e]->expect_ok(command);
      }
    }
    bool resigned = false;
    // Phase 0: the game. Phase 1 (only when a second opinion disagrees with the Tromp-Taylor
    // count after two passes): both passes are undone and play resumes with engines that know
    // kgs-genmove_cleanup using it, so dead stones get captured before the final count.
    bool cleanup_known[2] = {false, false};
    for (int phase = 0; phase < 2; ++phase) {
      const std::string genmove_for[2] = {cleanup_known[0] ? "kgs-genmove_cleanup " : "genmove ",
                                          cleanup_known[1] ? "kgs-genmove_cleanup " : "genmove "};
      while (!state.is_terminal()) {
        if (interrupted && interrupted()) {
          g.void_game = true;
          g.end = "interrupted";
          g.result = "Void";
          break;
        }
        const int colour = state.current_player();
        const int mover = engine_of[colour];
        failing = mover;
        if (options_.move_time > 0 && engines_[mover]->knows("time_left"))
          engines_[mover]->expect_ok(std::string("time_left ") + colour_name[colour] + " " +
                                     std::to_string(move_clock_seconds()) + " 1");
        const Timer move_clock;
        const GtpReply reply = engines_[mover]->send(genmove_for[mover] + colour_name[colour]);
        const double took = move_clock.seconds();
        g.longest_move[mover] = std::max(g.longest_move[mover], took);
        if (options_.move_time > 0 && took > options_.move_time) ++g.late_moves[mover];
        if (!reply.ok) {
          finish_void(mover, "genmove failed: " + reply.text);
          break;
        }
        const std::string move = to_lower(reply.text);
        if (move == "resign") {
          resigned = true;
          g.end = "resignation";
          g.result = colour == 0 ? "W+R" : "B+R";
          g.winner = engine_of[1 - colour];
          break;
        }
        envs::Action a = envs::kInvalidAction;
        MoveStatus status = MoveStatus::kOutOfRange;
        try {
          a = state.string_to_action(move);
          status = state.check_move(a);
        } catch (const Error&) {
        }
        if (status != MoveStatus::kLegal) {
          g.end = "illegal move";
          g.result = colour == 0 ? "W+F" : "B+F";
          g.winner = engine_of[1 - colour];
          g.detail = std::string(colour_name[colour]) + " played '" + reply.text + "' at move " +
                     std::to_string(state.history().size() + 1) + ": " + envs::go::describe(status);
          break;
        }
        state.apply(a);
        const int other = engine_of[1 - colour];
        failing = other;
        const GtpReply ack = engines_[other]->send(std::string("play ") + colour_name[colour] + " " + move);
        if (!ack.ok) {
          // The other engine disagrees with torchplay's rules: no result can be trusted.
          g.void_game = true;
          g.end = "move rejected";
          g.result = "Void";
          g.detail = "engine refused " + std::string(colour_name[colour]) + " " + move + " (" + ack.text +
                     "), which torchplay's rules call legal";
          break;
        }
      }
      g.moves = static_cast<int>(state.history().size());
      if (resigned || g.void_game || !state.is_terminal() || !g.end.empty()) break;
      g.end = state.passes() >= 2 ? (phase == 0 ? "two passes" : "two passes after cleanup") : "move limit";
      g.score = state.score();
      g.scored = true;
      g.result = state.score_string();
      const int w = g.score > 0 ? 0 : g.score < 0 ? 1 : -1;
      g.winner = w < 0 ? -1 : engine_of[w];
      g.opinion_a.clear();
      g.opinion_b.clear();
      bool disagree = false;
      for (int e = 0; e < 2; ++e) {
        failing = e;
        if (!engines_[e]->knows("final_score")) continue;
        const GtpReply r = engines_[e]->send("final_score");
        if (!r.ok) continue;
        (e == 0 ? g.opinion_a : g.opinion_b) = r.text;
        disagree = disagree || final_score_value(r.text) != g.score;
      }
      if (phase == 1 || !options_.cleanup || !disagree || state.passes() < 2) break;
      for (int e = 0; e < 2; ++e) cleanup_known[e] = engines_[e]->knows("kgs-genmove_cleanup");
      if (!cleanup_known[0] && !cleanup_known[1]) break;
      bool undone = true;
      for (int e = 0; e < 2 && undone; ++e) {
        failing = e;
        undone = engines_[e]->send("undo").ok && engines_[e]->send("undo").ok;
      }
      if (!undone) {
        g.detail = "no cleanup phase: an engine refused undo";
        break;
      }
      g.detail = "cleanup phase after two passes at move " + std::to_string(state.history().size()) +
                 " (Tromp-Taylor " + g.result + "; final_score " + (g.opinion_a.empty() ? "-" : g.opinion_a) + " and " +
                 (g.opinion_b.empty() ? "-" : g.opinion_b) + ")";
      GoState resumed(params);
      for (size_t i = 0; i + 2 < state.history().size(); ++i) resumed.apply(state.history()[i]);
      state = resumed;
      g.end.clear();
      g.result.clear();
      g.winner = -1;
      g.scored = false;
      g.opinion_a.clear();
      g.opinion_b.clear();
    }
  } catch (const Error& e) {
    g.moves = static_cast<int>(state.history().size());
    finish_void(failing, e.what());
  }
  if (g.end == "illegal move" || g.end == "resignation") g.moves = static_cast<int>(state.history().size());

  SgfInfo info;
  const std::string label[2] = {options_.label_a.empty() ? names_[0] : options_.label_a,
                                options_.label_b.empty() ? names_[1] : options_.label_b};
  info.black = label[engine_of[0]];
  info.white = label[engine_of[1]];
  info.result = g.result;
  info.date = today();
  std::string comment =
      "torchplay match game " + std::to_string(index + 1) + ", ended by " + g.end + ", Tromp-Taylor area scoring";
  if (!opening.empty()) comment += "; the first " + std::to_string(opening.size()) + " moves were a random opening";
  if (!g.detail.empty()) comment += "; " + g.detail;
  if (!g.opinion_a.empty()) comment += "; final_score of " + label[0] + ": " + g.opinion_a;
  if (!g.opinion_b.empty()) comment += "; final_score of " + label[1] + ": " + g.opinion_b;
  info.comment = comment;
  info.random_opening = static_cast<int>(opening.size());
  g.sgf = to_sgf(state, info);
  return g;
}

MatchSummary summarize(const std::vector<MatchGame>& games) {
  MatchSummary s;
  for (const auto& g : games) {
    ++s.games;
    for (int e = 0; e < 2; ++e) {
      s.longest_move[e] = std::max(s.longest_move[e], g.longest_move[e]);
      s.late_moves[e] += g.late_moves[e];
    }
    if (g.void_game) {
      ++s.voids;
      continue;
    }
    if (g.winner == 0)
      ++s.a_wins;
    else if (g.winner == 1)
      ++s.b_wins;
    else
      ++s.draws;
    if (g.end == "illegal move") ++s.illegal_moves;
    if (g.scored) {
      const int ours = final_score_winner(g.result);
      for (const std::string* o : {&g.opinion_a, &g.opinion_b}) {
        if (o->empty()) continue;
        ++s.opinions;
        if (final_score_winner(*o) == ours) ++s.opinions_agree;
      }
    }
  }
  const int decided = s.a_wins + s.b_wins + s.draws;
  s.a_score_rate = decided > 0 ? (s.a_wins + 0.5 * s.draws) / decided : 0.0;
  wilson_interval(s.a_score_rate, decided, 1.96, s.ci_low, s.ci_high);
  return s;
}

}  // namespace tp::agents
