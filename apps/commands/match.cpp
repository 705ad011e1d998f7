// `torchplay match`: games between two GTP engines, refereed by torchplay's Go rules.
#include <cmath>
#include <cstdio>

#include "agents/gtp/match.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/json.h"
#include "core/metrics.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "core/timer.h"

namespace tp::app {

int cmd_match(const Args& args) {
  CommonOptions common;
  agents::MatchOptions mo;
  OptionSet set(
      "torchplay match --black \"CMD\" --white \"CMD\" [--games N --size 9 --komi 7.5] [options]\n"
      "Plays Go between two GTP engines (shell commands), alternating colours; every move is\n"
      "checked by torchplay's rules; games are scored by Tromp-Taylor area, with each engine's\n"
      "final_score as a second opinion; every game is saved as RUN/sgf/game-NNN.sgf.");
  set.add("black", &mo.engine_a, "engine A: plays Black in game 1 (and White in game 2 when alternating)")
      .add("white", &mo.engine_b, "engine B: plays White in game 1")
      .add("games", &mo.games, "number of games")
      .add("size", &mo.size, "board size (5..19)")
      .add("komi", &mo.komi, "komi")
      .add("alternate", &mo.alternate, "swap colours every game (--alternate=false keeps them)")
      .add("max-moves", &mo.max_moves, "plies before a game is cut off and scored (0: 3 * size^2)")
      .add("timeout", &mo.timeout_s, "seconds an engine may take for one GTP command")
      .add("move-time", &mo.move_time,
           "whole seconds per move (0: none): engines get time_settings 0 T 1 and time_left before each genmove; moves "
           "over it are counted")
      .add("cleanup", &mo.cleanup,
           "when an engine's final_score disagrees with the Tromp-Taylor count after two passes, undo them"
           " and play on with kgs-genmove_cleanup (capturing dead stones), then count again");
  common.bind(set, /*with_device=*/false);  // no network runs here
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !mo.engine_a.empty() && !mo.engine_b.empty(), "--black and --white are required");
  TP_CHECK_AS(UsageError, mo.games > 0, "--games must be > 0");
  TP_CHECK_AS(UsageError, mo.size >= envs::go::kMinSize && mo.size <= envs::go::kMaxSize, "--size must be in ",
              envs::go::kMinSize, "..", envs::go::kMaxSize);
  TP_CHECK_AS(UsageError, mo.max_moves >= 0, "--max-moves must be >= 0");
  TP_CHECK_AS(UsageError, mo.timeout_s > 0, "--timeout must be > 0");
  TP_CHECK_AS(UsageError, mo.move_time >= 0 && mo.move_time < mo.timeout_s, "--move-time must be in [0, --timeout)");
  // GTP's time_settings and time_left take whole seconds: a fraction could not reach the engines.
  TP_CHECK_AS(UsageError, mo.move_time == std::floor(mo.move_time),
              "--move-time must be a whole number of seconds, not ", mo.move_time,
              " (GTP's time commands take integers)");
  init_runtime(common);

  const RunDir run = RunDir::create("match", "go" + std::to_string(mo.size), common.run_dir);
  run.write_config(set.to_ini());
  make_dirs(run.file("sgf"));
  mo.log_dir = run.path();
  CsvMetrics metrics(run.metrics_path(), {"game", "a_is_black", "winner", "void", "illegal", "resigned", "score",
                                          "moves", "seconds", "longest_move_a", "longest_move_b"});
  InterruptGuard guard;
  agents::MatchRunner runner(mo);
  std::printf("match: A = %s (%s)\n       B = %s (%s)\n       %d games on %dx%d, komi %g, run %s\n",
              runner.name_a().c_str(), mo.engine_a.c_str(), runner.name_b().c_str(), mo.engine_b.c_str(), mo.games,
              mo.size, mo.size, mo.komi, run.path().c_str());
  std::fflush(stdout);

  std::vector<agents::MatchGame> games;
  Progress progress("match", mo.games, "games", common.quiet);
  int interrupted = 0;
  for (int i = 0; i < mo.games; ++i) {
    Timer timer;
    agents::MatchGame g = runner.play_game(i, [&] { return pending_interrupt() != 0; });
    char name[32];
    std::snprintf(name, sizeof name, "sgf/game-%03d.sgf", i + 1);
    write_file_atomic(run.file(name), g.sgf);
    metrics.write({{"game", i + 1},
                   {"a_is_black", g.a_is_black ? 1 : 0},
                   {"winner", g.winner},
                   {"void", g.void_game ? 1 : 0},
                   {"illegal", g.end == "illegal move" ? 1 : 0},
                   {"resigned", g.end == "resignation" ? 1 : 0},
                   {"score", g.scored ? g.score : std::nan("")},
                   {"moves", g.moves},
                   {"seconds", timer.seconds()},
                   {"longest_move_a", g.longest_move[0]},
                   {"longest_move_b", g.longest_move[1]}});
    if (!common.quiet) {
      std::string line = "game " + std::to_string(i + 1) + ": A " + (g.a_is_black ? "black" : "white") + ", " +
                         g.result + " (" + g.end + ", " + std::to_string(g.moves) + " moves)";
      if (!g.opinion_a.empty()) line += ", A says " + g.opinion_a;
      if (!g.opinion_b.empty()) line += ", B says " + g.opinion_b;
      if (!g.detail.empty()) line += "; " + g.detail;
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    games.push_back(std::move(g));
    const agents::MatchSummary s = agents::summarize(games);
    progress.update(i + 1, "A " + std::to_string(s.a_wins) + "-" + std::to_string(s.b_wins));
    if ((interrupted = pending_interrupt()) != 0) break;
  }
  progress.finish();

  const agents::MatchSummary s = agents::summarize(games);
  std::printf("A (%s) vs B (%s): %d games, A wins %d, B wins %d, draws %d, void %d\n", runner.name_a().c_str(),
              runner.name_b().c_str(), s.games, s.a_wins, s.b_wins, s.draws, s.voids);
  std::printf(
      "A score rate %.3f (95%% CI %.3f..%.3f); forfeits by illegal moves %d; engines' final_score agrees"
      " on the winner in %d of %d opinions; SGF files in %s/sgf\n",
      s.a_score_rate, s.ci_low, s.ci_high, s.illegal_moves, s.opinions_agree, s.opinions, run.path().c_str());
  std::printf("longest move: A %.2f s, B %.2f s", s.longest_move[0], s.longest_move[1]);
  if (mo.move_time > 0) std::printf("; moves over %g s: A %d, B %d", mo.move_time, s.late_moves[0], s.late_moves[1]);
  std::printf("\n");
  if (common.json) {
    Json j = Json::object();
    j["engine_a"] = mo.engine_a;
    j["engine_b"] = mo.engine_b;
    j["name_a"] = runner.name_a();
    j["name_b"] = runner.name_b();
    j["size"] = mo.size;
    j["komi"] = mo.komi;
    j["games"] = s.games;
    j["a_wins"] = s.a_wins;
    j["b_wins"] = s.b_wins;
    j["draws"] = s.draws;
    j["void"] = s.voids;
    j["illegal_moves"] = s.illegal_moves;
    j["a_score_rate"] = s.a_score_rate;
    j["ci_low"] = s.ci_low;
    j["ci_high"] = s.ci_high;
    j["opinions"] = s.opinions;
    j["opinions_agree"] = s.opinions_agree;
    j["move_time"] = mo.move_time;
    j["longest_move_a"] = s.longest_move[0];
    j["longest_move_b"] = s.longest_move[1];
    j["late_moves_a"] = s.late_moves[0];
    j["late_moves_b"] = s.late_moves[1];
    j["run_dir"] = run.path();
    Json results = Json::array();
    for (const auto& g : games) results.push_back(g.result);
    j["results"] = results;
    print_json_line(j.dump());
  }
  return interrupted ? interrupt_exit_code(interrupted) : 0;
}

}  // namespace tp::app
