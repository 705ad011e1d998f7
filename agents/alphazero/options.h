#pragma once
// AlphaGo Zero hyperparameters (one struct; the CLI maps onto it 1:1). AlphaGo Zero's own
// values (Silver et al. 2017) are named in the comments; they are sized for 19x19 Go on
// thousands of TPUs, so each game gets a preset scaled to this toolkit's CPU budget
// (AlphaZeroOptions::preset), which is what `--help` shows as the defaults for that game.
#include <string>

namespace tp {
class OptionSet;
}

namespace tp::agents {

// The searches an AlphaZero agent can run: "puct" or "gumbel".
inline bool is_search_name(const std::string& name) { return name == "puct" || name == "gumbel"; }

struct AlphaZeroOptions {
  std::string game = "tictactoe";
  std::string game_options;  // e.g. size=9 (gomoku)

  // Loop
  int iterations = 20;            // self-play / train / arena cycles
  int games_per_iteration = 100;  // AGZ: 25,000 self-play games per checkpoint
  int parallel_games = 64;        // games in flight = leaf-evaluation batch size
  // Search
  int simulations = 100;  // AGZ: 1600 per move
  // Simulations per move when the trained agent plays (eval, play, watch; stored in the
  // checkpoint). Self-play's budget is kept small for throughput; searching more at play time
  // is free strength (KataGo also plays with more visits than it trains with). 0: --simulations.
  int play_simulations = 0;
  // "puct" (AlphaZero) or "gumbel" (Gumbel AlphaZero, Danihelka et al. 2022: improves the
  // policy with few simulations; no root noise, no temperature moves).
  std::string search = "puct";
  int considered_actions = 16;   // Gumbel: root actions sampled (paper: 16)
  double gumbel_c_visit = 50.0;  // Gumbel: sigma(q) = (c_visit + max N) * c_scale * q
  double gumbel_c_scale = 0.1;
  int gumbel_noise_plies = 0;  // Gumbel self-play: the root draw on the first N plies only (0: all)
  double c_puct = 1.25;        // AlphaZero pseudocode c_init
  // KataGo's refinements (Wu 2019), off by default (AlphaZero's rules):
  std::string fpu = "zero";      // unvisited child's Q: "zero" (AlphaZero) | "parent" (KataGo)
  double fpu_reduction = 0.2;    // parent: Q = parent mean - r sqrt(visited prior mass)
  double forced_playouts = 0;    // self-play root: sqrt(k P N) forced visits, pruned from targets (KataGo k = 2)
  double full_search_prob = 1;   // playout cap randomisation: P(full search) per move (KataGo 0.25)
  int fast_simulations = 0;      // the other moves' budget (0: --simulations / 6, at least 2)
  double dirichlet_alpha = 0;    // 0: the game's own (AGZ Go: 0.03)
  double noise_fraction = 0.25;  // AGZ epsilon
  int temperature_moves = 30;    // AGZ: tau = 1 for the first 30 moves, then ~0
  // Each self-play game starts with k ~ U{0..K} uniformly random plies (not recorded), so
  // the network also learns positions that self-play between good players never reaches
  // (KataGo's random openings, Wu 2019). AGZ: 0.
  int random_opening_plies = 0;
  // Value target (1 - w) z + w q, q the recorded root search's value (0: z, AlphaZero;
  // Prasad et al.'s Connect Four AlphaZero: 0.5).
  double value_q_weight = 0;
  // Network
  int blocks = 19;         // AGZ: 19 residual blocks
  int filters = 256;       // AGZ: 256
  int value_hidden = 256;  // AGZ: 256
  // KataGo's network additions (Wu 2019), off by default: every k-th residual block pools
  // globally (0: none); auxiliary targets for games scored by area (Go): each cell's final
  // owner and the final area margin, with these loss weights (0 and 0: no auxiliary heads).
  int global_pooling = 0;
  double ownership_weight = 0;  // KataGo: 1.5 (cross-entropy per cell, averaged)
  double score_weight = 0;
  bool auxiliary_heads() const { return ownership_weight > 0 || score_weight > 0; }
  // Learner
  int window_positions = 500000;   // AGZ: the last 500,000 games (positions here)
  int batch_size = 2048;           // AGZ: 2048 (32 x 64)
  int steps_per_iteration = 1000;  // AGZ: a checkpoint every 1000 steps
  // Sample reuse tied to the data: > 0 sets each iteration's steps to
  // ceil(samples_per_position * new positions / batch_size) instead (KataGo trains each
  // position about 4 times on average); 0: --steps-per-iteration.
  double samples_per_position = 0;
  std::string optimizer = "momentum";  // AGZ: SGD with momentum 0.9
  double lr = 0.01;                    // AGZ: 10^-2 annealed to 10^-4
  double momentum = 0.9;
  double l2 = 1e-4;           // AGZ: c = 10^-4
  std::string lr_milestones;  // iterations where lr drops x0.1 ("10,15")
  // Arena and baselines
  bool gating = true;               // AGZ: a candidate replaces the best at >= 55% (AlphaZero: no gating)
  double gate_threshold = 0.55;     // AGZ: 55%
  int arena_games = 400;            // AGZ: 400 games
  int arena_simulations = 0;        // 0: same as --simulations
  int arena_temperature_moves = 2;  // sampled opening plies so arena games differ
  int baseline_games = 20;          // per baseline, each iteration (0: none)
  std::string baselines = "random,mcts:200";
  int checkpoint_keep = 3;
  // Distributed AlphaZero (docs/distributed.md): > 0 serves self-play actor processes on this
  // port; the learner then trains on their games and plays none itself.
  int actors_port = 0;
  std::string size;  // --size N: shorthand folded into game_options by validate()
  // Self-play worker threads, each with its own games and evaluator: not an option of its own
  // but what --threads becomes (train_alphazero: init_runtime with CoreUse::kWorkers).
  int self_play_workers = 1;

  // The defaults for `game` (tictactoe, connect4, gomoku, othello; others get the generic
  // small preset): what `--help` shows.
  static AlphaZeroOptions preset(const std::string& game);
  // Binds every field to its `torchplay train alphazero` option.
  void bind(OptionSet& set);
  // Folds the --size shorthand into game_options, then checks every value (UsageError).
  void validate();
};

}  // namespace tp::agents
