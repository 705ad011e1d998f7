#include "agents/dqn/dqn_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "agents/dqn/dqn_policy.h"
#include "agents/greedy_q.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/target_update.h"

namespace tp::agents::dqn {

namespace {
LearnerSettings learner_settings(const DqnOptions& o, torch::Device device) {
  LearnerSettings s;
  s.device = device;
  s.gamma = o.gamma;
  s.double_dqn = o.double_dqn;
  s.huber_delta = o.huber_delta;
  s.max_grad_norm = o.max_grad_norm;
  s.target_tau = o.target_tau;
  s.dense_kernel = o.dense_kernel;
  return s;
}
std::vector<int64_t> obs_shape(const envs::Env& env) {
  std::vector<int64_t> s;
  for (int d : env.observation_space().shape) s.push_back(d);
  return s;
}
}  // namespace

DqnTrainer::DqnTrainer(const DqnOptions& options, std::unique_ptr<envs::Env> env, uint64_t seed, torch::Device device)
    : o_(options),
      net_options_(options.network_options(*env)),
      env_(std::move(env)),
      n_actions_(env_->action_space().n),
      learner_(net_options_, options.optimizer_options(), learner_settings(options, device)),
      memory_(options.replay_size, obs_shape(*env_), parse_obs_storage(options.resolved_obs_storage(*env_))),
      n_step_(options.n_step, options.gamma, env_->observation_space().size()),
      batch_(options.batch_size, obs_shape(*env_)),
      rng_(seed * 0x9e3779b97f4a7c15ULL + 0xd1b54a32d192ed03ULL) {
  o_.validate();
  if (o_.prioritized) per_ = std::make_unique<PrioritizedSampler>(o_.replay_size, o_.per_alpha, o_.per_eps);
  // Random actions for the first learning_starts steps, then epsilon decays linearly.
  epsilon_schedule_ = {o_.epsilon_start, o_.epsilon_end, o_.learning_starts, o_.epsilon_decay_steps};
  beta_schedule_ = {o_.per_beta0, 1.0, o_.learning_starts, std::max<int64_t>(1, o_.steps - o_.learning_starts)};
  const auto obs_size = static_cast<size_t>(env_->observation_space().size());
  obs_.assign(obs_size, 0.0f);
  next_obs_.assign(obs_size, 0.0f);
  env_->reset(seed);
  env_->observe(obs_.data());
}

double DqnTrainer::epsilon() const { return steps_ < o_.learning_starts ? 1.0 : epsilon_schedule_.at(steps_); }

double DqnTrainer::beta() const { return beta_schedule_.at(steps_); }

std::optional<EpisodeStats> DqnTrainer::step() {
  const double eps = epsilon();
  const int action = rng_.uniform() < eps ? static_cast<int>(rng_.below(static_cast<uint32_t>(n_actions_)))
                                          : learner_.greedy_action(obs_.data());
  const envs::StepResult r = env_->step(action);
  env_->observe(next_obs_.data());
  episode_return_ += r.reward;
  ++episode_length_;
  const float reward = o_.clip_rewards ? std::clamp(r.reward, -1.0f, 1.0f) : r.reward;
  n_step_.push(obs_.data(), action, reward, next_obs_.data(), r.terminated, r.truncated, [this](const Transition& t) {
    const int64_t slot = memory_.add(t);
    if (per_) per_->on_add(slot);
  });
  count_step();
  if (!r.done()) {
    std::swap(obs_, next_obs_);
    return std::nullopt;
  }
  EpisodeStats done{episode_return_, episode_length_};
  ++episodes_;
  episode_return_ = 0.0;
  episode_length_ = 0;
  env_->reset();
  env_->observe(obs_.data());
  return done;
}

void DqnTrainer::ingest(const TransitionBatch& b, int64_t i) {
  const int64_t at = i * b.obs_size;
  const int64_t slot = memory_.add({b.obs.data() + at, b.actions[i], b.rewards[i], b.next_obs.data() + at,
                                    b.terminated[i] != 0, b.truncated[i] != 0, b.n_steps[i]});
  if (per_) per_->on_add(slot, b.priorities[i]);
  count_step();
}

void DqnTrainer::count_step() {
  ++steps_;
  if (steps_ > o_.learning_starts && steps_ % o_.train_every == 0 && memory_.size() >= o_.batch_size) train_round();
}

void DqnTrainer::train_round() {
  for (int g = 0; g < o_.gradient_steps; ++g) {
    if (per_) {
      per_->sample(memory_.size(), beta(), rng_, batch_);
    } else {
      memory_.sample_uniform(rng_, batch_);
    }
    memory_.gather(batch_);
    const UpdateResult r = learner_.update(batch_);
    if (per_) per_->update(batch_.indices, r.abs_td_error.data_ptr<float>());
    ++updates_;
    if (o_.target_tau > 0) {
      learner_.sync_target_soft();
    } else if (updates_ % o_.target_sync_every == 0) {
      learner_.sync_target_hard();
    }
    loss_acc_.loss += r.loss;
    loss_acc_.q_mean += r.q_mean;
    ++loss_acc_.updates;
  }
}

LossStats DqnTrainer::take_loss_stats() {
  LossStats s = loss_acc_;
  if (s.updates > 0) {
    s.loss /= static_cast<double>(s.updates);
    s.q_mean /= static_cast<double>(s.updates);
  } else {
    s.loss = s.q_mean = std::numeric_limits<double>::quiet_NaN();
  }
  loss_acc_ = LossStats{};
  return s;
}

EvalReport DqnTrainer::evaluate_online(int episodes, uint64_t seed) {
  EvalReport rep = evaluate_greedy_q(learner_.online(), *env_, episodes, seed, o_.eval_epsilon);
  if (o_.final_policy == "best" && rep.return_stats.mean > best_return_) {
    best_return_ = rep.return_stats.mean;
    if (!best_) {
      best_ = nets::QNetwork(net_options_);
      best_->to(learner_.settings().device);
    }
    nets::hard_update(*best_, *learner_.online());
  }
  return rep;
}

nets::QNetwork& DqnTrainer::policy_network() { return best_ ? best_ : learner_.online(); }

void DqnTrainer::save(CheckpointWriter& w) const {
  auto& self = const_cast<DqnTrainer&>(*this);  // module/optimizer accessors are non-const
  w.header().counters["steps"] = steps_;
  w.header().counters["updates"] = updates_;
  w.header().counters["episodes"] = episodes_;
  w.add_bytes("net", nets::to_spec(net_options_));
  w.add_module("online", *self.learner_.online());
  w.add_module("target", *self.learner_.target());
  w.add_module("policy", *self.policy_network());
  w.add_tensor("best_return", torch::tensor({best_ ? best_return_ : std::nan("")}, torch::kFloat64));
  if (best_) w.add_module("best", *best_);
  w.add_optimizer("optimizer", self.learner_.optimizer());
  w.add_rng("rng", rng_);
  w.add_torch_rng("torch_rng");
  const std::vector<double> env_state = env_->get_state();
  w.add_tensor("env_state", torch::tensor(env_state, torch::kFloat64));
  w.add_tensor("episode_progress",
               torch::tensor({episode_return_, static_cast<double>(episode_length_)}, torch::kFloat64));
  n_step_.save(w, "n_step/");
  w.add_tensor("has_replay", torch::tensor({o_.save_replay ? 1 : 0}, torch::kInt64));
  if (o_.save_replay) {
    memory_.save(w, "replay/");
    if (per_) per_->save(w, "per/");
  }
}

CheckpointHeader DqnTrainer::checkpoint_header() const {
  CheckpointHeader h;
  h.algorithm = kDqnAlgorithm;
  h.env = o_.env;
  h.architecture = architecture();
  return h;
}

bool DqnTrainer::load(CheckpointReader& r) {
  r.expect(kDqnAlgorithm, architecture());
  const CheckpointHeader& h = r.header();
  steps_ = h.counter("steps");
  updates_ = h.counter("updates");
  episodes_ = h.counter("episodes");
  r.load_module("online", *learner_.online());
  r.load_module("target", *learner_.target());
  r.load_optimizer("optimizer", learner_.optimizer());
  learner_.after_load();
  if (r.has("best")) {
    best_ = nets::QNetwork(net_options_);
    r.load_module("best", *best_);
    best_->to(learner_.settings().device);
    best_return_ = r.tensor("best_return").item<double>();
  }
  r.load_rng("rng", rng_);
  r.load_torch_rng("torch_rng");
  torch::Tensor env_state = r.tensor("env_state");
  torch::Tensor progress = r.tensor("episode_progress");
  TP_CHECK_AS(
      CheckpointError,
      env_state.scalar_type() == torch::kFloat64 && progress.scalar_type() == torch::kFloat64 && progress.numel() == 2,
      "checkpoint '", r.path(), "': malformed env state or episode progress");
  const double* es = env_state.data_ptr<double>();
  r.interpret([&] { env_->set_state(std::vector<double>(es, es + env_state.numel())); });
  env_->observe(obs_.data());
  const double length = progress[1].item<double>();
  TP_CHECK_AS(CheckpointError, length >= 0 && length <= 1e9 && std::isfinite(progress[0].item<double>()),
              "checkpoint '", r.path(), "': episode progress out of range");
  episode_return_ = progress[0].item<double>();
  episode_length_ = static_cast<int>(length);
  n_step_.load(r, "n_step/");
  const bool has_replay = r.tensor("has_replay").item<int64_t>() != 0;
  if (has_replay) {
    memory_.load(r, "replay/");
    if (per_) {
      TP_CHECK_AS(CheckpointError, r.has("per/priorities"), "checkpoint '", r.path(),
                  "' has no replay priorities (it was not trained with --prioritized)");
      per_->load(r, "per/");
    }
  }
  // Without a saved replay the memory (and the priorities) restart empty and refill.
  return has_replay;
}

}  // namespace tp::agents::dqn
