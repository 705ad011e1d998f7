#pragma once
// Every R2D2 hyperparameter in one struct, mapped 1:1 onto `torchplay train r2d2` options
// (docs/r2d2.md). The struct's defaults are the paper's (Kapturowski et al. 2019, Table 2)
// where they carry over to one process; `preset` swaps in the settings tuned here for
// classic control (vector observations). The options convention (docs/architecture.md):
// preset for the env, bind, parse, validate.
#include <cstdint>
#include <string>
#include <vector>

namespace tp {
class OptionSet;
}

namespace tp::agents::r2d2 {

// The algorithm name in the header of every `train r2d2` checkpoint.
inline constexpr char kR2d2Algorithm[] = "r2d2";

struct R2d2Options {
  std::string env = "CartPole-v1";
  std::string env_options;
  int64_t steps = 1'000'000;  // env steps over all actors

  // Network: MLP torso, LSTM, dueling head.
  std::string torso = "64";
  int lstm_size = 512;
  bool dueling = true;

  // Sequences and replay.
  int seq_length = 80;  // m, burn-in included; consecutive sequences overlap by m/2
  int burn_in = 40;
  std::string recurrent_state = "stored";  // stored (R2D2) | zero (DRQN: zero start state)
  int64_t replay_size = 25'000;            // sequences
  int64_t learning_starts = 5'000;         // env steps before the first update
  double priority_exponent = 0.9;          // alpha
  double importance_exponent = 0.6;        // beta
  double priority_eta = 0.9;               // p = eta max|delta| + (1 - eta) mean|delta|

  // Learning.
  int n_step = 5;
  double gamma = 0.997;
  double rescale_eps = 1e-3;
  int batch_size = 64;                // sequences
  int train_every = 1;                // vector steps (num_envs env steps) between updates
  int64_t target_sync_every = 2'500;  // updates between hard target syncs
  double lr = 1e-4;
  double adam_eps = 1e-3;
  double max_grad_norm = 40.0;

  // Actors in this process: num_envs env copies, epsilon_i = base^(1 + alpha i / (K - 1)).
  int num_envs = 8;
  double actor_epsilon = 0.4;
  double actor_epsilon_alpha = 7.0;

  // Distributed actors (docs/distributed.md): with a port, the learner serves `torchplay actor`
  // processes and learns only from what they send. Each runs --num-envs copies with the
  // epsilons above, sends its sequences every actor_batch_steps vector steps and fetches the
  // online network when actor_sync_every updates made a new one.
  int actors_port = 0;
  int actor_batch_steps = 50;
  int64_t actor_sync_every = 50;

  // Evaluation and checkpoints.
  int64_t eval_every = 50'000;
  int eval_episodes = 10;
  int final_eval_episodes = 100;
  std::string final_policy = "last";  // last | best
  int64_t checkpoint_every = 100'000;
  int keep_checkpoints = 3;
  // The replay memory in checkpoints: an exact --resume, at the cost of writing the whole
  // replay each time (about 350 MB for MinAtar's 10,000 sequences). Off, as in dqn: a resumed
  // run refills the replay before it updates again.
  bool save_replay = false;

  // The epsilon of env copy i (Ape-X's ladder over --num-envs), and all of them.
  double actor_epsilon_of(int i) const;
  std::vector<double> actor_epsilons() const;
  static R2d2Options preset(const std::string& env_id);
  void bind(OptionSet& set);
  // UsageError for inconsistent values.
  void validate() const;
};

}  // namespace tp::agents::r2d2
