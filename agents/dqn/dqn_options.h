#pragma once
// Every DQN hyperparameter in one struct, mapped 1:1 onto `torchplay train dqn` options.
// The struct's defaults are the paper settings used for MinAtar (Young & Tian 2019,
// examples/dqn.py, which scales down Mnih et al. 2015); `preset` swaps in the tuned
// classic-control settings for envs with vector observations. The options convention
// (docs/architecture.md): preset for the env, bind, parse, validate.
#include <cstdint>
#include <string>
#include <vector>

#include "core/runtime.h"
#include "envs/env.h"
#include "nets/optimizer.h"
#include "nets/q_networks.h"

namespace tp {
class OptionSet;
}

namespace tp::agents::dqn {

struct DqnOptions {
  std::string env = "CartPole-v1";
  std::string env_options;    // key=value,... passed to the env factory
  int64_t steps = 5'000'000;  // env steps (frames) to train; MinAtar NUM_FRAMES

  // Network (nets/q_networks.h).
  std::string net = "auto";      // auto | mlp | minatar | nature (auto: by observation shape)
  std::string hidden = "64,64";  // mlp hidden widths
  std::string activation = "relu";

  // Extensions, each off in the paper.
  bool double_dqn = false;   // van Hasselt et al. 2016
  bool dueling = false;      // Wang et al. 2016
  bool prioritized = false;  // Schaul et al. 2016, proportional
  int n_step = 1;            // n-step returns (Hessel et al. 2018 use 3)
  double per_alpha = 0.6;    // Schaul et al. 2016, Table 3 (proportional)
  double per_beta0 = 0.4;    // annealed linearly to 1 at the last step
  double per_eps = 1e-6;     // p_i = |delta_i| + eps

  // Replay and schedule (MinAtar dqn.py constants).
  int batch_size = 32;                // BATCH_SIZE
  int64_t replay_size = 100'000;      // REPLAY_BUFFER_SIZE
  int64_t learning_starts = 5'000;    // REPLAY_START_SIZE: uniform random actions, no updates before
  int train_every = 1;                // TRAINING_FREQ: env steps between training rounds
  int gradient_steps = 1;             // gradient steps per training round
  int64_t target_sync_every = 1'000;  // TARGET_NETWORK_UPDATE_FREQ, in gradient steps (hard sync)
  double target_tau = 0.0;            // > 0: Polyak averaging every gradient step instead
  double gamma = 0.99;                // GAMMA

  // Loss and optimizer: Huber (delta 1) on the TD error, centered RMSProp as in MinAtar.
  double huber_delta = 1.0;
  double max_grad_norm = 0.0;  // 0: no clipping (the paper clips the error, i.e. Huber)
  // MinAtar's dqn.py learns from the raw reward. Only Seaquest's surfacing bonus (up to 10)
  // exceeds 1, so clipping, as Mnih et al. 2015 do on Atari, changes Seaquest alone.
  bool clip_rewards = false;
  std::string optimizer = "centered_rmsprop";
  double lr = 2.5e-4;       // STEP_SIZE
  double rms_alpha = 0.95;  // SQUARED_GRAD_MOMENTUM
  // MinAtar's GRAD_MOMENTUM (0.95) never reached its optimizer: PyTorch's RMSprop ran with
  // momentum 0, which produced the paper's curves. Its author calls this intended (the 0.95 is
  // the decay of centered RMSProp's gradient average, here rms_alpha) and the constant was
  // deleted (kenjyoung/MinAtar PR #37, 2024). Momentum 0.95 makes each step ~20x larger.
  double rms_momentum = 0.0;
  double optim_eps = 0.01;  // MIN_SQUARED_GRAD

  // Exploration: epsilon 1 -> 0.1 linearly over 100k frames after the random phase.
  double epsilon_start = 1.0;             // EPSILON
  double epsilon_end = 0.1;               // END_EPSILON
  int64_t epsilon_decay_steps = 100'000;  // FIRST_N_FRAMES

  std::string obs_storage = "auto";   // auto | float | byte | bit (auto: bit for MinAtar)
  std::string dense_kernel = "auto";  // auto | off: nets::DenseQKernel when it computes the network

  // Evaluation and checkpoints.
  int64_t eval_every = 100'000;  // env steps between greedy evaluations (0: only at the end)
  int eval_episodes = 10;
  int final_eval_episodes = 100;
  double eval_epsilon = 0.0;          // epsilon during evaluation (0: greedy)
  std::string final_policy = "last";  // last | best (the best periodic evaluation's weights)
  int64_t checkpoint_every = 100'000;
  int keep_checkpoints = 3;
  bool save_replay = false;  // put the replay memory into checkpoints (exact --resume)

  // Distributed actors (Ape-X, Horgan et al. 2018; docs/distributed.md). With actors_port > 0
  // the learner takes no env steps: `torchplay actor` processes act, each with its own
  // epsilon_i = actor_epsilon^(1 + actor_epsilon_alpha * i / (actor_epsilons - 1)) for actor
  // i (mod actor_epsilons), and send n-step transitions with their priorities. steps counts
  // the transitions the learner takes; training rounds keep --train-every's ratio to them.
  int actors_port = 0;
  double actor_epsilon = 0.4;      // Ape-X's epsilon
  double actor_epsilon_alpha = 7;  // Ape-X's alpha
  int actor_epsilons = 8;          // how many distinct epsilons the actor ids cycle through
  int actor_batch_steps = 100;     // env steps an actor sends together
  int64_t actor_sync_every = 100;  // gradient steps between networks published to the actors

  // The epsilon of actor `id`.
  double actor_epsilon_of(int64_t id) const;

  // The defaults for `env_id`: the tuned classic-control preset for vector observations,
  // else the paper's settings. UsageError for an unknown env.
  static DqnOptions preset(const std::string& env_id);
  // Binds every field to its `torchplay train dqn` option.
  void bind(OptionSet& set);

  // Derived settings. network_options throws UsageError for a continuous-action env
  // ("dqn needs a discrete action space; Pendulum-v1 has Box(...)").
  nets::QNetworkOptions network_options(const envs::Env& env) const;
  nets::OptimizerOptions optimizer_options() const;
  std::string resolved_obs_storage(const envs::Env& env) const;
  // UsageError for inconsistent values.
  void validate() const;
  // How --threads is used: one intra-op thread for the networks the dense kernel computes
  // (mlp, minatar: products too small to split), intra-op threads for the Nature CNN.
  CoreUse core_use() const;
};

// "minatar" for MinAtar/* ids, "classic" for vector observations, else "paper".
std::string env_family(const std::string& env_id, const envs::Env& env);

}  // namespace tp::agents::dqn
