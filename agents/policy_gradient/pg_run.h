#pragma once
// What PPO, A2C and A3C runs share on the training skeleton: the network, the periodic and
// final evaluations with the best-network hand-out, the metrics columns, the checkpoint's
// network part, the summary and the `--json` fields. The algorithms add their step and the
// rest of their state.
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "agents/episode_loop.h"
#include "agents/policy_gradient/normalizers.h"
#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/rollout.h"
#include "agents/policy_gradient/updates.h"
#include "core/timer.h"
#include "core/training_run.h"
#include "core/stats.h"
#include "envs/env.h"
#include "nets/actor_critic.h"

namespace tp::agents::pg {

class PgRun : public TrainingAlgorithm {
 public:
  PgRun(const PgOptions& options, std::unique_ptr<envs::Env> env, uint64_t seed, torch::Device device);

  ProgressPlan progress_plan() const override;
  int64_t progress_done() const override { return steps(); }
  std::string progress_metric() const override;
  std::vector<std::string> metric_columns() const override;
  double metrics_position() const override { return static_cast<double>(steps()); }

  bool evaluation_due() const override;
  void evaluate(RunContext& run) override;
  void steps_ended() override;
  void finish(RunContext& run) override;
  bool checkpoint_due() const override;
  int64_t checkpoint_number() const override { return steps(); }
  CheckpointHeader checkpoint_header() const override;
  void save(CheckpointWriter& writer) const override;
  void load(CheckpointReader& reader) override;
  std::string summary() const override;
  void describe(Json& result) const override;

  std::string setup_line() const;

 protected:
  virtual int64_t steps() const = 0;
  virtual int64_t updates() const = 0;
  // The observation statistics the policy normalises with (nullptr: none).
  virtual const RunningMeanStd* obs_stats() const = 0;
  // The algorithm's own state (optimizer, rollout state) beside the network.
  virtual void save_state(CheckpointWriter& writer) const = 0;
  virtual void load_state(CheckpointReader& reader) = 0;

  // Metrics rows for the episodes that ended and for one update.
  void log_episodes(RunContext& run, const std::vector<FinishedEpisode>& episodes);
  void log_update(RunContext& run, const UpdateStats& stats, double lr, double clip);
  // The fraction of the run done (for the annealed schedules).
  double progress_fraction() const;
  // Remembers where the last step started, for evaluation_due/checkpoint_due.
  void mark_step_start() { step_start_ = steps(); }

  PgOptions o_;
  uint64_t seed_;
  torch::Device device_;
  std::unique_ptr<envs::Env> eval_env_;
  nets::ActorCritic net_{nullptr};
  Timer timer_;
  int64_t start_steps_ = 0;

 private:
  EvalReport evaluate_network(nets::ActorCritic& net, int episodes, uint64_t seed) const;
  double steps_per_second() const;

  int64_t step_start_ = 0;
  int64_t episodes_ = 0;
  RecentReturns returns_;  // the last 100 training-episode returns
  nets::ActorCritic best_{nullptr};
  double best_return_ = 0;
  bool finished_ = false;
  double train_seconds_ = 0, train_steps_per_s_ = 0;
  EvalReport final_;
};

}  // namespace tp::agents::pg
