#pragma once
// Every hyperparameter of the policy-gradient agents (A2C, A3C, PPO) in one struct, mapped
// 1:1 onto `torchplay train a2c|a3c|ppo` options. `preset(algorithm, env)` gives the tuned
// settings of the env's family (classic control, continuous control, MinAtar); the options
// convention (docs/architecture.md): preset for the env, bind, parse, validate.
#include <cstdint>
#include <string>

#include "envs/env.h"
#include "nets/actor_critic.h"
#include "nets/optimizer.h"

namespace tp {
class OptionSet;
}

namespace tp::agents::pg {

// The algorithm names, also the `algorithm` of their checkpoints.
inline constexpr char kPpo[] = "ppo";
inline constexpr char kA2c[] = "a2c";
inline constexpr char kA3c[] = "a3c";
bool is_policy_gradient_algorithm(const std::string& name);

struct PgOptions {
  std::string algorithm = kPpo;  // ppo | a2c | a3c (chosen by the command, not an option)
  std::string env = "CartPole-v1";
  std::string env_options;  // key=value,... passed to the env factory
  int64_t steps = 100'000;  // env steps (frames) to train, all envs together

  // Network (nets/actor_critic.h).
  std::string net = "auto";  // auto | mlp | minatar
  std::string hidden = "64,64";
  std::string activation = "tanh";
  bool shared_torso = false;
  bool orthogonal_init = true;
  double log_std_init = 0.0;
  bool gsde = false;        // state-dependent exploration (nets/actor_critic.h)
  int sde_sample_freq = 0;  // gSDE: steps between new noise matrices (0: once per rollout)

  // Rollouts: num_envs copies, num_steps steps each per update (A3C: per worker).
  int num_envs = 8;
  int num_steps = 32;
  double gamma = 0.99;
  double gae_lambda = 0.95;  // A2C/A3C: 1 gives the papers' n-step returns

  // Loss and optimizer.
  std::string optimizer = "adam";  // adam | rmsprop (A3C: its shared RMSProp always)
  double lr = 3e-4;
  bool anneal_lr = true;  // linear to 0 over the run
  double optim_eps = 1e-5;
  double rms_alpha = 0.99;
  double ent_coef = 0.0;
  double vf_coef = 0.5;
  double max_grad_norm = 0.5;  // 0: off

  // PPO.
  int update_epochs = 10;
  int num_minibatches = 4;
  double clip_coef = 0.2;
  bool anneal_clip = false;  // clip range linear to 0 over the run
  bool clip_vloss = false;
  bool norm_adv = true;
  double target_kl = 0.0;  // > 0: stop an update's epochs once approx-KL exceeds it

  // Normalisation (running mean/std, kept in checkpoints).
  bool norm_obs = false;
  bool norm_reward = false;
  double obs_clip = 10.0;
  double reward_clip = 10.0;

  // A3C.
  int workers = 2;
  bool lock_updates = true;  // false: lock-free (Hogwild) updates of the shared parameters

  // Evaluation and checkpoints.
  int64_t eval_every = 10'000;  // env steps between evaluations (0: only at the end)
  int eval_episodes = 10;
  int final_eval_episodes = 100;
  bool eval_sample = false;           // evaluate sampled actions instead of the mode
  std::string final_policy = "last";  // last | best (the best periodic evaluation's weights)
  int64_t checkpoint_every = 50'000;
  int keep_checkpoints = 3;

  // The defaults of `algorithm` for `env_id` (UsageError for an unknown env or algorithm).
  static PgOptions preset(const std::string& algorithm, const std::string& env_id);
  void bind(OptionSet& set);
  // UsageError for inconsistent values, or an env this algorithm cannot run.
  void validate() const;

  nets::ActorCriticOptions network_options(const envs::Env& env) const;
  nets::OptimizerOptions optimizer_options() const;
  int64_t batch_size() const { return static_cast<int64_t>(num_envs) * num_steps; }
  // Updates the run makes (the last rollout may run past `steps`).
  int64_t total_updates() const;
};

// "continuous" (Box actions), "minatar" (MinAtar/*), or "classic" (vector observations).
std::string env_family(const std::string& env_id, const envs::Env& env);

}  // namespace tp::agents::pg
