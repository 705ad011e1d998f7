#include "agents/policy_gradient/pg_options.h"

#include "core/error.h"
#include "core/options.h"
#include "envs/registry.h"
#include "nets/layers.h"

namespace tp::agents::pg {

bool is_policy_gradient_algorithm(const std::string& name) { return name == kPpo || name == kA2c || name == kA3c; }

std::string env_family(const std::string& env_id, const envs::Env& env) {
  if (env.has_continuous_actions()) return "continuous";
  if (env_id.rfind("MinAtar/", 0) == 0) return "minatar";
  return "classic";
}

PgOptions PgOptions::preset(const std::string& algorithm, const std::string& env_id) {
  TP_CHECK_AS(UsageError, is_policy_gradient_algorithm(algorithm), "unknown policy-gradient algorithm '", algorithm,
              "' (ppo, a2c, a3c)");
  PgOptions o;
  o.algorithm = algorithm;
  o.env = env_id;
  const auto env = envs::make_env_registry().make(env_id, {});
  const std::string family = env_family(env_id, *env);
  if (algorithm == kPpo) {
    if (family == "classic") {
      // rl-baselines3-zoo's tuned PPO for CartPole-v1: 8 envs x 32 steps, 20 epochs of one
      // 256-sample minibatch, gamma 0.98, lambda 0.8, lr and clip range annealed from 1e-3
      // and 0.2, 100k steps.
      o.steps = 100'000;
      o.num_envs = 8;
      o.num_steps = 32;
      o.update_epochs = 20;
      o.num_minibatches = 1;
      o.gamma = 0.98;
      o.gae_lambda = 0.8;
      o.lr = 1e-3;
      o.anneal_lr = true;
      o.anneal_clip = true;
      o.ent_coef = 0.0;
    } else if (family == "continuous") {
      // CleanRL's ppo_continuous_action.py (after the PPO paper's MuJoCo settings: 10 epochs,
      // lambda 0.95, both normalisations) with lr 1e-3 for Pendulum's short episodes; tuned
      // here on Pendulum-v1 seeds 1-10 (docs/policy_gradient.md): 4 envs x 256 steps (196
      // updates in 200k steps, not 49 with 1024), 8 minibatches of 128, an initial std of
      // exp(-0.5), gamma 0.95. Seeds 1-30: 26 of 30 reach >= -200.
      o.steps = 200'000;
      o.num_envs = 4;
      o.num_steps = 256;
      o.update_epochs = 10;
      o.num_minibatches = 8;
      o.gamma = 0.95;
      o.gae_lambda = 0.95;
      o.lr = 1e-3;
      o.log_std_init = -0.5;
      o.norm_obs = true;
      o.norm_reward = true;
      o.eval_every = 20'000;
      if (env_id.rfind("MountainCarContinuous-", 0) == 0) {
        // The goal pays only once it is reached and every push costs, so Gaussian noise drawn
        // afresh each step teaches the car to stand still. rl-baselines3-zoo's tuned PPO:
        // gSDE (noise held for a rollout of 8 steps, initial log-std -3.29), one env x 8
        // steps, 10 epochs, gamma 0.9999, lambda 0.9, lr 7.77e-5 (constant), clip 0.1,
        // entropy 0.00429, value coefficient 0.19, gradient norm 5, default (not orthogonal)
        // initialisation, both normalisations, 20k steps.
        o.steps = 20'000;
        o.num_envs = 1;
        o.num_steps = 8;
        o.update_epochs = 10;
        o.num_minibatches = 1;
        o.gamma = 0.9999;
        o.gae_lambda = 0.9;
        o.lr = 7.77e-5;
        o.anneal_lr = false;
        o.clip_coef = 0.1;
        o.ent_coef = 0.00429;
        o.vf_coef = 0.19;
        o.max_grad_norm = 5.0;
        o.gsde = true;
        o.log_std_init = -3.29;
        o.orthogonal_init = false;
        // Its returns swing between ~95 and below 0 from one evaluation to the next (seed 1:
        // 94.8 at 10k steps, -13.5 at 12k), so the run hands out the best evaluated network
        // (as the zoo's EvalCallback keeps best_model).
        o.eval_every = 2'000;
        o.final_policy = "best";
        o.checkpoint_every = 10'000;
      }
    } else {
      // MinAtar (gymnax/PureJaxRL's PPO): 64 envs x 128 steps, 4 epochs of 8 minibatches.
      o.steps = 10'000'000;
      o.num_envs = 64;
      o.num_steps = 128;
      o.update_epochs = 4;
      o.num_minibatches = 8;
      o.lr = 5e-4;
      o.ent_coef = 0.01;
      o.activation = "relu";
      o.eval_every = 500'000;
      o.checkpoint_every = 500'000;
    }
  } else {
    // A2C and A3C (Mnih et al. 2016; SB3's A2C defaults): n-step returns (lambda 1) over 5
    // steps, RMSProp lr 7e-4, value coefficient 0.5, gradient norm 0.5.
    o.num_steps = 5;
    o.gae_lambda = 1.0;
    o.optimizer = "rmsprop";
    o.lr = 7e-4;
    o.rms_alpha = 0.99;
    o.optim_eps = 1e-5;
    o.anneal_lr = false;
    o.norm_adv = false;
    o.update_epochs = 1;
    o.num_minibatches = 1;
    o.steps = 500'000;
    o.eval_every = 25'000;
    o.num_envs = algorithm == kA3c ? 4 : 8;  // A3C: per worker
    if (family == "minatar") {
      o.steps = 5'000'000;
      o.ent_coef = 0.01;
      o.activation = "relu";
      o.eval_every = 250'000;
      o.checkpoint_every = 250'000;
    } else if (family == "continuous") {
      o.norm_obs = algorithm == kA2c;
      o.norm_reward = algorithm == kA2c;
    }
  }
  return o;
}

void PgOptions::bind(OptionSet& s) {
  PgOptions& o = *this;
  s.add("env", &o.env, "environment (see torchplay envs)")
      .add("env-options", &o.env_options, "env settings as key=value,...")
      .add("steps", &o.steps, "env steps (frames) to train, all envs together")
      .add("net", &o.net, "torso: auto | mlp | minatar (auto: mlp for vectors, minatar for {C,10,10})")
      .add("hidden", &o.hidden, "mlp hidden layer widths, comma separated")
      .add("activation", &o.activation, "mlp activation")
      .add("shared-torso", &o.shared_torso, "one torso for the policy and value heads (else one each)")
      .add("orthogonal-init", &o.orthogonal_init, "orthogonal weights (gain sqrt 2; heads 0.01 and 1)")
      .add("log-std-init", &o.log_std_init, "continuous actions: initial log standard deviation")
      .add("gsde", &o.gsde, "continuous actions: state-dependent exploration (noise z(s)^T E, E held for a while)")
      .add("sde-sample-freq", &o.sde_sample_freq, "gSDE: env steps between new noise matrices (0: once per rollout)")
      .add("num-envs", &o.num_envs, "envs stepped together (A3C: per worker)")
      .add("num-steps", &o.num_steps, "steps per env in each rollout")
      .add("gamma", &o.gamma, "discount")
      .add("gae-lambda", &o.gae_lambda, "GAE lambda (1: n-step returns)")
      .add("optimizer", &o.optimizer, "adam | rmsprop (A3C always uses its shared RMSProp)")
      .add("lr", &o.lr, "learning rate")
      .add("anneal-lr", &o.anneal_lr, "anneal the learning rate linearly to 0")
      .add("optim-eps", &o.optim_eps, "optimizer epsilon")
      .add("rms-alpha", &o.rms_alpha, "RMSProp squared-gradient smoothing")
      .add("ent-coef", &o.ent_coef, "entropy bonus coefficient")
      .add("vf-coef", &o.vf_coef, "value loss coefficient")
      .add("max-grad-norm", &o.max_grad_norm, "clip the global gradient norm (0: off)")
      .add("update-epochs", &o.update_epochs, "PPO: epochs over each rollout")
      .add("num-minibatches", &o.num_minibatches, "PPO: minibatches per epoch")
      .add("clip-coef", &o.clip_coef, "PPO: surrogate clip range")
      .add("anneal-clip", &o.anneal_clip, "PPO: anneal the clip range linearly to 0")
      .add("clip-vloss", &o.clip_vloss, "PPO: clip the value loss around the rollout's values")
      .add("norm-adv", &o.norm_adv, "normalise advantages per minibatch")
      .add("target-kl", &o.target_kl, "PPO: > 0 stops an update's epochs once approx-KL exceeds it")
      .add("norm-obs", &o.norm_obs, "normalise observations by a running mean/std")
      .add("norm-reward", &o.norm_reward, "scale rewards by the running std of the discounted return")
      .add("obs-clip", &o.obs_clip, "clip normalised observations to +-this")
      .add("reward-clip", &o.reward_clip, "clip scaled rewards to +-this")
      .add("workers", &o.workers, "A3C: worker threads")
      .add("lock-updates", &o.lock_updates, "A3C: apply updates under a lock (false: lock-free, Hogwild)")
      .add("eval-every", &o.eval_every, "env steps between evaluations (0: only at the end)")
      .add("eval-episodes", &o.eval_episodes, "episodes per periodic evaluation")
      .add("final-eval-episodes", &o.final_eval_episodes, "episodes of the final evaluation")
      .add("eval-sample", &o.eval_sample, "evaluate sampled actions (default: the most likely action)")
      .add("final-policy", &o.final_policy, "last | best: the network the run hands out")
      .add("checkpoint-every", &o.checkpoint_every, "env steps between checkpoints (0: only at the end)")
      .add("keep-checkpoints", &o.keep_checkpoints, "checkpoints kept in RUN/checkpoints");
}

void PgOptions::validate() const {
  TP_CHECK_AS(UsageError, steps > 0, "--steps must be > 0");
  TP_CHECK_AS(UsageError, num_envs > 0 && num_steps > 0, "--num-envs and --num-steps must be > 0");
  TP_CHECK_AS(UsageError, gamma >= 0 && gamma <= 1, "--gamma must be in [0, 1]");
  TP_CHECK_AS(UsageError, gae_lambda >= 0 && gae_lambda <= 1, "--gae-lambda must be in [0, 1]");
  TP_CHECK_AS(UsageError, optimizer == "adam" || optimizer == "rmsprop", "--optimizer must be adam or rmsprop");
  TP_CHECK_AS(UsageError, lr > 0, "--lr must be > 0");
  TP_CHECK_AS(UsageError, optim_eps > 0, "--optim-eps must be > 0");
  TP_CHECK_AS(UsageError, ent_coef >= 0 && vf_coef >= 0, "--ent-coef and --vf-coef must be >= 0");
  TP_CHECK_AS(UsageError, max_grad_norm >= 0, "--max-grad-norm must be >= 0");
  TP_CHECK_AS(UsageError, update_epochs > 0, "--update-epochs must be > 0");
  TP_CHECK_AS(UsageError, num_minibatches > 0 && num_minibatches <= batch_size(),
              "--num-minibatches must be in [1, num-envs x num-steps]");
  TP_CHECK_AS(UsageError, clip_coef > 0, "--clip-coef must be > 0");
  TP_CHECK_AS(UsageError, target_kl >= 0, "--target-kl must be >= 0");
  TP_CHECK_AS(UsageError, obs_clip > 0 && reward_clip > 0, "--obs-clip and --reward-clip must be > 0");
  TP_CHECK_AS(UsageError, workers > 0, "--workers must be > 0");
  TP_CHECK_AS(UsageError, sde_sample_freq >= 0, "--sde-sample-freq must be >= 0");
  TP_CHECK_AS(UsageError, eval_every >= 0 && checkpoint_every >= 0, "--eval-every and --checkpoint-every must be >= 0");
  TP_CHECK_AS(UsageError, eval_episodes > 0 && final_eval_episodes > 0, "evaluation episodes must be > 0");
  TP_CHECK_AS(UsageError, final_policy == "last" || final_policy == "best", "--final-policy must be last or best");
  TP_CHECK_AS(UsageError, keep_checkpoints > 0, "--keep-checkpoints must be > 0");
  if (algorithm == kA3c) {
    // Each worker normalises nothing it would have to share with the others.
    TP_CHECK_AS(UsageError, !norm_obs && !norm_reward, "a3c does not support --norm-obs or --norm-reward");
  }
  if (algorithm != kPpo) {
    TP_CHECK_AS(UsageError, update_epochs == 1 && num_minibatches == 1, algorithm,
                " makes one gradient step per rollout: --update-epochs and --num-minibatches must be 1");
  }
}

nets::ActorCriticOptions PgOptions::network_options(const envs::Env& env) const {
  nets::ActorCriticOptions n;
  for (int d : env.observation_space().shape) n.input_shape.push_back(d);
  if (const envs::BoxSpace* box = env.continuous_action_space())
    n.action_dim = box->size();
  else
    n.num_actions = env.action_space().n;
  n.torso = net == "auto" ? nets::torso_for_observation(n.input_shape) : net;
  TP_CHECK_AS(UsageError, n.torso == "mlp" || n.torso == "minatar",
              "no default actor-critic network for the observations of ", env.id(), " (give --net mlp or minatar)");
  n.hidden = parse_widths(hidden, "--hidden");
  n.activation = activation;
  n.shared_torso = shared_torso;
  n.orthogonal_init = orthogonal_init;
  n.log_std_init = log_std_init;
  TP_CHECK_AS(UsageError, !gsde || n.continuous(), "--gsde needs continuous actions, and ", env.id(),
              " has discrete ones");
  n.gsde = gsde;
  return n;
}

nets::OptimizerOptions PgOptions::optimizer_options() const {
  nets::OptimizerOptions opt;
  opt.name = optimizer;
  opt.lr = lr;
  opt.eps = optim_eps;
  opt.alpha = rms_alpha;
  return opt;
}

int64_t PgOptions::total_updates() const { return (steps + batch_size() - 1) / batch_size(); }

}  // namespace tp::agents::pg
