#pragma once
// The one training-run skeleton (docs/architecture.md, "Run skeleton"). Every trainer (DQN,
// AlphaZero, the generative models) is a TrainingAlgorithm: it supplies its step, its
// evaluation and the state it saves. run_training() owns everything else: the run directory
// and its config.ini, metrics.csv (with the rows past a resumed checkpoint dropped), the
// checkpoint store, --resume, SIGINT/SIGTERM with a final checkpoint, progress, and the
// result that commands print (a summary line and the `--json` line).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/options.h"
#include "core/runtime.h"
#include "core/stats.h"
#include "core/timer.h"

namespace tp {

class Progress;
class ProcessGroup;

class CheckpointWriter;
class CheckpointReader;
struct CheckpointHeader;
class CsvMetrics;
class RunDir;

// Where a run lives, resolved by the command from its options.
struct RunSettings {
  std::string algorithm;   // run-directory prefix: dqn, alphazero, vae, ...
  std::string env;         // env, game or dataset: the rest of the run-directory name
  std::string run_dir;     // explicit directory ("": runs/<algorithm>-<env>-<timestamp>)
  std::string resume;      // a run to continue from its newest checkpoint ("": a new run)
  std::string config_ini;  // the resolved options: RUN/config.ini and every checkpoint header
  int keep_checkpoints = 3;
  bool quiet = false;
  // Called once the run directory and its metrics.csv exist, before the first step, with the
  // directory's path (train --show opens its live chart there).
  std::function<void(const std::string& run_dir)> on_started;
  // A distributed run (core/process_group.h; nullptr: this process alone). Rank 0 leads: it
  // owns the run directory, metrics, progress and checkpoints, and starts every other rank
  // from its state (a fresh one or the resumed checkpoint), sent as a checkpoint image. The
  // others follow: the same steps, evaluations marked not leading, nothing written. An
  // interrupt on any rank stops all of them at the same step.
  ProcessGroup* group = nullptr;
};

// The settings every train command takes from its parsed options: --run-dir, --resume,
// --quiet and the resolved config, with the thread layout init_runtime applied as a comment
// (the family sets algorithm, env and keep_checkpoints).
RunSettings run_settings(const OptionSet& options, const CommonOptions& common, const ThreadLayout& layout);

// Makes `settings` a rank of `group`'s run (nothing for nullptr) and says so in its config.ini:
// "# distributed: N ranks, <split>" (what the ranks divide, e.g. "--num-envs split over them").
void join_run(RunSettings& settings, ProcessGroup* group, const std::string& split);

// What a step may use of the run: the metrics file, the run directory, the interrupt flag.
class RunContext {
 public:
  // `wall_before`: the wall seconds of the run's parts before this one (a resumed checkpoint's).
  RunContext(const RunDir& dir, CsvMetrics& metrics, Progress* progress = nullptr, double wall_before = 0)
      : dir_(&dir), metrics_(&metrics), progress_(progress), wall_before_(wall_before) {}
  // A following rank's context (RunSettings::group): no directory, no metrics.
  explicit RunContext(ProcessGroup& group) : group_(&group) {}
  // False on the following ranks of a distributed run: they skip what only the leader does
  // (evaluations, pictures), keeping their state in step with it.
  bool leader() const { return dir_ != nullptr; }
  ProcessGroup* group() const { return group_; }
  void set_group(ProcessGroup* group) { group_ = group; }
  // The run directory; only the leader has one.
  const RunDir& dir() const;
  // One metrics.csv row (columns not named stay empty; nothing on a following rank).
  void log(const std::vector<std::pair<std::string, double>>& row);
  // One line on the screen above the progress bar (a periodic evaluation's result), unless
  // --quiet: what the metrics file gets, the person watching sees too.
  void note(const std::string& line);
  // A SIGINT/SIGTERM arrived: a long step polls this and returns StepStatus::Abandoned.
  bool stop_requested() const;
  // Wall seconds of the whole run: every part before a --resume (checkpoints keep the sum)
  // and this one so far. The metrics' wall column, which goes on across resumes.
  double wall_seconds() const { return wall_before_ + clock_.seconds(); }

 private:
  const RunDir* dir_ = nullptr;
  CsvMetrics* metrics_ = nullptr;
  Progress* progress_ = nullptr;
  ProcessGroup* group_ = nullptr;
  double wall_before_ = 0;
  Timer clock_;
};

enum class StepStatus {
  Completed,  // the state is consistent: it can be checkpointed
  Abandoned,  // interrupted half-way: the state is not saved, the newest checkpoint is kept
};

// How the progress line counts (e.g. "steps" of an env, "iterations", "batches").
struct ProgressPlan {
  std::string label;  // e.g. "dqn CartPole-v1"
  std::string unit;
  int64_t total = 0;
  double log_interval_s = 5.0;  // off a terminal: seconds between plain lines
};

class TrainingAlgorithm {
 public:
  virtual ~TrainingAlgorithm() = default;

  virtual ProgressPlan progress_plan() const = 0;
  virtual int64_t progress_done() const = 0;
  // The metric shown after the rate on the progress line (asked only when it is drawn).
  virtual std::string progress_metric() const { return ""; }

  // metrics.csv columns; the first is the position counter that resume truncates by.
  virtual std::vector<std::string> metric_columns() const = 0;
  // The first column's value at the current state (a checkpoint's place in metrics.csv).
  virtual double metrics_position() const = 0;

  // One unit of work (an env step, an iteration, a minibatch), logging its own rows.
  virtual StepStatus step(RunContext& run) = 0;
  // Periodic evaluation, after a step when evaluation_due().
  virtual bool evaluation_due() const { return false; }
  virtual void evaluate(RunContext& /*run*/) {}
  // Once the steps stop, whether the run finished or was interrupted (before finish()): where
  // a trainer stops its clock, so an interrupted run still reports its rate.
  virtual void steps_ended() {}
  // After the last step: the final evaluation, if any.
  virtual void finish(RunContext& /*run*/) {}

  // State. The skeleton validates algorithm and architecture before load() is called.
  virtual bool checkpoint_due() const = 0;
  virtual int64_t checkpoint_number() const = 0;           // RUN/checkpoints/ckpt-<number>.tpck
  virtual CheckpointHeader checkpoint_header() const = 0;  // algorithm, env, architecture, counters
  virtual void save(CheckpointWriter& writer) const = 0;
  virtual void load(CheckpointReader& reader) = 0;
  // A remark for the resume message (e.g. state that was not in the checkpoint).
  virtual std::string resume_note() const { return ""; }
  // True when step() can return Abandoned: the skeleton then keeps the start state in memory
  // until the first checkpoint exists, so an early interrupt still leaves one to resume from.
  virtual bool steps_can_be_abandoned() const { return false; }
  // A digest of the state every rank of a distributed run holds alike (networks and
  // optimizers), compared over the ranks when the run ends; 0 when there is none to compare.
  virtual uint64_t replica_digest() const { return 0; }

  // The result: one human-readable line and the algorithm's fields of the `--json` object.
  virtual std::string summary() const = 0;
  virtual void describe(Json& result) const = 0;
};

struct RunOutcome {
  std::string run_dir;
  std::string checkpoint;   // the newest checkpoint when the run ended
  int interrupted_by = 0;   // the signal; 0 when the run finished
  double wall_seconds = 0;  // this process's
  std::string summary;      // the algorithm's line
  // run_dir, checkpoint, interrupted, wall_seconds, run_wall_seconds (with the parts before
  // a --resume) + the algorithm's fields
  Json result;

  // 0, or 128 + signal after an interrupt (130 for SIGINT, 143 for SIGTERM).
  int exit_code() const;
};

// Runs (or, with settings.resume, continues) `algorithm` to the end or to an interrupt.
RunOutcome run_training(TrainingAlgorithm& algorithm, const RunSettings& settings);

// The summary's figures of the training episodes themselves (with exploration; after a
// --resume, those since it): train_return_last100, and the MinAtar paper's measure, the mean
// return of the episodes that ended in the last 100k of the run's `steps` with their count
// (train_return_last_100k_steps, train_episodes_last_100k_steps).
void add_training_returns(Json& summary, const RecentReturns& returns, int64_t steps);

}  // namespace tp
