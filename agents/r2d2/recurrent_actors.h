#pragma once
// R2D2's actors as a group (Kapturowski et al. 2019): K env copies stepped together, each
// acting epsilon-greedily on the Q values of one batched LSTM forward, carrying its recurrent
// state from step to step (zero at each episode start) and cutting its experience into
// replay sequences (sequence_replay.h). The one-process trainer (r2d2_trainer.h) and a
// distributed actor (r2d2_actor.h) both act through it.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/r2d2/r2d2_network.h"
#include "agents/r2d2/sequence_replay.h"
#include "core/rng.h"
#include "envs/env.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
}  // namespace tp

namespace tp::agents::r2d2 {

class RecurrentActors {
 public:
  // `count` copies of `prototype`, copy i reset with seed + i; sequences of `seq_length` steps
  // with recurrent states of `state_size`.
  RecurrentActors(const envs::Env& prototype, int count, int64_t state_size, int64_t seq_length, uint64_t seed);

  // One step of every copy: greedy under `net` or, with probability epsilons[i], a uniformly
  // random action. Each sequence a step completes goes to `on_sequence`; returns the episodes
  // that ended.
  std::vector<FinishedEpisode> step(R2d2Network& net, torch::Device device, const std::vector<double>& epsilons,
                                    Rng& rng, const std::function<void(Sequence&)>& on_sequence);

  int count() const { return static_cast<int>(envs_.size()); }
  const envs::Env& env(int i) const { return *envs_[static_cast<size_t>(i)]; }

  // Every copy's env, unfinished sequence, episode progress and recurrent state.
  void save(CheckpointWriter& writer) const;
  void load(CheckpointReader& reader);

 private:
  std::vector<std::unique_ptr<envs::Env>> envs_;
  std::vector<SequenceBuilder> builders_;
  int64_t obs_size_, state_size_;
  int num_actions_;
  torch::Tensor obs_;     // [1, K, obs] on the CPU
  RecurrentState state_;  // [1, K, H] on the CPU
  std::vector<double> returns_;
  std::vector<int64_t> lengths_;
};

}  // namespace tp::agents::r2d2
