// The run skeleton on a toy algorithm: directory, config, metrics with resume truncation,
// checkpoints, interrupts between and inside steps, the result object.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/periodic.h"
#include "core/run_dir.h"
#include "core/training_run.h"
#include "tests/test_util.h"

namespace tp {
namespace {

// Counts to `total`; its whole state is the counter and a running sum. Logs one row per step
// and one per evaluation (every 3 steps). Raises SIGINT during step `interrupt_at`, either
// finishing that step (a signal between steps) or abandoning it.
class Counter : public TrainingAlgorithm {
 public:
  Counter(int64_t total, int64_t checkpoint_every) : total_(total), checkpoint_every_(checkpoint_every) {}
  int64_t interrupt_at = -1;
  bool abandon = false;
  int64_t steps_ended_at = -1;  // the counter when the skeleton said the steps ended
  int step_ms = 0;              // each step sleeps this long (a run whose wall time is known)
  double first_step_wall = -1;  // RunContext::wall_seconds() in this process's first step

  ProgressPlan progress_plan() const override { return {"count", "steps", total_}; }
  int64_t progress_done() const override { return n_; }
  std::vector<std::string> metric_columns() const override { return {"step", "sum", "eval"}; }
  double metrics_position() const override { return static_cast<double>(n_); }
  StepStatus step(RunContext& run) override {
    if (n_ + 1 == interrupt_at) {
      std::raise(SIGINT);
      if (abandon) {
        EXPECT_TRUE(run.stop_requested());
        sum_ += 1000;  // half-done work that must not reach a checkpoint
        return StepStatus::Abandoned;
      }
    }
    if (step_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
    if (first_step_wall < 0) first_step_wall = run.wall_seconds();
    ++n_;
    sum_ += n_;
    run.log({{"step", static_cast<double>(n_)}, {"sum", static_cast<double>(sum_)}});
    return StepStatus::Completed;
  }
  bool evaluation_due() const override { return n_ % 3 == 0; }
  void evaluate(RunContext& run) override { run.log({{"step", static_cast<double>(n_)}, {"eval", 1.0}}); }
  void steps_ended() override { steps_ended_at = n_; }
  void finish(RunContext& run) override { run.log({{"step", static_cast<double>(n_)}, {"eval", 2.0}}); }
  bool checkpoint_due() const override { return n_ % checkpoint_every_ == 0; }
  int64_t checkpoint_number() const override { return n_; }
  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = "counter";
    h.env = "none";
    h.architecture = "sum";
    h.counters = {{"n", n_}};
    return h;
  }
  void save(CheckpointWriter& w) const override { w.add_tensor("sum", torch::tensor({sum_}, torch::kInt64)); }
  void load(CheckpointReader& r) override {
    n_ = r.header().counter("n");
    sum_ = r.tensor("sum").item<int64_t>();
  }
  bool steps_can_be_abandoned() const override { return abandon; }
  std::string summary() const override { return "counted to " + std::to_string(n_); }
  void describe(Json& j) const override { j["n"] = static_cast<long long>(n_); }

  int64_t n() const { return n_; }
  int64_t sum() const { return sum_; }

 private:
  int64_t total_, checkpoint_every_;
  int64_t n_ = 0, sum_ = 0;
};

RunSettings settings(const std::string& dir, bool resume) {
  RunSettings s;
  s.algorithm = "counter";
  s.env = "none";
  (resume ? s.resume : s.run_dir) = dir;
  s.config_ini = "x = 1\n";
  s.keep_checkpoints = 2;
  s.quiet = true;
  return s;
}

// metrics.csv rows as (step, column) -> value.
std::multimap<int, std::string> step_rows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "step,sum,eval");
  std::multimap<int, std::string> rows;
  while (std::getline(in, line)) rows.emplace(std::stoi(line.substr(0, line.find(','))), line);
  return rows;
}

// A run of Counter(10, ...) that ended, however often it was interrupted and resumed: one row
// per step, plus one per evaluation (steps 3, 6, 9) and the final one (step 10), none twice.
void expect_each_step_logged_once(const std::string& metrics_path) {
  const auto rows = step_rows(metrics_path);
  for (int s = 1; s <= 10; ++s) EXPECT_EQ(rows.count(s), s % 3 == 0 || s == 10 ? 2u : 1u) << "step " << s;
  EXPECT_EQ(rows.size(), 10u + 3u + 1u);
}

TEST(PassedMultiple, CountsEveryMultipleAStrideReachesOrJumps) {
  EXPECT_TRUE(passed_multiple(96, 104, 100));    // jumped over 100
  EXPECT_TRUE(passed_multiple(92, 100, 100));    // landed on it
  EXPECT_FALSE(passed_multiple(100, 108, 100));  // left it: counted on the previous stride
  EXPECT_FALSE(passed_multiple(0, 99, 100));
  EXPECT_TRUE(passed_multiple(0, 250, 100));  // two multiples in one stride: due once
  EXPECT_FALSE(passed_multiple(0, 1000, 0));  // off
  EXPECT_FALSE(passed_multiple(0, 1000, -5));
}

// The summary's training returns: the newest 100, and the MinAtar paper's measure over the
// episodes that ended in the last 100k env steps of the run, worked by hand.
TEST(TrainingReturns, LastHundredAndTheLast100kStepsOfTheRun) {
  tp::RecentReturns r;
  tp::Json empty;
  tp::add_training_returns(empty, r, 1000);
  EXPECT_TRUE(empty.empty());
  // 300 episodes, one every 1,000 steps, each returning its index: steps 1,000 ... 300,000.
  for (int i = 1; i <= 300; ++i) r.add(i, 1000 * i);
  tp::Json j;
  tp::add_training_returns(j, r, 300'500);
  EXPECT_DOUBLE_EQ(j.at("train_return_last100").get<double>(), 250.5);  // 201 ... 300
  // The window (200,500, 300,500] holds episodes 201 ... 300.
  EXPECT_EQ(j.at("train_episodes_last_100k_steps").get<int64_t>(), 100);
  EXPECT_DOUBLE_EQ(j.at("train_return_last_100k_steps").get<double>(), 250.5);
  // A run that went on 150k steps without finishing an episode has none in its window.
  tp::Json late;
  tp::add_training_returns(late, r, 450'000);
  EXPECT_FALSE(late.contains("train_return_last_100k_steps"));
  EXPECT_TRUE(late.contains("train_return_last100"));
  // Short episodes: 500 in the last 100k steps, more than the newest 100.
  tp::RecentReturns many;
  for (int i = 1; i <= 1000; ++i) many.add(i % 2, 200 * i);  // steps 200 ... 200,000
  tp::Json k;
  tp::add_training_returns(k, many, 200'000);
  EXPECT_EQ(k.at("train_episodes_last_100k_steps").get<int64_t>(), 500);  // steps 100,200 ... 200,000
  EXPECT_DOUBLE_EQ(k.at("train_return_last_100k_steps").get<double>(), 0.5);
}

TEST(TrainingRun, FreshRunWritesConfigMetricsCheckpointsAndResult) {
  test::TempDir dir;
  Counter c(10, 4);
  const RunOutcome out = run_training(c, settings(dir.file("run"), false));
  EXPECT_EQ(out.exit_code(), 0);
  EXPECT_EQ(read_file(dir.file("run/config.ini")), "x = 1\n");
  const auto ckpts = CheckpointStore(dir.file("run/checkpoints"), 2).list();
  ASSERT_EQ(ckpts.size(), 2u);  // 4, 8 and the final 10, the last two kept
  EXPECT_EQ(out.checkpoint, ckpts.back());
  const CheckpointHeader h = CheckpointReader::read_header(out.checkpoint);
  EXPECT_EQ(h.counter("n"), 10);
  EXPECT_EQ(h.config, "x = 1\n");  // every checkpoint carries the run's config
  const auto rows = step_rows(dir.file("run/metrics.csv"));
  EXPECT_EQ(rows.count(3), 2u);   // the step and its evaluation
  EXPECT_EQ(rows.count(10), 2u);  // the step and the final evaluation
  EXPECT_EQ(rows.size(), 10u + 3u + 1u);
  EXPECT_EQ(out.result.at("n").get<int64_t>(), 10);
  EXPECT_EQ(out.result.at("checkpoint").get<std::string>(), out.checkpoint);
  EXPECT_FALSE(out.result.at("interrupted").get<bool>());
  EXPECT_EQ(out.summary, "counted to 10");
  EXPECT_EQ(c.steps_ended_at, 10);
}

TEST(TrainingRun, SignalBetweenStepsCheckpointsTheCurrentStateAndResumeFinishesExactly) {
  test::TempDir dir;
  Counter first(10, 4);
  first.interrupt_at = 6;  // step 6 completes, the loop stops before step 7
  RunSettings shown = settings(dir.file("run"), false);
  shown.quiet = false;
  testing::internal::CaptureStderr();
  const RunOutcome out = run_training(first, shown);
  const std::string progress = testing::internal::GetCapturedStderr();
  // The last progress line says where the run stopped, not 100%.
  EXPECT_NE(progress.find("count: 6/10 steps (60%)"), std::string::npos) << progress;
  EXPECT_NE(progress.find("interrupted"), std::string::npos) << progress;
  EXPECT_EQ(progress.find("10/10"), std::string::npos) << progress;
  EXPECT_EQ(out.interrupted_by, SIGINT);
  EXPECT_EQ(out.exit_code(), 130);
  EXPECT_EQ(CheckpointReader::read_header(out.checkpoint).counter("n"), 6);
  EXPECT_TRUE(out.result.at("interrupted").get<bool>());
  EXPECT_EQ(first.steps_ended_at, 6);  // an interrupted run stops its clock too

  Counter second(10, 4);
  const RunOutcome done = run_training(second, settings(dir.file("run"), true));
  EXPECT_EQ(done.exit_code(), 0);
  EXPECT_EQ(second.n(), 10);
  EXPECT_EQ(second.sum(), 55);
  expect_each_step_logged_once(dir.file("run/metrics.csv"));
}

// The run's wall time (the metrics' wall column, run_wall_seconds) goes on across a resume: the
// checkpoints keep it; the command's own wall_seconds is this process's.
TEST(TrainingRun, WallTimeGoesOnAcrossAResume) {
  test::TempDir dir;
  Counter first(10, 4);
  first.step_ms = 20;
  first.interrupt_at = 6;  // six steps of at least 20 ms, then the checkpoint of step 6
  const RunOutcome out = run_training(first, settings(dir.file("run"), false));
  const int64_t saved_ms = CheckpointReader::read_header(out.checkpoint).counter("run_wall_ms");
  EXPECT_GE(saved_ms, 120);
  EXPECT_GE(out.result.at("run_wall_seconds").get<double>(), saved_ms / 1000.0);

  Counter second(10, 4);
  second.step_ms = 20;
  const RunOutcome done = run_training(second, settings(dir.file("run"), true));
  EXPECT_GE(second.first_step_wall, saved_ms / 1000.0 + 0.02);  // counted on from the checkpoint
  const double run_wall = done.result.at("run_wall_seconds").get<double>();
  EXPECT_GE(run_wall, saved_ms / 1000.0 + 0.08);  // and four more steps
  EXPECT_GT(run_wall, done.wall_seconds);         // the command's own time is this part's alone
  EXPECT_GE(CheckpointReader::read_header(done.checkpoint).counter("run_wall_ms"), saved_ms + 80);
}

TEST(TrainingRun, AbandonedStepKeepsTheNewestCheckpointAndResumeDropsLaterRows) {
  test::TempDir dir;
  Counter first(10, 4);
  first.interrupt_at = 7;
  first.abandon = true;
  const RunOutcome out = run_training(first, settings(dir.file("run"), false));
  EXPECT_EQ(out.exit_code(), 130);
  EXPECT_EQ(CheckpointReader::read_header(out.checkpoint).counter("n"), 4);  // not the half-done state
  EXPECT_EQ(step_rows(dir.file("run/metrics.csv")).count(6), 2u);            // logged before the interrupt

  Counter second(10, 4);
  run_training(second, settings(dir.file("run"), true));
  EXPECT_EQ(second.sum(), 55);  // the abandoned 1000 never reached a checkpoint
  expect_each_step_logged_once(dir.file("run/metrics.csv"));
}

TEST(TrainingRun, AbandonedBeforeTheFirstCheckpointLeavesTheStartState) {
  test::TempDir dir;
  Counter first(10, 100);
  first.interrupt_at = 2;
  first.abandon = true;
  const RunOutcome out = run_training(first, settings(dir.file("run"), false));
  EXPECT_EQ(out.exit_code(), 130);
  CheckpointReader r(out.checkpoint);
  EXPECT_EQ(r.header().counter("n"), 0);
  EXPECT_EQ(r.tensor("sum").item<int64_t>(), 0);
}

TEST(TrainingRun, ResumeRefusesAMissingRunOrCheckpointAndAnotherAlgorithm) {
  test::TempDir dir;
  Counter c(3, 1);
  EXPECT_THROW(run_training(c, settings(dir.file("nothing"), true)), UsageError);
  make_dirs(dir.file("empty/checkpoints"));
  write_file_atomic(dir.file("empty/config.ini"), "x = 1\n");
  EXPECT_THROW(run_training(c, settings(dir.file("empty"), true)), UsageError);

  run_training(c, settings(dir.file("run"), false));
  class Other : public Counter {
   public:
    using Counter::Counter;
    CheckpointHeader checkpoint_header() const override {
      CheckpointHeader h = Counter::checkpoint_header();
      h.architecture = "product";
      return h;
    }
  } other(5, 1);
  RunSettings changed = settings(dir.file("run"), true);
  changed.config_ini = "x = 2\n";
  EXPECT_THROW(run_training(other, changed), CheckpointError);
  // A refused resume leaves the run as it was.
  EXPECT_EQ(read_file(dir.file("run/config.ini")), "x = 1\n");
}

// The newest checkpoint damaged (a bit flipped): --resume warns and continues from the one
// before, and the run still ends with every step logged once. With every checkpoint damaged
// it refuses.
TEST(TrainingRun, ResumeFallsBackFromADamagedNewestCheckpoint) {
  test::TempDir dir;
  Counter first(10, 2);
  first.interrupt_at = 7;
  run_training(first, settings(dir.file("run"), false));
  const std::string newest = dir.file("run/checkpoints/ckpt-000000000006.tpck");
  ASSERT_TRUE(file_exists(newest));
  std::string data = read_file(newest);
  data[data.size() - 5] = static_cast<char>(data[data.size() - 5] ^ 1);
  write_file_atomic(newest, data);
  Counter resumed(10, 2);
  const RunOutcome out = run_training(resumed, settings(dir.file("run"), true));
  EXPECT_EQ(resumed.n(), 10);
  EXPECT_EQ(resumed.sum(), 55);
  EXPECT_FALSE(out.interrupted_by);
  expect_each_step_logged_once(dir.file("run/metrics.csv"));

  Counter broken(12, 100);
  for (const std::string& path : CheckpointStore(dir.file("run/checkpoints"), 2).list()) {
    std::string d = read_file(path);
    d[d.size() - 5] = static_cast<char>(d[d.size() - 5] ^ 1);
    write_file_atomic(path, d);
  }
  EXPECT_THROW(run_training(broken, settings(dir.file("run"), true)), CheckpointError);
}

// A finished run resumed with the same total is refused (it used to run finish() again and
// log the final row twice); with a larger total it trains on.
TEST(TrainingRun, ResumingAFinishedRunNeedsALargerTotal) {
  test::TempDir dir;
  Counter first(10, 4);
  run_training(first, settings(dir.file("run"), false));
  const std::string before = read_file(dir.file("run/metrics.csv"));
  Counter again(10, 4);
  try {
    run_training(again, settings(dir.file("run"), true));
    ADD_FAILURE() << "a finished run was resumed";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("already finished (steps 10 of 10)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(dir.file("run/metrics.csv")), before);
  Counter longer(12, 4);
  run_training(longer, settings(dir.file("run"), true));
  EXPECT_EQ(longer.n(), 12);
  EXPECT_EQ(longer.sum(), 78);
}

}  // namespace
}  // namespace tp
