#include "agents/pqn/pqn_options.h"

#include <algorithm>

#include "core/error.h"
#include "core/options.h"
#include "envs/registry.h"
#include "nets/layers.h"

namespace tp::agents::pqn {

PqnOptions PqnOptions::preset(const std::string& env_id) {
  PqnOptions o;
  o.env = env_id;
  const auto env = envs::make_env_registry().make(env_id, {});
  TP_CHECK_AS(UsageError, !env->has_continuous_actions(), "train pqn needs discrete actions, and ", env_id,
              " has continuous ones");
  if (env_id.rfind("MinAtar/", 0) == 0) {
    // purejaxql's pqn_minatar.yaml: 128 envs x 32 steps, 2 epochs of 32 minibatches (128
    // transitions each), lambda 0.65, epsilon 1 -> 0.05 over the first 10%, lr 5e-4
    // annealed, gradient norm 10, no reward scaling, 10M frames.
    o.steps = 10'000'000;
    o.num_envs = 128;
    o.num_steps = 32;
    o.update_epochs = 2;
    o.num_minibatches = 32;
    o.lambda = 0.65;
    o.eps_finish = 0.05;
    o.eps_decay = 0.1;
    o.lr = 5e-4;
    o.reward_scale = 1.0;
    o.eval_every = 500'000;
    o.checkpoint_every = 500'000;
  }
  // Otherwise purejaxql's pqn_cartpole.yaml (the struct's defaults): 32 envs x 64 steps, 4
  // epochs of 16 minibatches, 2 x 256 LayerNorm MLP, lr 1e-4 annealed, rewards x 0.1,
  // lambda 0.95, epsilon 1 -> 0.2 over the first 20%, 500k steps.
  return o;
}

void PqnOptions::bind(OptionSet& s) {
  PqnOptions& o = *this;
  s.add("env", &o.env, "environment (see torchplay envs)")
      .add("env-options", &o.env_options, "env settings as key=value,...")
      .add("steps", &o.steps, "env steps (frames) to train, all envs together")
      .add("net", &o.net, "torso: auto | mlp | minatar (auto: mlp for vectors, minatar for {C,10,10})")
      .add("hidden", &o.hidden, "mlp hidden layer widths, comma separated")
      .add("activation", &o.activation, "mlp activation")
      .add("layer-norm", &o.layer_norm, "LayerNorm after every hidden layer (false: an ablation)")
      .add("num-envs", &o.num_envs, "envs stepped together")
      .add("num-steps", &o.num_steps, "steps per env in each rollout")
      .add("gamma", &o.gamma, "discount")
      .add("lambda", &o.lambda, "Q(lambda) mixing (0: one-step targets, 1: returns to the rollout's end)")
      .add("reward-scale", &o.reward_scale, "rewards are multiplied by this for learning")
      .add("eps-start", &o.eps_start, "initial exploration epsilon")
      .add("eps-finish", &o.eps_finish, "final exploration epsilon")
      .add("eps-decay", &o.eps_decay, "fraction of --steps over which epsilon falls linearly")
      .add("update-epochs", &o.update_epochs, "epochs over each rollout")
      .add("num-minibatches", &o.num_minibatches, "minibatches per epoch")
      .add("lr", &o.lr, "Adam learning rate")
      .add("anneal-lr", &o.anneal_lr, "anneal the learning rate linearly to 0")
      .add("max-grad-norm", &o.max_grad_norm, "clip the global gradient norm (0: off)")
      .add("optim-eps", &o.optim_eps, "Adam epsilon")
      .add("eval-every", &o.eval_every, "env steps between greedy evaluations (0: only at the end)")
      .add("eval-episodes", &o.eval_episodes, "episodes per periodic evaluation")
      .add("final-eval-episodes", &o.final_eval_episodes, "episodes of the final greedy evaluation")
      .add("final-policy", &o.final_policy, "last | best: the network the run hands out")
      .add("checkpoint-every", &o.checkpoint_every, "env steps between checkpoints (0: only at the end)")
      .add("keep-checkpoints", &o.keep_checkpoints, "checkpoints kept in RUN/checkpoints");
}

void PqnOptions::validate() const {
  TP_CHECK_AS(UsageError, steps > 0, "--steps must be > 0");
  TP_CHECK_AS(UsageError, num_envs > 0 && num_steps > 0, "--num-envs and --num-steps must be > 0");
  TP_CHECK_AS(UsageError, gamma >= 0 && gamma <= 1, "--gamma must be in [0, 1]");
  TP_CHECK_AS(UsageError, lambda >= 0 && lambda <= 1, "--lambda must be in [0, 1]");
  TP_CHECK_AS(UsageError, reward_scale > 0, "--reward-scale must be > 0");
  TP_CHECK_AS(UsageError, eps_start >= 0 && eps_start <= 1 && eps_finish >= 0 && eps_finish <= 1,
              "--eps-start and --eps-finish must be in [0, 1]");
  TP_CHECK_AS(UsageError, eps_decay >= 0 && eps_decay <= 1, "--eps-decay must be in [0, 1]");
  TP_CHECK_AS(UsageError, update_epochs > 0, "--update-epochs must be > 0");
  TP_CHECK_AS(UsageError, num_minibatches > 0 && num_minibatches <= batch_size(),
              "--num-minibatches must be in [1, num-envs x num-steps]");
  TP_CHECK_AS(UsageError, lr > 0, "--lr must be > 0");
  TP_CHECK_AS(UsageError, max_grad_norm >= 0, "--max-grad-norm must be >= 0");
  TP_CHECK_AS(UsageError, optim_eps > 0, "--optim-eps must be > 0");
  TP_CHECK_AS(UsageError, eval_every >= 0 && checkpoint_every >= 0, "--eval-every and --checkpoint-every must be >= 0");
  TP_CHECK_AS(UsageError, eval_episodes > 0 && final_eval_episodes > 0, "evaluation episodes must be > 0");
  TP_CHECK_AS(UsageError, final_policy == "last" || final_policy == "best", "--final-policy must be last or best");
  TP_CHECK_AS(UsageError, keep_checkpoints > 0, "--keep-checkpoints must be > 0");
}

PqnNetworkOptions PqnOptions::network_options(const envs::Env& env) const {
  PqnNetworkOptions n;
  for (int d : env.observation_space().shape) n.input_shape.push_back(d);
  n.num_actions = env.action_space().n;
  n.torso = net == "auto" ? nets::torso_for_observation(n.input_shape) : net;
  TP_CHECK_AS(UsageError, n.torso == "mlp" || n.torso == "minatar", "no PQN network for the observations of ", env.id(),
              " (give --net mlp or minatar)");
  n.hidden = parse_widths(hidden, "--hidden");
  n.activation = activation;
  n.layer_norm = layer_norm;
  return n;
}

double PqnOptions::epsilon(int64_t done) const {
  const double span = eps_decay * static_cast<double>(steps);
  if (span <= 0) return eps_finish;
  const double f = std::min(1.0, static_cast<double>(done) / span);
  return eps_start + f * (eps_finish - eps_start);
}

}  // namespace tp::agents::pqn
