#include "agents/r2d2/r2d2_options.h"

#include "agents/dqn/schedule.h"
#include "core/error.h"
#include "core/options.h"
#include "envs/registry.h"

namespace tp::agents::r2d2 {

void R2d2Options::bind(OptionSet& s) {
  R2d2Options& o = *this;
  s.add("env", &o.env, "environment (see torchplay envs; vector observations or image planes)")
      .add("env-options", &o.env_options, "env settings as key=value,...")
      .add("steps", &o.steps, "env steps to train, over all actors")
      .add("torso", &o.torso, "MLP widths before the LSTM, comma separated (empty: none)")
      .add("lstm-size", &o.lstm_size, "LSTM hidden size")
      .add("dueling", &o.dueling, "dueling head: Q = V + A - mean(A)")
      .add("seq-length", &o.seq_length, "replayed sequence length m, burn-in included (overlap m/2)")
      .add("burn-in", &o.burn_in, "steps unrolled without loss from the start state")
      .add("recurrent-state", &o.recurrent_state,
           "stored | zero: start state of a replayed sequence (zero with --burn-in 0: DRQN)")
      .add("replay-size", &o.replay_size, "replay capacity in sequences")
      .add("learning-starts", &o.learning_starts, "env steps before the first update")
      .add("priority-exponent", &o.priority_exponent, "prioritized replay exponent alpha")
      .add("importance-exponent", &o.importance_exponent, "importance-sampling exponent beta")
      .add("priority-eta", &o.priority_eta, "sequence priority eta*max|delta| + (1-eta)*mean|delta|")
      .add("n-step", &o.n_step, "n-step returns")
      .add("gamma", &o.gamma, "discount")
      .add("rescale-eps", &o.rescale_eps, "value rescaling h(x) = sign(x)(sqrt(|x|+1)-1) + eps*x")
      .add("batch-size", &o.batch_size, "sequences per update")
      .add("train-every", &o.train_every, "vector steps (num-envs env steps) between updates")
      .add("target-sync-every", &o.target_sync_every, "updates between hard target syncs")
      .add("lr", &o.lr, "Adam learning rate")
      .add("adam-eps", &o.adam_eps, "Adam epsilon")
      .add("max-grad-norm", &o.max_grad_norm, "clip the global gradient norm (0: off)")
      .add("num-envs", &o.num_envs, "actors: env copies stepped together, each with its own epsilon")
      .add("actor-epsilon", &o.actor_epsilon, "actors: base epsilon (epsilon_i = base^(1 + alpha i/(K-1)))")
      .add("actor-epsilon-alpha", &o.actor_epsilon_alpha, "actors: epsilon exponent alpha")
      .add("actors-port", &o.actors_port,
           "serve distributed actors on this port (torchplay actor --learner tcp://HOST:PORT) and learn only from "
           "their sequences (0: act in this process)")
      .add("actor-batch-steps", &o.actor_batch_steps,
           "distributed actors: vector steps whose sequences are sent together")
      .add("actor-sync-every", &o.actor_sync_every, "updates between networks published to distributed actors")
      .add("eval-every", &o.eval_every, "env steps between greedy evaluations (0: only at the end)")
      .add("eval-episodes", &o.eval_episodes, "episodes per periodic evaluation")
      .add("final-eval-episodes", &o.final_eval_episodes, "episodes of the final evaluation")
      .add("final-policy", &o.final_policy, "last | best: the network the run hands out")
      .add("checkpoint-every", &o.checkpoint_every, "env steps between checkpoints (0: only at the end)")
      .add("keep-checkpoints", &o.keep_checkpoints, "checkpoints kept in RUN/checkpoints")
      .add("save-replay", &o.save_replay, "store the replay memory in checkpoints (exact --resume)");
}

R2d2Options R2d2Options::preset(const std::string& env_id) {
  R2d2Options o;
  o.env = env_id;
  const auto env = envs::make_env_registry().make(env_id, {});
  if (env->observation_space().shape.size() == 1) {
    // Classic control (docs/r2d2.md): short sequences, small LSTM, faster learning.
    o.steps = 200'000;
    o.torso = "64";
    o.lstm_size = 64;
    o.seq_length = 20;
    o.burn_in = 5;
    o.replay_size = 5'000;
    o.learning_starts = 2'000;
    o.n_step = 3;
    o.gamma = 0.99;
    o.batch_size = 32;
    o.train_every = 1;
    o.target_sync_every = 200;
    o.lr = 1e-3;
    o.adam_eps = 1e-8;
    o.max_grad_norm = 10.0;
    o.num_envs = 8;
    o.eval_every = 10'000;
    o.eval_episodes = 20;
    o.final_policy = "best";
    o.checkpoint_every = 20'000;
  } else {
    // Image planes (MinAtar): the conv torso, then MinAtar DQN's 128-unit layer and a 128-unit
    // LSTM. Short sequences: a sequence no longer than the burn-in teaches nothing, and MinAtar
    // episodes under a random policy last about 10 frames, so the paper's burn-in of 40 never
    // lets learning start. Replay of 10,000 sequences (each adds 10 new frames: about MinAtar
    // DQN's 100k transitions). An update of 32 sequences every 4 vector steps (32 frames) trains
    // 15 steps per frame, half MinAtar DQN's 32. Adam at 1e-3 with eps 1e-8: on Breakout (seed 1,
    // 300k frames, greedy) the paper's Adam (1e-4, eps 1e-3) scored 0.5, 2.5e-4 7.35, 1e-3 15.1
    // (docs/r2d2.md).
    o.steps = 5'000'000;
    o.torso = "128";
    o.lstm_size = 128;
    o.seq_length = 20;
    o.burn_in = 5;
    o.replay_size = 10'000;
    o.batch_size = 32;
    o.train_every = 4;
    o.target_sync_every = 250;
    o.lr = 1e-3;
    o.adam_eps = 1e-8;
  }
  return o;
}

void R2d2Options::validate() const {
  TP_CHECK_AS(UsageError, steps > 0, "--steps must be > 0");
  TP_CHECK_AS(UsageError, lstm_size > 0, "--lstm-size must be > 0");
  TP_CHECK_AS(UsageError, seq_length >= 2, "--seq-length must be >= 2");
  TP_CHECK_AS(UsageError, burn_in >= 0 && burn_in < seq_length, "--burn-in must be in [0, --seq-length)");
  TP_CHECK_AS(UsageError, recurrent_state == "stored" || recurrent_state == "zero",
              "--recurrent-state must be stored or zero");
  TP_CHECK_AS(UsageError, replay_size >= batch_size, "--replay-size must be >= --batch-size");
  TP_CHECK_AS(UsageError, learning_starts >= 0, "--learning-starts must be >= 0");
  TP_CHECK_AS(UsageError, priority_exponent >= 0 && importance_exponent >= 0 && importance_exponent <= 1,
              "--priority-exponent must be >= 0 and --importance-exponent in [0, 1]");
  TP_CHECK_AS(UsageError, priority_eta >= 0 && priority_eta <= 1, "--priority-eta must be in [0, 1]");
  TP_CHECK_AS(UsageError, n_step >= 1 && n_step <= 255, "--n-step must be in [1, 255]");
  TP_CHECK_AS(UsageError, gamma >= 0 && gamma <= 1, "--gamma must be in [0, 1]");
  TP_CHECK_AS(UsageError, rescale_eps >= 0, "--rescale-eps must be >= 0");
  TP_CHECK_AS(UsageError, batch_size > 0, "--batch-size must be > 0");
  TP_CHECK_AS(UsageError, train_every > 0 && target_sync_every > 0,
              "--train-every and --target-sync-every must be > 0");
  TP_CHECK_AS(UsageError, lr > 0 && adam_eps > 0 && max_grad_norm >= 0,
              "--lr, --adam-eps must be > 0, --max-grad-norm >= 0");
  TP_CHECK_AS(UsageError, num_envs > 0 && num_envs <= 4096, "--num-envs must be in [1, 4096]");
  TP_CHECK_AS(UsageError, actor_epsilon >= 0 && actor_epsilon <= 1 && actor_epsilon_alpha >= 0,
              "--actor-epsilon must be in [0, 1] and --actor-epsilon-alpha >= 0");
  TP_CHECK_AS(UsageError, actors_port >= 0 && actors_port < 65536, "--actors-port must be in 0..65535");
  TP_CHECK_AS(UsageError, actor_batch_steps > 0 && actor_sync_every > 0,
              "--actor-batch-steps and --actor-sync-every must be > 0");
  TP_CHECK_AS(UsageError, eval_every >= 0 && checkpoint_every >= 0, "--eval-every and --checkpoint-every must be >= 0");
  TP_CHECK_AS(UsageError, eval_episodes > 0 && final_eval_episodes > 0, "evaluation episodes must be > 0");
  TP_CHECK_AS(UsageError, final_policy == "last" || final_policy == "best", "--final-policy must be last or best");
  TP_CHECK_AS(UsageError, keep_checkpoints > 0, "--keep-checkpoints must be > 0");
}

double R2d2Options::actor_epsilon_of(int i) const {
  return dqn::apex_epsilon(actor_epsilon, actor_epsilon_alpha, i, num_envs);
}

std::vector<double> R2d2Options::actor_epsilons() const {
  std::vector<double> epsilons;
  for (int i = 0; i < num_envs; ++i) epsilons.push_back(actor_epsilon_of(i));
  return epsilons;
}

}  // namespace tp::agents::r2d2
