#pragma once
// R2D2 in one process (Kapturowski et al. 2019): num_envs actors (env copies, each with its
// own epsilon_i = 0.4^(1 + 7 i / (K - 1))) stepped together with one batched LSTM forward per
// step; their experience cut into overlapping sequences with stored start states
// (sequence_replay.h); prioritized sequence replay; the burn-in, n-step, value-rescaled
// double-Q loss (sequence_loss.h) with a hard-synced target network.
// The DRQN variant (Hausknecht & Stone 2015): --recurrent-state zero --burn-in 0.
#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/dqn/prioritized_sampler.h"
#include "agents/episode_loop.h"
#include "agents/r2d2/r2d2_network.h"
#include "agents/r2d2/r2d2_options.h"
#include "agents/r2d2/recurrent_actors.h"
#include "agents/r2d2/sequence_loss.h"
#include "agents/r2d2/sequence_replay.h"
#include "core/rng.h"
#include "envs/env.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
struct CheckpointHeader;
}  // namespace tp

namespace tp::agents::r2d2 {

struct ActorSequences;

// The network `options` ask for on `env`; UsageError for an env without vector observations
// or image planes, or without discrete actions.
R2d2NetworkOptions network_options(const R2d2Options& options, const envs::Env& env);

class R2d2Trainer {
 public:
  // `options` validated; UsageError for an env without vector observations or discrete actions.
  R2d2Trainer(const R2d2Options& options, const envs::Env& prototype, uint64_t seed,
              torch::Device device = torch::kCPU);

  // One step of every actor (num_envs env steps) and, when due, one update.
  std::vector<FinishedEpisode> step();
  // A learner of distributed actors (--actors-port): a batch of sequences with the priorities
  // the actor computed, its frames counted as steps; then the updates those frames are due
  // (one per --train-every x --num-envs frames, as in one process).
  void ingest(const ActorSequences& batch);
  // One gradient step on a prioritized minibatch of sequences.
  void update();
  // Greedy evaluation of the online network; with --final-policy best keeps the best one.
  EvalReport evaluate_periodic(int episodes, uint64_t seed);
  // The network the run hands out: the best evaluated one (--final-policy best) or the online one.
  R2d2Network& policy_network() { return best_ ? *best_ : online_; }
  bool has_best() const { return best_.has_value(); }

  int64_t steps() const { return steps_; }
  int64_t updates() const { return updates_; }
  int64_t episodes() const { return episodes_; }
  const SequenceReplay& replay() const { return replay_; }
  R2d2Network& online() { return online_; }
  const envs::Env& env() const { return actors_.env(0); }
  std::string architecture() const { return online_->signature(); }
  // Mean loss and Q since the last call (NaN before the first update).
  std::pair<double, double> take_loss_stats();

  CheckpointHeader checkpoint_header() const;
  void save(CheckpointWriter& writer) const;
  // True when the checkpoint held the replay memory (saved with save_replay): an exact resume.
  bool load(CheckpointReader& reader);

 private:
  R2d2Options o_;
  LossSettings loss_;
  torch::Device device_;
  R2d2Network online_{nullptr}, target_{nullptr};
  std::optional<R2d2Network> best_;
  double best_return_ = 0;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  SequenceReplay replay_;
  dqn::PrioritizedSampler sampler_;
  RecurrentActors actors_;
  std::vector<double> epsilons_;  // actor i's
  Rng rng_;
  int64_t steps_ = 0, updates_ = 0, episodes_ = 0, vector_steps_ = 0;
  double update_credit_ = 0;  // updates due to ingested frames, not yet made
  double loss_sum_ = 0, q_sum_ = 0;
  int64_t loss_count_ = 0;
};

}  // namespace tp::agents::r2d2
