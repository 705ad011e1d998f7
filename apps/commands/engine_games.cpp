// `torchplay engine-games`: game records for supervised learning, played by GTP engines.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <thread>

#include "agents/gtp/engine_games.h"
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

int cmd_engine_games(const Args& args) {
  CommonOptions common;
  agents::EngineGamesOptions eo;
  std::string engines, levels = "1-10", gnugo_flags;
  eo.workers = 0;
  OptionSet set(
      "torchplay engine-games [--gnugo-levels 1-10] [--engines \"CMD;CMD\"] [--games 1000 --size 9 --komi 7]\n"
      "Has GTP engines play each other or themselves, each game from a short random opening, on\n"
      "several workers, and writes every game as RUN/sgf/game-NNNNNN.sgf (training data for the\n"
      "AlphaGo-Lee pipeline; any directory of SGF files serves as well). Black and White are drawn\n"
      "independently from the engines for each game. --resume RUN plays the games still missing.");
  set.add("gnugo-levels", &levels, "GNU Go levels among the engines: \"1-10\", \"1,5,10\" (\"\" for none)")
      .add("gnugo-flags", &gnugo_flags, "extra GNU Go flags, e.g. \"--monte-carlo\" (GNU Go's 9x9 Monte Carlo mode)")
      .add("engines", &engines,
           "further GTP engines: shell commands separated by ';' (\"{seed}\" in one becomes the game's seed)")
      .add("games", &eo.games, "games to play (game-000001.sgf ..)")
      .add("size", &eo.size, "board size (5..19)")
      .add("komi", &eo.komi, "komi")
      .add("random-moves", &eo.random_moves, "each game opens with 0..N uniformly random legal moves")
      .add("workers", &eo.workers, "games played at once (0: one per core)")
      .add("max-moves", &eo.max_moves, "plies before a game is cut off and scored (0: 3 * size^2)")
      .add("timeout", &eo.timeout_s, "seconds an engine may take for one GTP command");
  set.enable_resume();
  common.bind(set, /*with_device=*/false);
  if (!set.parse(args)) return 0;
  if (!levels.empty())
    for (int level : agents::parse_gnugo_levels(levels))
      eo.engines.push_back(agents::gnugo_command(level, gnugo_flags));
  if (!engines.empty())
    for (const std::string& cmd : split_list(engines, "--engines")) eo.engines.push_back(cmd);
  if (eo.workers == 0) eo.workers = std::max(1u, std::thread::hardware_concurrency());
  eo.validate();
  eo.seed = common.seed;
  init_runtime(common);

  const bool resuming = !set.resume_dir().empty();
  const RunDir run = resuming ? RunDir::open_existing(set.resume_dir())
                              : RunDir::create("engine-games", "go" + std::to_string(eo.size), common.run_dir);
  if (!resuming) run.write_config(set.to_ini());
  eo.sgf_dir = run.file("sgf");
  CsvMetrics metrics(run.metrics_path(),
                     {"game", "black", "white", "opening", "winner", "resigned", "score", "moves", "seconds"});
  std::printf("engine-games: %d games on %dx%d, komi %g, %d workers, %zu engines, run %s\n", eo.games, eo.size, eo.size,
              eo.komi, eo.workers, eo.engines.size(), run.path().c_str());
  for (size_t i = 0; i < eo.engines.size(); ++i) std::printf("  engine %zu: %s\n", i + 1, eo.engines[i].c_str());
  std::fflush(stdout);

  InterruptGuard guard;
  Progress progress("engine-games", eo.games, "games", common.quiet);
  Timer wall;
  int done = 0, existed = 0, played = 0, voids = 0, black_wins = 0, resignations = 0, moves = 0;
  agents::play_engine_games(
      eo,
      [&](const agents::EngineGameRecord& r) {
        ++done;
        if (r.existed) {
          ++existed;
        } else if (r.game.void_game) {
          ++voids;
          if (r.game.end != "interrupted")
            progress.note("game " + std::to_string(r.index + 1) + " void: " + r.game.detail);
        } else {
          ++played;
          black_wins += r.game.winner == 0 ? 1 : 0;
          resignations += r.game.end == "resignation" ? 1 : 0;
          moves += r.game.moves;
          metrics.write({{"game", r.index + 1},
                         {"black", r.plan.black + 1},
                         {"white", r.plan.white + 1},
                         {"opening", static_cast<int>(r.plan.opening.size())},
                         {"winner", r.game.winner == 0   ? 0.0
                                    : r.game.winner == 1 ? 1.0
                                                         : -1.0},
                         {"resigned", r.game.end == "resignation" ? 1.0 : 0.0},
                         {"score", r.game.scored ? r.game.score : std::nan("")},
                         {"moves", r.game.moves},
                         {"seconds", r.seconds}});
        }
        const double rate = played / std::max(wall.seconds(), 1e-9) * 3600.0;
        char metric[96];
        std::snprintf(metric, sizeof metric, "%.0f games/h, Black won %d of %d", rate, black_wins, played);
        progress.update(done, metric);
      },
      [] { return pending_interrupt() != 0; });
  const int interrupted = pending_interrupt();
  progress.finish("", !interrupted);
  const double hours = wall.seconds() / 3600.0;
  const double per_hour = hours > 0 ? played / hours : 0.0;
  std::printf(
      "played %d games in %.1f s (%.0f games/h with %d workers), %d already on disk, %d void; Black won %d, %d by "
      "resignation, %.1f moves per game; SGF files in %s\n",
      played, wall.seconds(), per_hour, eo.workers, existed, voids, black_wins, resignations,
      played ? static_cast<double>(moves) / played : 0.0, eo.sgf_dir.c_str());
  if (common.json) {
    Json j = Json::object();
    j["games_played"] = played;
    j["games_on_disk_before"] = existed;
    j["void"] = voids;
    j["black_wins"] = black_wins;
    j["resignations"] = resignations;
    j["games_per_hour"] = per_hour;
    j["workers"] = eo.workers;
    j["seconds"] = wall.seconds();
    j["sgf_dir"] = eo.sgf_dir;
    j["run_dir"] = run.path();
    print_json_line(j.dump());
  }
  return interrupted ? interrupt_exit_code(interrupted) : 0;
}

}  // namespace tp::app
