// `torchplay train dqn` end to end: usage errors, a short run, eval of its checkpoint,
// SIGTERM -> checkpoint + 143, --resume.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "tests/test_util.h"

using tp::test::last_line;
using tp::test::run_torchplay;

TEST(DqnCli, UnknownOptionIsAOneLineUsageError) {
  const auto r = run_torchplay("train dqn --bogus");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(r.output.find("bogus"), std::string::npos);
  const auto bad = run_torchplay("train dqn --env CartPole-v1 --batch-size 0 --quiet");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  const auto help = run_torchplay("train dqn --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--double-dqn"), std::string::npos);
}

TEST(DqnCli, ContinuousActionEnvIsAOneLineUsageError) {
  tp::test::TempDir dir;
  const auto r = run_torchplay("train dqn --env Pendulum-v1 --quiet --run-dir " + dir.file("run"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output,
            "torchplay: error: dqn needs a discrete action space; Pendulum-v1 has Box(-2, 2, (1,), float32)\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("run"))) << "refused before the run directory is made";
  const auto car = run_torchplay("train dqn --env MountainCarContinuous-v0 --quiet");
  EXPECT_EQ(car.exit_code, 2) << car.output;
  EXPECT_NE(car.output.find("MountainCarContinuous-v0 has Box(-1, 1, (1,), float32)"), std::string::npos) << car.output;
}

TEST(DqnCli, ShortRunWritesRunDirAndItsCheckpointEvaluates) {
  tp::test::TempDir dir;
  const std::string run = dir.file("run");
  const auto r = run_torchplay(
      "train dqn --env CartPole-v1 --steps 1500 --learning-starts 200 --eval-every 500 "
      "--final-eval-episodes 5 --quiet --json --run-dir " +
      run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const tp::Json j = tp::Json::parse(last_line(r.output));
  EXPECT_EQ(j.at("steps").get<int64_t>(), 1500);
  EXPECT_EQ(j.at("run_dir").get<std::string>(), run);
  EXPECT_TRUE(std::filesystem::exists(run + "/config.ini"));
  EXPECT_TRUE(std::filesystem::exists(run + "/metrics.csv"));
  const std::string ckpt = j.at("checkpoint").get<std::string>();
  // The final evaluation used `torchplay eval`'s seeds: eval reproduces its mean exactly.
  const auto e = run_torchplay("eval --env CartPole-v1 --episodes 5 --json --quiet --agent " + ckpt);
  ASSERT_EQ(e.exit_code, 0) << e.output;
  const tp::Json ej = tp::Json::parse(last_line(e.output));
  EXPECT_DOUBLE_EQ(ej.at("return_mean").get<double>(), j.at("final_eval_mean").get<double>());
  const auto wrong_env = run_torchplay("eval --env MountainCar-v0 --episodes 1 --agent " + ckpt);
  EXPECT_NE(wrong_env.exit_code, 0);
}

TEST(DqnCli, SigtermCheckpointsAndResumeContinues) {
  tp::test::TempDir dir;
  const std::string run = dir.file("run");
  const auto r =
      tp::test::run_command("timeout --preserve-status -s TERM 6 " + tp::test::torchplay_bin() +
                            " train dqn --env CartPole-v1 --steps 100000000 --quiet --json --run-dir " + run);
  EXPECT_EQ(r.exit_code, 143) << r.output;
  EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
  // The interrupted run's result still has its training time and rate.
  const auto json_at = r.output.find("{\"run_dir\"");
  ASSERT_NE(json_at, std::string::npos) << r.output;
  const tp::Json stopped = tp::Json::parse(r.output.substr(json_at, r.output.find('\n', json_at) - json_at));
  EXPECT_TRUE(stopped.at("interrupted").get<bool>());
  EXPECT_GT(stopped.at("train_seconds").get<double>(), 1.0);
  EXPECT_GT(stopped.at("steps_per_second").get<double>(), 0.0);
  ASSERT_TRUE(std::filesystem::exists(run + "/checkpoints"));
  // --steps 1 on resume: nothing left to train, the loaded run is evaluated and saved.
  const auto res = run_torchplay("train dqn --resume " + run + " --steps 1 --final-eval-episodes 2 --json --quiet");
  ASSERT_EQ(res.exit_code, 0) << res.output;
  const tp::Json j = tp::Json::parse(last_line(res.output));
  EXPECT_GT(j.at("steps").get<int64_t>(), 1);
  EXPECT_EQ(j.at("run_dir").get<std::string>(), run);
}

// Issue 4's CartPole target for one seed: `train dqn` with the classic-control defaults
// (80k steps, about 5 s here) hands out a greedy policy averaging >= 475 over 100 episodes.
TEST(DqnCli, DefaultsSolveCartPole) {
  tp::test::TempDir dir;
  const auto r = run_torchplay("train dqn --env CartPole-v1 --seed 1 --quiet --json --run-dir " + dir.file("run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const tp::Json j = tp::Json::parse(last_line(r.output));
  EXPECT_EQ(j.at("steps").get<int64_t>(), 80000);
  EXPECT_EQ(j.at("final_eval_episodes").get<int64_t>(), 100);
  EXPECT_GE(j.at("final_eval_mean").get<double>(), 475.0) << r.output;
}

// Issue 17: `--threads 2` is never slower than one for DQN's small networks, because it runs the
// same single intra-op thread (CoreUse::kOneIntraOp), and so it learns exactly the same:
// metrics.csv equal apart from the clock columns, and config.ini says why.
TEST(DqnCli, TwoThreadsRunTheSameLayoutAsOneForSmallNetworks) {
  tp::test::TempDir dir;
  auto metrics_without_clock = [](const std::string& run) {
    std::ifstream in(run + "/metrics.csv");
    std::string header, line, out;
    std::getline(in, header);
    std::vector<bool> clock;
    std::stringstream hs(header);
    for (std::string col; std::getline(hs, col, ',');) clock.push_back(col == "wall_s" || col == "steps_per_s");
    while (std::getline(in, line)) {
      std::stringstream ls(line);
      size_t i = 0;
      for (std::string cell; std::getline(ls, cell, ','); ++i)
        if (i >= clock.size() || !clock[i]) out += cell + ",";
      out += "\n";
    }
    return out;
  };
  std::string runs[2];
  for (const int threads : {1, 2}) {
    runs[threads - 1] = dir.file("run" + std::to_string(threads));
    const auto r = run_torchplay(
        "train dqn --env CartPole-v1 --steps 3000 --learning-starts 200 --eval-every 1000 "
        "--final-eval-episodes 3 --seed 4 --quiet --json --threads " +
        std::to_string(threads) + " --run-dir " + runs[threads - 1]);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  const std::string one = metrics_without_clock(runs[0]);
  EXPECT_GT(std::count(one.begin(), one.end(), '\n'), 10);
  EXPECT_EQ(one, metrics_without_clock(runs[1]));
  std::ifstream config(runs[1] + "/config.ini");
  const std::string text((std::istreambuf_iterator<char>(config)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("1 intra-op (LibTorch/OpenMP)"), std::string::npos) << text;
  EXPECT_NE(text.find("--threads 2 kept one intra-op thread"), std::string::npos) << text;
}
