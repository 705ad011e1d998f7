#include "core/training_run.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/metrics.h"
#include "core/process_group.h"
#include "core/progress.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "core/timer.h"

namespace tp {

RunSettings run_settings(const OptionSet& options, const CommonOptions& common, const ThreadLayout& layout) {
  RunSettings s;
  s.run_dir = common.run_dir;
  s.resume = options.resume_dir();
  // What --threads became, for whoever compares this run's speed with another's.
  s.config_ini = options.to_ini() + "# thread layout: " + describe(layout) + "\n";
  s.quiet = common.quiet;
  return s;
}

void join_run(RunSettings& settings, ProcessGroup* group, const std::string& split) {
  settings.group = group;
  // Who ran it, beside the thread layout of each rank.
  if (group) settings.config_ini += "# distributed: " + std::to_string(group->world_size()) + " ranks, " + split + "\n";
}

const RunDir& RunContext::dir() const {
  TP_CHECK(dir_ != nullptr, "a following rank of a distributed run has no run directory");
  return *dir_;
}

void RunContext::log(const std::vector<std::pair<std::string, double>>& row) {
  if (metrics_) metrics_->write(row);
}

void RunContext::note(const std::string& line) {
  if (progress_) progress_->note(line);
}

bool RunContext::stop_requested() const { return pending_interrupt() != 0; }

int RunOutcome::exit_code() const { return interrupted_by ? interrupt_exit_code(interrupted_by) : 0; }

namespace {

// Header counter of the checkpoint written after finish(): resuming it has nothing to do
// unless the total was raised (and would log the final rows twice).
constexpr char kFinishedCounter[] = "run_finished";
// Header counter: the run's wall milliseconds up to the checkpoint (RunContext::wall_seconds).
constexpr char kWallCounter[] = "run_wall_ms";

// The checkpoint writer and store of one run: every checkpoint carries the run's config.
class RunCheckpoints {
 public:
  RunCheckpoints(const RunDir& dir, const RunSettings& settings)
      : store_(dir.checkpoints_dir(), settings.keep_checkpoints), config_(settings.config_ini) {}

  // The run whose wall time each checkpoint records (none: not recorded).
  void record_wall_time_of(const RunContext& run) { run_ = &run; }

  CheckpointWriter writer(const TrainingAlgorithm& algorithm) const {
    CheckpointHeader h = algorithm.checkpoint_header();
    h.config = config_;
    if (run_) h.counters[kWallCounter] = std::llround(run_->wall_seconds() * 1000.0);
    CheckpointWriter w(h);
    algorithm.save(w);
    return w;
  }
  std::string save(const TrainingAlgorithm& algorithm) {
    last_ = store_.save(writer(algorithm), algorithm.checkpoint_number());
    last_number_ = algorithm.checkpoint_number();
    return last_;
  }
  // An abandoned step: the newest checkpoint stays; without one the start state is written.
  std::string keep_newest(const std::optional<std::pair<std::string, int64_t>>& start_state) {
    if (const auto latest = store_.latest()) return *latest;
    TP_CHECK(start_state.has_value(), "no checkpoint to keep");
    return store_.save_encoded(start_state->first, start_state->second);
  }
  // The current state's checkpoint: written now unless the last one written holds it.
  std::string save_current(const TrainingAlgorithm& algorithm) {
    return last_number_ == algorithm.checkpoint_number() ? last_ : save(algorithm);
  }
  // The state after finish(), marked finished (counter kFinishedCounter = 1), even when a
  // periodic checkpoint of the same number exists: that one was written before finish().
  std::string save_finished(const TrainingAlgorithm& algorithm) {
    CheckpointWriter w = writer(algorithm);
    w.header().counters[kFinishedCounter] = 1;
    last_ = store_.save(w, algorithm.checkpoint_number());
    last_number_ = algorithm.checkpoint_number();
    return last_;
  }
  const CheckpointStore& store() const { return store_; }

 private:
  CheckpointStore store_;
  std::string config_;
  const RunContext* run_ = nullptr;
  std::string last_;
  int64_t last_number_ = -1;
};

// Loads the newest intact checkpoint into `algorithm`; returns the run's wall seconds up to it
// (0 for checkpoints written before they were recorded).
double resume_from_newest(TrainingAlgorithm& algorithm, const RunCheckpoints& checkpoints, const RunDir& dir,
                          bool quiet) {
  const std::vector<std::string> all = checkpoints.store().list();
  TP_CHECK_AS(UsageError, !all.empty(), "--resume: run '", dir.path(), "' has no checkpoint");
  // A damaged newest checkpoint (a disk error, a copy cut short) falls back to the one before,
  // with a warning; the newest intact one is resumed.
  std::optional<CheckpointReader> opened;
  for (auto it = all.rbegin(); it != all.rend() && !opened; ++it) {
    try {
      opened.emplace(*it);
    } catch (const CheckpointError& e) {
      if (std::next(it) == all.rend()) throw;
      std::fprintf(stderr, "warning: %s; resuming from %s instead\n", e.what(), std::next(it)->c_str());
    }
  }
  CheckpointReader& reader = *opened;
  TP_CHECK_AS(UsageError, !reader.inference_only(), "--resume: checkpoint '", reader.path(),
              "' holds only what playing needs (no optimizer state); it cannot resume training");
  const CheckpointHeader expected = algorithm.checkpoint_header();
  reader.expect(expected.algorithm, expected.architecture);
  algorithm.load(reader);
  const auto finished = reader.header().counters.find(kFinishedCounter);
  const ProgressPlan plan = algorithm.progress_plan();
  TP_CHECK_AS(
      UsageError,
      finished == reader.header().counters.end() || finished->second == 0 || algorithm.progress_done() < plan.total,
      "--resume: run '", dir.path(), "' already finished (", plan.unit, " ", algorithm.progress_done(), " of ",
      plan.total, "); give a larger total to train on");
  if (!quiet) {
    const std::string note = algorithm.resume_note();
    std::fprintf(stderr, "resuming %s at %s %lld from %s%s%s\n", dir.path().c_str(), plan.unit.c_str(),
                 static_cast<long long>(algorithm.progress_done()), reader.path().c_str(), note.empty() ? "" : " ",
                 note.c_str());
  }
  const auto wall = reader.header().counters.find(kWallCounter);
  return wall == reader.header().counters.end() ? 0.0 : static_cast<double>(wall->second) / 1000.0;
}

// The signal that stops the run: this process's, or in a distributed run the first any rank
// received, agreed on by all ranks before each step so that they stop at the same one.
int agreed_interrupt(ProcessGroup* group) {
  const int here = pending_interrupt();
  return group ? static_cast<int>(group->all_reduce_max(here)) : here;
}

// After the last step: every rank must hold the same networks (RunSettings::group).
void check_replicas(const TrainingAlgorithm& algorithm, ProcessGroup& group, Json& result) {
  const uint64_t digest = algorithm.replica_digest();
  const bool identical = group.all_equal(static_cast<int64_t>(digest));
  TP_CHECK(identical, group.describe(), ": the ranks' networks differ at the end of the run (replica digest ", digest,
           ")");
  result["world_size"] = group.world_size();
  result["rank"] = group.rank();
  result["replicas_identical"] = identical;
  result["collective_bytes"] = static_cast<double>(group.payload_bytes());
}

// A following rank of a distributed run: the leader's start state, then the same steps.
RunOutcome follow_training(TrainingAlgorithm& algorithm, const RunSettings& settings) {
  Timer timer;
  ProcessGroup& group = *settings.group;
  std::string image;
  group.broadcast_bytes(image);
  CheckpointReader reader = CheckpointReader::from_image(image, "rank 0's start state");
  const CheckpointHeader expected = algorithm.checkpoint_header();
  reader.expect(expected.algorithm, expected.architecture);
  algorithm.load(reader);
  RunContext context(group);
  const ProgressPlan plan = algorithm.progress_plan();
  RunOutcome out;
  InterruptGuard interrupts;
  while (algorithm.progress_done() < plan.total) {
    if (const int sig = agreed_interrupt(&group)) {
      out.interrupted_by = sig;
      break;
    }
    algorithm.step(context);
    if (algorithm.evaluation_due()) algorithm.evaluate(context);
  }
  algorithm.steps_ended();
  if (!out.interrupted_by) algorithm.finish(context);
  out.wall_seconds = timer.seconds();
  out.summary = group.describe() + " followed rank 0: " + algorithm.summary();
  out.result = Json::object();
  out.result["interrupted"] = out.interrupted_by != 0;
  out.result["wall_seconds"] = out.wall_seconds;
  algorithm.describe(out.result);
  check_replicas(algorithm, group, out.result);
  return out;
}

}  // namespace

RunOutcome run_training(TrainingAlgorithm& algorithm, const RunSettings& settings) {
  ProcessGroup* group = settings.group;
  TP_CHECK_AS(UsageError, !group || !algorithm.steps_can_be_abandoned(),
              "this trainer cannot run distributed (its steps can be abandoned half-way)");
  if (group && !group->is_leader()) return follow_training(algorithm, settings);
  Timer timer;
  const bool resuming = !settings.resume.empty();
  const RunDir dir = resuming ? RunDir::open_existing(settings.resume)
                              : RunDir::create(settings.algorithm, settings.env, settings.run_dir);
  RunCheckpoints checkpoints(dir, settings);
  const double wall_before = resuming ? resume_from_newest(algorithm, checkpoints, dir, settings.quiet) : 0.0;
  // The resolved options: a resumed run's own config.ini with the command line's changes
  // (written once the checkpoint has loaded: a refused resume leaves the run as it was).
  dir.write_config(settings.config_ini);

  CsvMetrics metrics(dir.metrics_path(), algorithm.metric_columns(),
                     resuming ? std::optional<double>(algorithm.metrics_position()) : std::nullopt);
  InterruptGuard interrupts;
  const ProgressPlan plan = algorithm.progress_plan();
  Progress progress(plan.label, plan.total, plan.unit, settings.quiet);
  RunContext context(dir, metrics, &progress, wall_before);
  context.set_group(group);
  checkpoints.record_wall_time_of(context);
  if (group) {  // every rank starts from this state
    std::string image = checkpoints.writer(algorithm).encode();
    group->broadcast_bytes(image);
  }
  progress.set_log_interval(plan.log_interval_s);
  if (!settings.quiet) std::fprintf(stderr, "run directory %s\n", dir.path().c_str());
  if (settings.on_started) settings.on_started(dir.path());

  std::optional<std::pair<std::string, int64_t>> start_state;
  if (algorithm.steps_can_be_abandoned() && !checkpoints.store().latest())
    start_state.emplace(checkpoints.writer(algorithm).encode(), algorithm.checkpoint_number());

  RunOutcome out;
  out.run_dir = dir.path();
  progress.update(algorithm.progress_done());
  // The run ends when the progress count reaches the plan's total (asked once, not per step).
  while (algorithm.progress_done() < plan.total) {
    if (const int sig = agreed_interrupt(group)) {  // between steps the state is consistent
      out.checkpoint = checkpoints.save_current(algorithm);
      out.interrupted_by = sig;
      break;
    }
    if (algorithm.step(context) == StepStatus::Abandoned) {
      out.checkpoint = checkpoints.keep_newest(start_state);
      out.interrupted_by = pending_interrupt() ? pending_interrupt() : SIGINT;
      break;
    }
    if (algorithm.evaluation_due()) algorithm.evaluate(context);
    if (algorithm.checkpoint_due()) {
      checkpoints.save(algorithm);
      start_state.reset();
    }
    if (progress.due()) progress.update(algorithm.progress_done(), algorithm.progress_metric());
  }
  algorithm.steps_ended();
  if (!out.interrupted_by) {
    algorithm.finish(context);
    out.checkpoint = checkpoints.save_finished(algorithm);
  }
  progress.update(algorithm.progress_done());
  progress.finish(out.interrupted_by ? "interrupted" : algorithm.progress_metric(), !out.interrupted_by);
  out.wall_seconds = timer.seconds();
  out.summary = algorithm.summary();
  out.result = Json::object();
  out.result["run_dir"] = out.run_dir;
  out.result["checkpoint"] = out.checkpoint;
  out.result["interrupted"] = out.interrupted_by != 0;
  out.result["wall_seconds"] = out.wall_seconds;
  out.result["run_wall_seconds"] = context.wall_seconds();
  algorithm.describe(out.result);
  if (group) check_replicas(algorithm, *group, out.result);
  if (out.interrupted_by)  // even with --quiet: the one way to know how to continue
    std::fprintf(stderr, "interrupted: checkpoint %s; continue with --resume %s\n", out.checkpoint.c_str(),
                 out.run_dir.c_str());
  return out;
}

void add_training_returns(Json& summary, const RecentReturns& returns, int64_t steps) {
  if (returns.empty()) return;
  summary["train_return_last100"] = returns.mean_of_last(100);
  const int64_t since = steps - RecentReturns::kStepWindow;
  if (returns.count_since(since) == 0) return;
  summary["train_return_last_100k_steps"] = returns.mean_since(since);
  summary["train_episodes_last_100k_steps"] = returns.count_since(since);
}

}  // namespace tp
