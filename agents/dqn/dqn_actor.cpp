#include "agents/dqn/dqn_actor.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "agents/actor_link.h"
#include "agents/dqn/dqn_options.h"
#include "agents/dqn/dqn_policy.h"
#include "agents/dqn/n_step.h"
#include "agents/dqn/transition_batch.h"
#include "core/checkpoint.h"
#include "core/interrupt.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/timer.h"
#include "envs/registry.h"

namespace tp::agents::dqn {

namespace {

class DqnActor : public ActorLoop {
 public:
  explicit DqnActor(const DqnActorOptions& a)
      : a_(a), link_(a.learner, "dqn"), rng_(a.seed), progress_("actor", a.max_steps, "steps", a.quiet) {}

  DqnActorSummary run() {
    static_cast<ActorTraffic&>(summary_) = ActorLoop::run(link_, a_.learner_timeout_s, a_.max_queued);
    summary_.mean_return = summary_.episodes > 0 ? return_sum_ / static_cast<double>(summary_.episodes)
                                                 : std::numeric_limits<double>::quiet_NaN();
    progress_.finish(metric(), summary_.interrupted_by == 0 && a_.max_steps > 0);
    return summary_;
  }

 private:
  // Builds the env, network and n-step buffer the learner's options (`config`) ask for, at
  // every join: a learner restarted with --resume may train another env.
  void joined(const std::string& config) override {
    DqnOptions o;
    OptionSet set("the learner's options");
    o.bind(set);
    set.parse_config_text(config, "the learner at " + a_.learner.str());
    o.validate();
    o_ = o;
    env_ = envs::make_env_registry().make(o_.env, envs::parse_env_kwargs(o_.env_options));
    net_ = nets::QNetwork(o_.network_options(*env_));
    net_->eval();
    obs_size_ = env_->observation_space().size();
    n_step_ = std::make_unique<NStepBuffer>(o_.n_step, o_.gamma, obs_size_);
    obs_.assign(static_cast<size_t>(obs_size_), 0.f);
    next_obs_ = obs_;
    // Actors started with the same --seed still see different episodes: the id is mixed in.
    env_->reset(rng_() + static_cast<uint64_t>(link_.id()) * 0x9E3779B97F4A7C15ULL);
    env_->observe(obs_.data());
    episode_return_ = 0;
    episode_length_ = 0;
    epsilon_ = o_.actor_epsilon_of(link_.id());
    summary_.epsilon = epsilon_;
    char line[200];
    std::snprintf(line, sizeof line, "actor %lld joined the learner at %s (%s, epsilon %.4g)",
                  static_cast<long long>(link_.id()), a_.learner.str().c_str(), o_.env.c_str(), epsilon_);
    note(line);
  }

  void load_network(CheckpointReader& image) override {
    image.expect(kDqnAlgorithm, net_->signature());
    image.load_module("online", *net_);
    net_->eval();
  }

  int greedy(const float* obs) {
    const torch::NoGradGuard no_grad;
    std::vector<int64_t> shape = {1};
    for (int d : env_->observation_space().shape) shape.push_back(d);
    const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), shape, torch::kFloat32);
    return static_cast<int>(net_->forward(x).argmax(1).item<int64_t>());
  }

  bool produce(std::string& batch) override {
    act(unsent_);
    batch = unsent_.encode();
    return true;
  }

  // --actor-batch-steps env steps with epsilon-greedy actions into `out`, with priorities.
  void act(TransitionBatch& out) {
    Timer timer;
    out = TransitionBatch{};
    out.obs_size = obs_size_;
    out.generation = generation();
    int steps = o_.actor_batch_steps;
    if (a_.max_steps > 0) steps = static_cast<int>(std::min<int64_t>(steps, a_.max_steps - summary_.steps));
    const int actions = env_->action_space().n;
    for (int s = 0; s < steps; ++s) {
      const int action = rng_.uniform() < epsilon_ ? static_cast<int>(rng_.below(static_cast<uint32_t>(actions)))
                                                   : greedy(obs_.data());
      const envs::StepResult r = env_->step(action);
      env_->observe(next_obs_.data());
      episode_return_ += r.reward;
      ++episode_length_;
      const float reward = o_.clip_rewards ? std::clamp(r.reward, -1.0f, 1.0f) : r.reward;
      n_step_->push(obs_.data(), action, reward, next_obs_.data(), r.terminated, r.truncated, [&](const Transition& t) {
        out.add(t.obs, t.action, t.reward, t.next_obs, t.terminated, t.truncated, t.n_steps);
      });
      if (r.done()) {
        out.episode_returns.push_back(static_cast<float>(episode_return_));
        out.episode_lengths.push_back(episode_length_);
        episode_return_ = 0;
        episode_length_ = 0;
        env_->reset();
        env_->observe(obs_.data());
      } else {
        std::swap(obs_, next_obs_);
      }
    }
    out.frames = steps;
    out.priorities = priorities(out);
    out.seconds = timer.seconds();
  }

  // Ape-X's initial priorities: |R + gamma^n max_a Q(s', a) (1 - terminated) - Q(s, a)| under
  // the actor's network, so new experience enters replay at its own priority.
  std::vector<float> priorities(const TransitionBatch& b) {
    if (b.size() == 0) return {};
    const torch::NoGradGuard no_grad;
    std::vector<int64_t> shape = {b.size()};
    for (int d : env_->observation_space().shape) shape.push_back(d);
    const auto obs = torch::from_blob(const_cast<float*>(b.obs.data()), shape, torch::kFloat32);
    const auto next = torch::from_blob(const_cast<float*>(b.next_obs.data()), shape, torch::kFloat32);
    const auto actions =
        torch::from_blob(const_cast<int32_t*>(b.actions.data()), {b.size()}, torch::kInt32).to(torch::kInt64);
    const auto q = net_->forward(obs).gather(1, actions.unsqueeze(1)).squeeze(1);
    const auto next_max = std::get<0>(net_->forward(next).max(1));
    std::vector<float> p(static_cast<size_t>(b.size()));
    const float* qs = q.contiguous().data_ptr<float>();
    const float* nm = next_max.contiguous().data_ptr<float>();
    for (int64_t i = 0; i < b.size(); ++i) {
      const double bootstrap = b.terminated[i] ? 0.0 : std::pow(o_.gamma, b.n_steps[i]) * nm[i];
      p[static_cast<size_t>(i)] = static_cast<float>(std::fabs(b.rewards[i] + bootstrap - qs[i]));
    }
    return p;
  }

  bool sent() override {
    const TransitionBatch& batch = unsent_;
    summary_.steps += batch.frames;
    summary_.transitions += batch.size();
    summary_.episodes += static_cast<int64_t>(batch.episode_returns.size());
    for (float r : batch.episode_returns) return_sum_ += r;
    summary_.act_seconds += batch.seconds;
    progress_.update(summary_.steps, metric());
    return a_.max_steps > 0 && summary_.steps >= a_.max_steps;
  }

  std::string metric() const {
    char line[160];
    std::snprintf(line, sizeof line, "actor %lld, epsilon %.4g, network generation %lld, %.0f steps/s while acting",
                  static_cast<long long>(link_.id()), epsilon_, static_cast<long long>(generation()),
                  summary_.steps / std::max(1e-9, summary_.act_seconds));
    return line;
  }

  void note(const std::string& line) override {
    if (!a_.quiet) progress_.note(line);
  }

  DqnActorOptions a_;
  ActorLink link_;
  const InterruptGuard interrupts_;
  Rng rng_;
  Progress progress_;
  DqnOptions o_;
  std::unique_ptr<envs::Env> env_;
  nets::QNetwork net_{nullptr};
  std::unique_ptr<NStepBuffer> n_step_;
  TransitionBatch unsent_;  // the batch produced last
  int64_t obs_size_ = 0;
  std::vector<float> obs_, next_obs_;
  double epsilon_ = 1, episode_return_ = 0, return_sum_ = 0;
  int episode_length_ = 0;
  DqnActorSummary summary_;
};

}  // namespace

DqnActorSummary run_dqn_actor(const DqnActorOptions& options) {
  DqnActor actor(options);
  return actor.run();
}

}  // namespace tp::agents::dqn
