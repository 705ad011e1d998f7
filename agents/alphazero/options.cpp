#include "agents/alphazero/options.h"

namespace tp::agents {

AlphaZeroOptions alphazero_preset(const std::string& game) {
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
    o.random_opening_plies = 6;
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
    o.iterations = 60;
    o.games_per_iteration = 128;
    o.parallel_games = 64;
    o.simulations = 200;
    o.temperature_moves = 10;
    // 5 blocks of 32 filters: ~9 MFLOP per position, so a CPU core evaluates a few
    // thousand positions per second in batches (64 filters: 4x the cost per position).
    o.blocks = 5;
    o.filters = 32;
    o.value_hidden = 64;
    o.window_positions = 100000;
    o.steps_per_iteration = 200;
    o.arena_games = 40;
    o.arena_simulations = 100;
    o.baseline_games = 20;
    o.baselines = "random,mcts:1000";
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

}  // namespace tp::agents
