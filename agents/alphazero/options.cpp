#include "agents/alphazero/options.h"

#include "core/error.h"
#include "core/options.h"
#include "envs/games/game_registry.h"

namespace tp::agents {

AlphaZeroOptions AlphaZeroOptions::preset(const std::string& game) {
  envs::make_game_registry().spec(game);  // an unknown game: a usage error listing the known ones
  AlphaZeroOptions o;
  o.game = game;
  o.optimizer = "adam";  // converges in far fewer steps than AGZ's SGD at these tiny budgets
  o.lr = 2e-3;
  o.batch_size = 256;
  if (game == "tictactoe") {
    // Sized to finish within 5 minutes on two shared CPU cores.
    o.iterations = 20;
    o.games_per_iteration = 128;
    o.parallel_games = 64;
    o.simulations = 128;
    // Between good players every arena game is a draw (score 0.5), so a 55% gate never
    // opens and self-play would stay on a stale network: train AlphaZero-style instead.
    o.gating = false;
    o.temperature_moves = 4;
    // Without random openings the network never sees positions like X a1 c1 c2 / O b1 c3
    // and misjudges them (O's double threat b3 wins); the exhaustive check finds them.
    // 6 was enough on the machine it was tuned on; on an AVX-512 EPYC (other float kernels,
    // so another trajectory) seed 1 left 2 positions, and 8 left 0 for seeds 1-3 on both.
    o.random_opening_plies = 8;
    o.blocks = 2;
    o.filters = 32;
    o.value_hidden = 32;
    o.window_positions = 20000;
    o.batch_size = 128;
    o.steps_per_iteration = 200;
    o.arena_games = 40;
    o.arena_simulations = 32;
    o.baseline_games = 20;
    o.baselines = "random,minimax";
  } else if (game == "connect4") {
    // About 50-60 minutes of one core (measured, docs/alphazero.md). KataGo's playout cap
    // randomisation: a quarter of the moves get the full 200-simulation search and are
    // recorded, the rest 40 simulations, so an iteration of 128 games took 9-15 s here
    // against 33 s for full searches everywhere; each recorded position is trained on 12
    // times (the earlier preset's reuse), and the learning rate drops x0.1 for the last 60
    // iterations. No arena (AlphaZero-style: every iteration's network plays next). At equal
    // CPU time it made fewer Pons mistakes than full searches on two seeds, and one full run
    // on a third made 0.8% on both test sets at 800 simulations.
    o.iterations = 240;
    o.lr_milestones = "180";
    o.full_search_prob = 0.25;
    o.fast_simulations = 40;
    o.samples_per_position = 12;
    // The value target is half the game's result, half the recorded search's value: on two
    // fresh seeds (21, 22) it cut the five Pons sets' mistakes from 260 to 206 of 10,000 and
    // won 194 of 200 games against mcts:1000 against 186 (docs/alphazero.md).
    o.value_q_weight = 0.5;
    o.gating = false;
    o.games_per_iteration = 128;
    o.parallel_games = 64;
    o.simulations = 200;
    // The trained agent searches 4x self-play's full budget (AlphaZero searched 800 per
    // move): 95% and 99% against mcts:1000 at 800 simulations (seeds 21 and 22, docs/alphazero.md).
    o.play_simulations = 800;
    o.temperature_moves = 10;
    // 5 blocks of 32 filters: ~9 MFLOP per position, so a CPU core evaluates a few
    // thousand positions per second in batches (64 filters: 4x the cost per position).
    o.blocks = 5;
    o.filters = 32;
    o.value_hidden = 64;
    o.window_positions = 100000;
    o.steps_per_iteration = 200;
    o.arena_games = 0;
    o.arena_simulations = 100;  // also the candidate's budget in the baseline games
    o.baseline_games = 2;       // 480 games over the run (10 per iteration before: 720 in 72)
    o.baselines = "mcts:1000";
  } else {  // gomoku, othello and others
    o.iterations = 50;
    o.games_per_iteration = 64;
    o.parallel_games = 64;
    o.simulations = 200;
    o.temperature_moves = game == "gomoku" ? 8 : 12;
    o.blocks = 6;
    o.filters = 64;
    o.value_hidden = 64;
    o.window_positions = 100000;
    o.steps_per_iteration = 200;
    o.arena_games = 40;
    o.arena_simulations = 100;
    o.baseline_games = 10;
    o.baselines = "random,mcts:200";
  }
  return o;
}

void AlphaZeroOptions::bind(OptionSet& set) {
  AlphaZeroOptions& o = *this;
  set.add("game", &o.game, "board game (see torchplay envs); the defaults shown are this game's preset")
      .add("game-options", &o.game_options, "game settings as key=value,... (gomoku: size=N)")
      .add("iterations", &o.iterations, "self-play / learn / arena iterations")
      .add("games-per-iteration", &o.games_per_iteration, "self-play games per iteration (AGZ: 25000)")
      .add("parallel-games", &o.parallel_games, "games in flight = leaf-evaluation batch size")
      .add("simulations", &o.simulations, "MCTS simulations per move (AGZ: 1600)")
      .add("play-simulations", &o.play_simulations,
           "MCTS simulations per move when the trained agent plays (eval, play, watch; 0: --simulations)")
      .add("search", &o.search, "puct (AlphaZero) | gumbel (Gumbel AlphaZero: sequential halving, completed-Q targets)")
      .add("considered-actions", &o.considered_actions, "gumbel: root actions sampled by Gumbel-Top-k (paper: 16)")
      .add("gumbel-c-visit", &o.gumbel_c_visit, "gumbel: c_visit of sigma(q) = (c_visit + max N) * c_scale * q")
      .add("gumbel-c-scale", &o.gumbel_c_scale, "gumbel: c_scale of sigma(q)")
      .add("gumbel-noise-plies", &o.gumbel_noise_plies,
           "gumbel self-play: the Gumbel draw on the first N plies only, then the best survivor (0: every ply, the "
           "paper)")
      .add("c-puct", &o.c_puct, "PUCT exploration constant (AlphaZero c_init 1.25)")
      .add("fpu", &o.fpu, "first-play urgency, an unvisited move's Q: zero (AlphaZero) | parent (KataGo)")
      .add("fpu-reduction", &o.fpu_reduction, "fpu parent: Q = parent mean - r sqrt(prior mass visited) (KataGo 0.2)")
      .add("forced-playouts", &o.forced_playouts,
           "self-play: root moves get sqrt(k P N) visits, pruned from the policy target (KataGo k = 2; 0: off)")
      .add("full-search-prob", &o.full_search_prob,
           "playout cap randomisation: share of moves searched fully and recorded (KataGo 0.25; 1: off)")
      .add("fast-simulations", &o.fast_simulations,
           "playout cap randomisation: the other moves' simulations (0: --simulations / 6, at least 2)")
      .add("value-q-weight", &o.value_q_weight,
           "self-play value target (1 - w) z + w q, q the root search's value (0: the game's result z alone)")
      .add("dirichlet-alpha", &o.dirichlet_alpha, "root noise alpha (0: the game's own value)")
      .add("noise-fraction", &o.noise_fraction, "root noise weight epsilon (AGZ: 0.25)")
      .add("temperature-moves", &o.temperature_moves, "plies played with temperature 1, then greedy (AGZ: 30)")
      .add("random-opening-plies", &o.random_opening_plies,
           "self-play games start with 0..K uniformly random plies, not recorded (AGZ: 0)")
      .add("blocks", &o.blocks, "residual blocks (AGZ: 19)")
      .add("filters", &o.filters, "convolution filters (AGZ: 256)")
      .add("value-hidden", &o.value_hidden, "hidden units of the value head (AGZ: 256)")
      .add("global-pooling", &o.global_pooling, "every K-th residual block pools the board globally (KataGo; 0: none)")
      .add("ownership-weight", &o.ownership_weight,
           "loss weight of the auxiliary ownership head: each cell's final owner (area-scored games: go; "
           "KataGo 1.5; 0: none)")
      .add("score-weight", &o.score_weight,
           "loss weight of the auxiliary score head: final area margin / board area (go; 0: none)")
      .add("window-positions", &o.window_positions, "self-play window size in positions")
      .add("batch-size", &o.batch_size, "training minibatch (AGZ: 2048)")
      .add("steps-per-iteration", &o.steps_per_iteration, "training steps per iteration (AGZ: 1000)")
      .add("samples-per-position", &o.samples_per_position,
           "> 0: steps per iteration = ceil(this * new positions / batch size) instead (KataGo ~4)")
      .add("optimizer", &o.optimizer, "sgd | momentum | nesterov | adam | adamw | rmsprop (AGZ: momentum)")
      .add("lr", &o.lr, "learning rate (AGZ: 0.01, annealed to 1e-4)")
      .add("momentum", &o.momentum, "SGD momentum (AGZ: 0.9)")
      .add("l2", &o.l2, "L2 weight regularization c (AGZ: 1e-4)")
      .add("lr-milestones", &o.lr_milestones, "iterations where the learning rate drops x0.1, e.g. 20,40")
      .add("gating", &o.gating,
           "the candidate replaces the best only at >= --gate-threshold (AGZ); false: always (AlphaZero)")
      .add("gate-threshold", &o.gate_threshold, "arena score needed to replace the best (AGZ: 0.55)")
      .add("arena-games", &o.arena_games, "arena games per iteration, colours alternating (AGZ: 400)")
      .add("arena-simulations", &o.arena_simulations, "MCTS simulations per arena move (0: --simulations)")
      .add("arena-temperature-moves", &o.arena_temperature_moves, "sampled opening plies in arena games")
      .add("baseline-games", &o.baseline_games, "games against each baseline per iteration (0: none)")
      .add("baselines", &o.baselines, "baseline opponents: random, minimax[:D], mcts:N, solver")
      .add("checkpoint-keep", &o.checkpoint_keep, "checkpoints kept in RUN/checkpoints")
      .add("actors-port", &o.actors_port,
           "distributed: serve self-play actors (torchplay actor --learner tcp://HOST:PORT) on this port and "
           "train on their games instead of playing its own (0: play here)")
      .add_transient("size", &o.size, "board size shorthand: adds size=N to --game-options (go, gomoku)");
}

void AlphaZeroOptions::validate() {
  AlphaZeroOptions& o = *this;
  if (!size.empty()) {
    TP_CHECK_AS(UsageError, size.find_first_not_of("0123456789") == std::string::npos,
                "--size needs a positive integer, got '", size, "'");
    TP_CHECK_AS(UsageError, game_options.find("size=") == std::string::npos, "--size ", size,
                " conflicts with --game-options ", game_options);
    game_options += (game_options.empty() ? "" : ",") + std::string("size=") + size;
    size.clear();
  }
  TP_CHECK_AS(UsageError, o.iterations > 0, "--iterations must be > 0");
  TP_CHECK_AS(UsageError, o.games_per_iteration > 0, "--games-per-iteration must be > 0");
  TP_CHECK_AS(UsageError, o.parallel_games > 0, "--parallel-games must be > 0");
  TP_CHECK_AS(UsageError, o.simulations > 0, "--simulations must be > 0");
  TP_CHECK_AS(UsageError, o.arena_simulations >= 0, "--arena-simulations must be >= 0");
  TP_CHECK_AS(UsageError, o.play_simulations >= 0, "--play-simulations must be >= 0");
  TP_CHECK_AS(UsageError, o.c_puct > 0, "--c-puct must be > 0");
  TP_CHECK_AS(UsageError, is_search_name(o.search), "--search must be puct or gumbel, got '", o.search, "'");
  TP_CHECK_AS(UsageError, o.considered_actions > 0, "--considered-actions must be > 0");
  TP_CHECK_AS(UsageError, o.gumbel_c_visit >= 0 && o.gumbel_c_scale >= 0,
              "--gumbel-c-visit and --gumbel-c-scale must be >= 0");
  TP_CHECK_AS(UsageError, o.gumbel_noise_plies >= 0, "--gumbel-noise-plies must be >= 0");
  TP_CHECK_AS(UsageError, o.fpu == "zero" || o.fpu == "parent", "--fpu must be zero or parent, got '", o.fpu, "'");
  TP_CHECK_AS(UsageError, o.fpu_reduction >= 0, "--fpu-reduction must be >= 0");
  TP_CHECK_AS(UsageError, o.forced_playouts >= 0, "--forced-playouts must be >= 0");
  TP_CHECK_AS(UsageError, o.forced_playouts == 0 || o.search == "puct",
              "--forced-playouts needs --search puct (Gumbel search has no root noise to force)");
  TP_CHECK_AS(UsageError, o.full_search_prob > 0 && o.full_search_prob <= 1, "--full-search-prob must be in (0, 1]");
  TP_CHECK_AS(UsageError, o.fast_simulations >= 0, "--fast-simulations must be >= 0");
  TP_CHECK_AS(UsageError, o.value_q_weight >= 0 && o.value_q_weight <= 1, "--value-q-weight must be in [0, 1]");
  TP_CHECK_AS(UsageError, o.samples_per_position >= 0, "--samples-per-position must be >= 0");
  TP_CHECK_AS(UsageError, o.dirichlet_alpha >= 0, "--dirichlet-alpha must be >= 0");
  TP_CHECK_AS(UsageError, o.noise_fraction >= 0 && o.noise_fraction <= 1, "--noise-fraction must be in [0, 1]");
  TP_CHECK_AS(UsageError, o.temperature_moves >= 0 && o.arena_temperature_moves >= 0, "temperature moves must be >= 0");
  TP_CHECK_AS(UsageError, o.random_opening_plies >= 0, "--random-opening-plies must be >= 0");
  TP_CHECK_AS(UsageError, o.blocks >= 0 && o.filters > 0 && o.value_hidden > 0,
              "--blocks must be >= 0, --filters and --value-hidden > 0");
  TP_CHECK_AS(UsageError, o.global_pooling >= 0, "--global-pooling must be >= 0");
  TP_CHECK_AS(UsageError, o.ownership_weight >= 0 && o.score_weight >= 0,
              "--ownership-weight and --score-weight must be >= 0");
  TP_CHECK_AS(UsageError, o.window_positions > 0 && o.batch_size > 0 && o.steps_per_iteration >= 0,
              "--window-positions and --batch-size must be > 0, --steps-per-iteration >= 0");
  TP_CHECK_AS(UsageError, o.lr > 0 && o.l2 >= 0, "--lr must be > 0 and --l2 >= 0");
  TP_CHECK_AS(UsageError, o.gate_threshold >= 0 && o.gate_threshold <= 1, "--gate-threshold must be in [0, 1]");
  TP_CHECK_AS(UsageError, o.arena_games >= 0 && o.baseline_games >= 0, "game counts must be >= 0");
  TP_CHECK_AS(UsageError, !o.gating || o.arena_games > 0, "--gating needs --arena-games > 0");
  TP_CHECK_AS(UsageError, o.checkpoint_keep > 0, "--checkpoint-keep must be > 0");
  TP_CHECK_AS(UsageError, o.actors_port >= 0 && o.actors_port < 65536, "--actors-port must be in 0..65535");
}

}  // namespace tp::agents
