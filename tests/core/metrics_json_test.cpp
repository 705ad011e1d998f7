#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <sstream>

#include <cmath>

#include <fstream>

#include "core/error.h"
#include "core/json.h"
#include "core/metrics.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/run_dir.h"
#include "tests/test_util.h"

namespace tp {
namespace {

TEST(Metrics, HeaderAndRowsFlushedPerRow) {
  test::TempDir dir;
  const std::string path = dir.file("metrics.csv");
  {
    CsvMetrics m(path, {"step", "return", "loss"});
    m.write({{"step", 1}, {"return", 9.5}});
    // Flushed: visible before the writer closes.
    EXPECT_EQ(read_file(path), "step,return,loss\n1,9.5,\n");
    m.write({{"loss", 0.25}, {"step", 2}});
    EXPECT_THROW(m.write({{"nope", 1}}), Error);
  }
  EXPECT_EQ(read_file(path), "step,return,loss\n1,9.5,\n2,,0.25\n");
  // Re-opening (resume) appends; a different header is refused.
  {
    CsvMetrics m(path, {"step", "return", "loss"});
    m.write({{"step", 3}});
  }
  EXPECT_EQ(read_file(path), "step,return,loss\n1,9.5,\n2,,0.25\n3,,\n");
  EXPECT_THROW(CsvMetrics(path, {"step", "other"}), Error);
}

// A full disk (here the file-size limit, which fails writes as ENOSPC would) is an error at
// the first row that does not fit, never exit 0 with rows lost; the row it cut short is
// dropped on resume, so no two rows are glued together.
TEST(Metrics, AFailedWriteIsAnErrorAndResumeDropsTheCutRow) {
  test::TempDir dir;
  const std::string path = dir.file("metrics.csv");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
    const rlimit limit{100, 100};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      CsvMetrics m(path, {"step", "loss"});
      for (int i = 1; i <= 100; ++i) m.write({{"step", i}, {"loss", 0.123456}});
    } catch (const Error& e) {
      ::_exit(std::string(e.what()).find("cannot write metrics file") != std::string::npos ? 3 : 4);
    }
    ::_exit(5);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  const std::string cut = read_file(path);
  EXPECT_EQ(cut.size(), 100u);
  EXPECT_NE(cut.back(), '\n');  // the last row was cut short
  { CsvMetrics m(path, {"step", "loss"}, 1000.0); }
  const std::string kept = read_file(path);
  EXPECT_EQ(kept, cut.substr(0, cut.rfind('\n') + 1));
  std::istringstream lines(kept);
  std::string line;
  while (std::getline(lines, line)) EXPECT_EQ(std::count(line.begin(), line.end(), ','), 1) << line;
}

TEST(Metrics, ResumeDropsRowsLoggedAfterTheCheckpoint) {
  test::TempDir dir;
  const std::string path = dir.file("metrics.csv");
  {
    CsvMetrics m(path, {"iteration", "loss"});
    for (int i = 1; i <= 5; ++i) m.write({{"iteration", i}, {"loss", 1.0 / i}});
  }
  // The interrupted run checkpointed iteration 3, then logged 4 and 5: resuming at 3 drops
  // them, and the resumed run's rows follow iteration 3.
  {
    CsvMetrics m(path, {"iteration", "loss"}, 3.0);
    m.write({{"iteration", 4}, {"loss", 0.5}});
  }
  EXPECT_EQ(read_file(path), "iteration,loss\n1,1\n2,0.5\n3,0.33333333\n4,0.5\n");
  // Nothing past the counter: the file is kept as it is; a wrong header is refused untouched.
  { CsvMetrics m(path, {"iteration", "loss"}, 4.0); }
  EXPECT_EQ(read_file(path), "iteration,loss\n1,1\n2,0.5\n3,0.33333333\n4,0.5\n");
  EXPECT_THROW(CsvMetrics(path, {"iteration", "other"}, 0.0), Error);
  EXPECT_EQ(read_file(path), "iteration,loss\n1,1\n2,0.5\n3,0.33333333\n4,0.5\n");
}

// A run logged before a release added columns resumes: its rows move under the new header
// (added columns empty, a cut row still dropped); a header with a column the run does not
// log, or a repeated one, is still refused and the file left alone.
TEST(Metrics, ResumeMovesAnOlderRunUnderAddedColumns) {
  test::TempDir dir;
  const std::string path = dir.file("metrics.csv");
  write_file_atomic(path, "iteration,loss_l2,seconds\n1,0.5,10\n2,0.25,11\n3,0.125,1");
  {
    CsvMetrics m(path, {"iteration", "loss_l2", "loss_ownership", "loss_score", "seconds"}, 2.0);
    m.write({{"iteration", 3}, {"loss_ownership", 0.7}, {"seconds", 12}});
  }
  EXPECT_EQ(read_file(path),
            "iteration,loss_l2,loss_ownership,loss_score,seconds\n1,0.5,,,10\n2,0.25,,,11\n3,,0.7,,12\n");

  const std::string other = dir.file("other.csv");
  write_file_atomic(other, "iteration,elo\n1,3\n");
  EXPECT_THROW(CsvMetrics(other, {"iteration", "loss"}), Error);
  write_file_atomic(other, "iteration,iteration\n1,3\n");
  EXPECT_THROW(CsvMetrics(other, {"iteration", "loss"}), Error);
  EXPECT_EQ(read_file(other), "iteration,iteration\n1,3\n");
}

TEST(Json, DumpAndParseRoundTrip) {
  Json j = Json::object();
  j["name"] = "a \"quoted\"\nline";
  j["n"] = 3;
  j["x"] = 0.1;
  j["ok"] = true;
  Json arr = Json::array();
  arr.push_back(1);
  arr.push_back("two");
  j["arr"] = arr;
  const std::string s = j.dump();
  EXPECT_EQ(s, R"({"name":"a \"quoted\"\nline","n":3,"x":0.1,"ok":true,"arr":[1,"two"]})");
  Json k = Json::parse(s);
  EXPECT_EQ(k.at("name").get<std::string>(), "a \"quoted\"\nline");
  EXPECT_EQ(k.at("n").get<int64_t>(), 3);
  EXPECT_DOUBLE_EQ(k.at("x").get<double>(), 0.1);
  EXPECT_EQ(k.at("arr").size(), 2u);
  EXPECT_THROW(Json::parse("{\"a\":}").size(), Json::exception);
  EXPECT_THROW(Json::parse("[1,2").size(), Json::exception);
  // The --json lines: NaN is written as null, whole counts without a fraction.
  Json r = Json::object();
  r["nan"] = std::nan("");
  r["count"] = static_cast<long long>(50000);
  EXPECT_EQ(r.dump(), R"({"nan":null,"count":50000})");
  // Deep nesting (a crafted checkpoint header) is an error or a value, never a stack overflow.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Json parsed = Json::parse(deep, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(parsed.is_discarded() || parsed.is_array());
}

TEST(Rng, DeterministicAndSerializable) {
  Rng a(7), b(7);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a(), b());
  Rng c(8);
  EXPECT_NE(Rng(7)(), c());
  std::vector<double> st;
  append_rng_state(st, a);
  Rng d(0);
  read_rng_state(st.data(), d);
  EXPECT_EQ(a(), d());
  // below(n) stays in range and covers it.
  int seen[5] = {};
  for (int i = 0; i < 1000; ++i) ++seen[a.below(5)];
  for (int s : seen) EXPECT_GT(s, 150);
  double mean = 0;
  for (int i = 0; i < 20000; ++i) mean += a.normal();
  EXPECT_NEAR(mean / 20000, 0.0, 0.05);
}

TEST(Rng, WeightedIndexFollowsTheWeights) {
  Rng rng(11);
  const std::vector<double> weights = {0, 1, 3, 1};
  int seen[4] = {};
  for (int i = 0; i < 10000; ++i) ++seen[rng.weighted_index(weights)];
  EXPECT_EQ(seen[0], 0);  // a zero weight is never drawn
  EXPECT_NEAR(seen[1], 2000, 200);
  EXPECT_NEAR(seen[2], 6000, 250);
  EXPECT_NEAR(seen[3], 2000, 200);
  EXPECT_EQ(rng.weighted_index({0, 0, 5}), 2u);
}

TEST(RunDir, CreatesLayoutAndConfig) {
  test::TempDir dir;
  RunDir r = RunDir::create("dqn", "MinAtar/Breakout-v1", dir.file("run1"));
  r.write_config("steps = 1\n");
  EXPECT_TRUE(file_exists(dir.file("run1/checkpoints")));
  EXPECT_EQ(read_file(r.config_path()), "steps = 1\n");
  EXPECT_THROW(RunDir::open_existing(dir.file("nope")), UsageError);
  // One writer: while `r` holds the run, a second opener is refused, naming the holder's pid.
  try {
    RunDir::open_existing(dir.file("run1"));
    ADD_FAILURE() << "a second writer was let in";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another torchplay process (pid " + std::to_string(::getpid())),
              std::string::npos)
        << e.what();
  }
  // And a new run never writes into an old one.
  EXPECT_THROW(RunDir::create("dqn", "x", dir.file("run1")), UsageError);
  r = RunDir::create("dqn", "x", dir.file("run2"));  // releases run1 (the last copy goes)
  // A killed writer's temp files go when the run is next opened.
  write_file_atomic(dir.file("run1/checkpoints/ckpt-000000000005.tpck.tmp"), "half");
  write_file_atomic(dir.file("run1/metrics.csv.tmp"), "half");
  EXPECT_NO_THROW(RunDir::open_existing(dir.file("run1")));
  EXPECT_FALSE(file_exists(dir.file("run1/checkpoints/ckpt-000000000005.tpck.tmp")));
  EXPECT_FALSE(file_exists(dir.file("run1/metrics.csv.tmp")));
  EXPECT_TRUE(file_exists(dir.file("run1/config.ini")));
}

// The redrawn line never reaches the terminal's last column (it would wrap and leave a cut
// copy behind on every redraw): the bar goes first, then the end is cut.
TEST(Progress, TerminalLineFitsTheWidth) {
  const std::string counts = " 42% 42000/100000 steps 1234.5/s ETA 47s";
  const std::string metric = "eval 187.3 loss 0.0123 epsilon 0.05 buffer 42000";
  const std::string wide = terminal_progress_line("dqn CartPole-v1", 0.42, counts, metric, 200);
  EXPECT_NE(wide.find("[##########.............."), std::string::npos) << wide;
  EXPECT_NE(wide.find(metric), std::string::npos) << wide;
  for (int columns : {120, 80, 60, 40}) {
    const std::string line = terminal_progress_line("dqn CartPole-v1", 0.42, counts, metric, columns);
    EXPECT_LE(line.size(), static_cast<size_t>(columns - 1)) << columns << ": " << line;
    EXPECT_EQ(line.rfind("dqn CartPole-v1 ", 0), 0u) << line;
    if (columns <= 80) {
      EXPECT_EQ(line.find('['), std::string::npos) << line;  // the bar went first
    }
  }
  EXPECT_NE(terminal_progress_line("x", 1.0, "100%", "", 80).find("[########################]"), std::string::npos);
}

TEST(Progress, RatesReadAtAnySpeed) {
  EXPECT_EQ(format_rate(16600, "steps"), "16.6k steps/s");
  EXPECT_EQ(format_rate(2.5e6, "frames"), "2.50M frames/s");
  EXPECT_EQ(format_rate(98, "episodes"), "98.0 episodes/s");
  EXPECT_EQ(format_rate(0.3, "iterations"), "0.30 iterations/s");
  EXPECT_EQ(format_rate(0.8 / 60, "iterations"), "0.80 iterations/min");  // was "0.0 iterations/s"
  EXPECT_EQ(format_rate(2.0 / 3600, "epochs"), "2.00 epochs/h");
  EXPECT_EQ(format_rate(0, "steps"), "0.00 steps/s");
}

TEST(Progress, FormatDuration) {
  EXPECT_EQ(format_duration(5), "5s");
  EXPECT_EQ(format_duration(125), "2m05s");
  EXPECT_EQ(format_duration(3725), "1h02m");
  Progress quiet("x", 10, "steps", true);
  quiet.update(5);
  quiet.finish();
}

}  // namespace
}  // namespace tp
