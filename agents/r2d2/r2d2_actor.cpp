#include "agents/r2d2/r2d2_actor.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

#include "agents/actor_link.h"
#include "agents/r2d2/actor_sequences.h"
#include "agents/r2d2/r2d2_options.h"
#include "agents/r2d2/r2d2_trainer.h"
#include "agents/r2d2/recurrent_actors.h"
#include "agents/r2d2/sequence_loss.h"
#include "core/checkpoint.h"
#include "core/interrupt.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/timer.h"
#include "envs/registry.h"

namespace tp::agents::r2d2 {

namespace {

class R2d2Actor : public ActorLoop {
 public:
  explicit R2d2Actor(const R2d2ActorOptions& a)
      : a_(a), link_(a.learner, "r2d2"), rng_(a.seed), progress_("actor", a.max_steps, "steps", a.quiet) {}

  R2d2ActorSummary run() {
    static_cast<ActorTraffic&>(summary_) = ActorLoop::run(link_, a_.learner_timeout_s, a_.max_queued);
    summary_.mean_return = summary_.episodes > 0 ? return_sum_ / static_cast<double>(summary_.episodes)
                                                 : std::numeric_limits<double>::quiet_NaN();
    progress_.finish(metric(), summary_.interrupted_by == 0 && a_.max_steps > 0);
    return summary_;
  }

 private:
  // Builds the envs and network the learner's options (`config`) ask for, at every join: a
  // learner restarted with --resume may train another env.
  void joined(const std::string& config) override {
    R2d2Options o;
    OptionSet set("the learner's options");
    o.bind(set);
    set.parse_config_text(config, "the learner at " + a_.learner.str());
    o.validate();
    o_ = o;
    loss_ = loss_settings(o_);
    const auto prototype = envs::make_env_registry().make(o_.env, envs::parse_env_kwargs(o_.env_options));
    net_ = R2d2Network(network_options(o_, *prototype));
    net_->eval();
    obs_size_ = prototype->observation_space().size();
    // Actors started with the same --seed still see different episodes: the id is mixed in.
    actors_ = std::make_unique<RecurrentActors>(*prototype, o_.num_envs, o_.lstm_size, o_.seq_length,
                                                rng_() + static_cast<uint64_t>(link_.id()) * 0x9E3779B97F4A7C15ULL);
    epsilons_ = o_.actor_epsilons();
    summary_.envs = o_.num_envs;
    char line[200];
    std::snprintf(line, sizeof line, "actor %lld joined the learner at %s (%s, %d envs, epsilons %.4g..%.4g)",
                  static_cast<long long>(link_.id()), a_.learner.str().c_str(), o_.env.c_str(), o_.num_envs,
                  epsilons_.front(), epsilons_.back());
    note(line);
  }

  void load_network(CheckpointReader& image) override {
    image.expect(kR2d2Algorithm, net_->signature());
    image.load_module("online", *net_);
    net_->eval();
  }

  bool produce(std::string& batch) override {
    act(unsent_);
    batch = unsent_.encode();
    return true;
  }

  // --actor-batch-steps steps of every env copy into `out`: the sequences they completed
  // (those worth replaying, as the one-process trainer keeps), with priorities.
  void act(ActorSequences& out) {
    Timer timer;
    out = ActorSequences{};
    out.generation = generation();
    out.seq_length = o_.seq_length;
    out.obs_size = obs_size_;
    out.state_size = o_.lstm_size;
    int64_t steps = o_.actor_batch_steps;
    if (a_.max_steps > 0)
      steps = std::min<int64_t>(steps, (a_.max_steps - summary_.steps + o_.num_envs - 1) / o_.num_envs);
    for (int64_t s = 0; s < steps; ++s) {
      const auto ended = actors_->step(net_, torch::kCPU, epsilons_, rng_, [&](Sequence& seq) {
        if (worth_replaying(seq, o_.burn_in)) out.sequences.push_back(std::move(seq));
      });
      out.episodes.insert(out.episodes.end(), ended.begin(), ended.end());
    }
    out.frames = steps * o_.num_envs;
    if (!out.sequences.empty()) {
      const torch::Tensor p =
          initial_priorities(net_, stack_sequences(out.sequences, o_.seq_length, obs_size_, o_.lstm_size), loss_)
              .contiguous();
      out.priorities.assign(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
    }
    out.seconds = timer.seconds();
  }

  bool sent() override {
    const ActorSequences& batch = unsent_;
    summary_.steps += batch.frames;
    summary_.sequences += static_cast<int64_t>(batch.sequences.size());
    summary_.episodes += static_cast<int64_t>(batch.episodes.size());
    for (const FinishedEpisode& e : batch.episodes) return_sum_ += e.episode_return;
    summary_.act_seconds += batch.seconds;
    progress_.update(summary_.steps, metric());
    return a_.max_steps > 0 && summary_.steps >= a_.max_steps;
  }

  std::string metric() const {
    char line[160];
    std::snprintf(line, sizeof line, "actor %lld, %d envs, network generation %lld, %.0f steps/s while acting",
                  static_cast<long long>(link_.id()), o_.num_envs, static_cast<long long>(generation()),
                  summary_.steps / std::max(1e-9, summary_.act_seconds));
    return line;
  }

  void note(const std::string& line) override {
    if (!a_.quiet) progress_.note(line);
  }

  R2d2ActorOptions a_;
  ActorLink link_;
  const InterruptGuard interrupts_;
  Rng rng_;
  Progress progress_;
  R2d2Options o_;
  LossSettings loss_;
  R2d2Network net_{nullptr};
  std::unique_ptr<RecurrentActors> actors_;
  std::vector<double> epsilons_;
  ActorSequences unsent_;  // the batch produced last
  int64_t obs_size_ = 0;
  double return_sum_ = 0;
  R2d2ActorSummary summary_;
};

}  // namespace

R2d2ActorSummary run_r2d2_actor(const R2d2ActorOptions& options) {
  R2d2Actor actor(options);
  return actor.run();
}

}  // namespace tp::agents::r2d2
