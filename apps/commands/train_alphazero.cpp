#include <fstream>
#include <iostream>

#include "agents/alphazero/trainer.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "envs/games/game_registry.h"

namespace tp::app {

namespace {
// The value of `--name X` or `--name=X` on the command line ("" when absent).
std::string arg_value(const Args& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind(name + "=", 0) == 0) return args[i].substr(name.size() + 1);
  }
  return "";
}

// `key = value` from an INI file ("" when absent or unreadable; the option parser reports
// unreadable files itself).
std::string ini_value(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos || line[0] == '#') continue;
    auto trim = [](std::string s) {
      const size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
      return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
    };
    if (trim(line.substr(0, eq)) == key) return trim(line.substr(eq + 1));
  }
  return "";
}

void add_alphazero_options(OptionSet& set, agents::AlphaZeroOptions& o) {
  set.add("game", &o.game, "board game (see torchplay envs); the defaults shown are this game's preset")
      .add("game-options", &o.game_options, "game settings as key=value,... (gomoku: size=N)")
      .add("iterations", &o.iterations, "self-play / learn / arena iterations")
      .add("games-per-iteration", &o.games_per_iteration, "self-play games per iteration (AGZ: 25000)")
      .add("parallel-games", &o.parallel_games, "games in flight = leaf-evaluation batch size")
      .add("simulations", &o.simulations, "MCTS simulations per move (AGZ: 1600)")
      .add("play-simulations", &o.play_simulations,
           "MCTS simulations per move when the trained agent plays (eval, play, watch; 0: --simulations)")
      .add("c-puct", &o.c_puct, "PUCT exploration constant (AlphaZero c_init 1.25)")
      .add("dirichlet-alpha", &o.dirichlet_alpha, "root noise alpha (0: the game's own value)")
      .add("noise-fraction", &o.noise_fraction, "root noise weight epsilon (AGZ: 0.25)")
      .add("temperature-moves", &o.temperature_moves, "plies played with temperature 1, then greedy (AGZ: 30)")
      .add("random-opening-plies", &o.random_opening_plies,
           "self-play games start with 0..K uniformly random plies, not recorded (AGZ: 0)")
      .add("blocks", &o.blocks, "residual blocks (AGZ: 19)")
      .add("filters", &o.filters, "convolution filters (AGZ: 256)")
      .add("value-hidden", &o.value_hidden, "hidden units of the value head (AGZ: 256)")
      .add("window-positions", &o.window_positions, "self-play window size in positions")
      .add("batch-size", &o.batch_size, "training minibatch (AGZ: 2048)")
      .add("steps-per-iteration", &o.steps_per_iteration, "training steps per iteration (AGZ: 1000)")
      .add("optimizer", &o.optimizer, "sgd | momentum | nesterov | adam | adamw | rmsprop (AGZ: momentum)")
      .add("lr", &o.lr, "learning rate (AGZ: 0.01, annealed to 1e-4)")
      .add("momentum", &o.momentum, "SGD momentum (AGZ: 0.9)")
      .add("l2", &o.l2, "L2 weight regularization c (AGZ: 1e-4)")
      .add("lr-milestones", &o.lr_milestones, "iterations where the learning rate drops x0.1, e.g. 20,40")
      .add("gating", &o.gating, "the candidate replaces the best only at >= --gate-threshold (AGZ); false: always (AlphaZero)")
      .add("gate-threshold", &o.gate_threshold, "arena score needed to replace the best (AGZ: 0.55)")
      .add("arena-games", &o.arena_games, "arena games per iteration, colours alternating (AGZ: 400)")
      .add("arena-simulations", &o.arena_simulations, "MCTS simulations per arena move (0: --simulations)")
      .add("arena-temperature-moves", &o.arena_temperature_moves, "sampled opening plies in arena games")
      .add("baseline-games", &o.baseline_games, "games against each baseline per iteration (0: none)")
      .add("baselines", &o.baselines, "baseline opponents: random, minimax[:D], mcts:N, solver")
      .add("checkpoint-keep", &o.checkpoint_keep, "checkpoints kept in RUN/checkpoints");
}
}  // namespace

int train_alphazero(const Args& args) {
  // The game picks the preset shown as defaults: from the command line, else the resumed
  // run's or the --config file's `game` line.
  const std::string resume_dir = arg_value(args, "--resume");
  std::string game = arg_value(args, "--game");
  if (game.empty() && !resume_dir.empty()) game = ini_value(resume_dir + "/config.ini", "game");
  if (game.empty() && !arg_value(args, "--config").empty()) game = ini_value(arg_value(args, "--config"), "game");
  if (game.empty()) game = "tictactoe";
  const envs::GameRegistry registry = envs::make_game_registry();
  registry.spec(game);  // unknown game: a usage error listing the known ones

  agents::AlphaZeroOptions o = agents::alphazero_preset(game);
  CommonOptions common;
  std::string resume, board_size;
  OptionSet set(
      "torchplay train alphazero --game NAME [options]\n"
      "AlphaGo Zero self-play training (docs/alphazero.md). Defaults are the game's preset, scaled\n"
      "down from AlphaGo Zero's values (named in each option's help) to this toolkit's CPU budget.\n"
      "--resume RUN_DIR continues a run from its newest checkpoint.");
  add_alphazero_options(set, o);
  common.add_to(set);
  set.add_transient("resume", &resume, "continue the run in RUN_DIR (its config.ini, then the command line)");
  set.add_transient("size", &board_size, "board size shorthand: adds size=N to --game-options (go, gomoku)");
  if (!resume_dir.empty()) set.set_default_config_file(RunDir::open_existing(resume_dir).config_path());
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, o.game == game, "--game ", o.game, " differs from the run's game ", game);
  if (!board_size.empty()) {
    TP_CHECK_AS(UsageError, board_size.find_first_not_of("0123456789") == std::string::npos,
                "--size needs a positive integer, got '", board_size, "'");
    TP_CHECK_AS(UsageError, o.game_options.find("size=") == std::string::npos,
                "--size ", board_size, " conflicts with --game-options ", o.game_options);
    o.game_options += (o.game_options.empty() ? "" : ",") + std::string("size=") + board_size;
  }
  init_runtime(common);

  agents::AlphaZeroRun run;
  run.run_dir = resume.empty() ? common.run_dir : resume;
  run.resume = !resume.empty();
  run.config_ini = set.to_ini();
  run.common = common;
  agents::AlphaZeroResult result;
  const int code = agents::train_alphazero(o, run, &result);
  if (code != 0) return code;
  std::cout << "trained " << o.game << " for " << result.iterations << " iterations (" << result.games
            << " self-play games, best network generation " << result.best_generation << "); run " << result.run_dir
            << "\n";
  if (common.json) {
    Json j = Json::object();
    j.set("algorithm", "alphazero");
    j.set("game", o.game);
    j.set("run_dir", result.run_dir);
    j.set("iterations", result.iterations);
    j.set("games", static_cast<long long>(result.games));
    j.set("best_generation", result.best_generation);
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace tp::app
