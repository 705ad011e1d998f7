#pragma once
// The DQN training loop state: env, replay memory (uniform or prioritized), n-step buffer,
// exploration schedule and learner. One call to step() is one env step followed, when due,
// by a training round. All of it round-trips through a checkpoint so --resume continues the
// exact same run (with the replay memory saved: --save-replay).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/dqn/dqn_learner.h"
#include "agents/dqn/dqn_options.h"
#include "agents/dqn/n_step.h"
#include "agents/dqn/prioritized_sampler.h"
#include "agents/dqn/replay_memory.h"
#include "agents/dqn/schedule.h"
#include "agents/dqn/transition_batch.h"
#include "agents/episode_loop.h"
#include "core/rng.h"
#include "envs/env.h"

namespace tp {
struct CheckpointHeader;
}

namespace tp::agents::dqn {

struct EpisodeStats {
  double episode_return = 0.0;
  int length = 0;
};

struct LossStats {
  double loss = 0.0, q_mean = 0.0;
  int64_t updates = 0;  // updates averaged (0: the means are NaN)
};

class DqnTrainer {
 public:
  // `options` must be validated and family defaults applied; the env is reset with `seed`.
  // Network weights come from LibTorch's default generator (seed it first), on the CPU; the
  // networks then move to `device` (the replay memory and the env stay on the CPU).
  DqnTrainer(const DqnOptions& options, std::unique_ptr<envs::Env> env, uint64_t seed,
             torch::Device device = torch::kCPU);

  // One env step and, when due, one training round; returns the episode that just ended.
  std::optional<EpisodeStats> step();
  // A learner of distributed actors (options.actors_port): transition `i` of an actor's batch
  // with the priority the actor gave it, counted as one step; a training round follows when
  // due, as after an env step here.
  void ingest(const TransitionBatch& batch, int64_t i);
  void count_episodes(int64_t n) { episodes_ += n; }

  int64_t steps() const { return steps_; }
  int64_t updates() const { return updates_; }
  int64_t episodes() const { return episodes_; }
  // Exploration epsilon for the next step (1 during the random phase).
  double epsilon() const;
  // Prioritized replay's importance exponent for the next update.
  double beta() const;
  // Means over the updates since the last call.
  LossStats take_loss_stats();

  // Periodic evaluation of the online network; with final_policy=best it is kept when best.
  EvalReport evaluate_online(int episodes, uint64_t seed);
  // The network this run hands out: the best evaluated weights (final_policy=best and an
  // evaluation happened) or the online network.
  nets::QNetwork& policy_network();
  bool has_best() const { return static_cast<bool>(best_); }
  double best_eval_return() const { return best_return_; }

  const envs::Env& env() const { return *env_; }
  const DqnOptions& options() const { return o_; }
  const nets::QNetworkOptions& network_options() const { return net_options_; }
  std::string architecture() const { return learner_.online()->signature(); }
  DqnLearner& learner() { return learner_; }
  const ReplayMemory& memory() const { return memory_; }

  // The header of this run's checkpoints: algorithm, env and architecture (the caller adds
  // the resolved config); load() expects the same algorithm and architecture.
  CheckpointHeader checkpoint_header() const;
  // Everything needed to continue exactly (the replay memory only with options.save_replay).
  void save(CheckpointWriter& writer) const;
  // Returns true when the replay memory was in the checkpoint (else training refills it).
  bool load(CheckpointReader& reader);

 private:
  // After each transition enters the memory: count the step, train when due.
  void count_step();
  void train_round();

  DqnOptions o_;
  nets::QNetworkOptions net_options_;
  std::unique_ptr<envs::Env> env_;
  int n_actions_;
  DqnLearner learner_;
  ReplayMemory memory_;
  std::unique_ptr<PrioritizedSampler> per_;
  NStepBuffer n_step_;
  ReplayBatch batch_;
  LinearSchedule epsilon_schedule_, beta_schedule_;
  Rng rng_;
  std::vector<float> obs_, next_obs_;
  int64_t steps_ = 0, updates_ = 0, episodes_ = 0;
  double episode_return_ = 0.0;
  int episode_length_ = 0;
  LossStats loss_acc_;
  nets::QNetwork best_{nullptr};
  double best_return_ = -1e300;
};

}  // namespace tp::agents::dqn
