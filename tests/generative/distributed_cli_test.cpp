// Distributed training through the real CLI: ranks as processes on 127.0.0.1, started by
// `torchplay launch` (docs/distributed.md). The oracle for DDP is one process on the whole
// batch; every run also checks that its ranks end bit-identical (replicas_identical).
#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "core/json.h"
#include "core/run_dir.h"
#include "tests/test_util.h"
#include "tests/tiny_mnist.h"

namespace tp {
namespace {

// The `--json` line rank `rank` printed under launch ("[rank R] {...}").
Json rank_json(const std::string& output, int rank) {
  const std::string prefix = "[rank " + std::to_string(rank) + "] {";
  const auto at = output.rfind(prefix);
  if (at == std::string::npos) return Json();
  const auto start = at + prefix.size() - 1;
  return Json::parse(output.substr(start, output.find('\n', start) - start));
}

Json last_json(const std::string& output) {
  auto end = output.find_last_not_of('\n');
  auto start = output.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return Json::parse(output.substr(start, end - start + 1));
}

std::string launch(int nproc, const std::string& command) {
  return "launch --nproc " + std::to_string(nproc) + " -- " + test::torchplay_bin() + " " + command;
}

TEST(DistributedCli, TwoRanksOnHalfBatchesTrainAsOneProcessOnTheWholeBatch) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  // One epoch of 8 steps: a later epoch's batch order differs, as the ranks' noise streams are
  // seeded from the run's generator (nets/data_parallel.h).
  const std::string train =
      "train ae --hidden 16 --epochs 1 --batch-size 8 --threads 1 --seed 3 --quiet --json --data " + dir.path() +
      " --run-dir ";
  auto r = test::run_torchplay(launch(2, train + dir.file("two")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json leader = rank_json(r.output, 0), follower = rank_json(r.output, 1);
  ASSERT_TRUE(leader.is_object() && follower.is_object()) << r.output;
  r = test::run_torchplay(train + dir.file("one"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json one = last_json(r.output);
  for (const Json& rank : {leader, follower}) {
    EXPECT_EQ(rank.at("world_size").get<int>(), 2);
    EXPECT_TRUE(rank.at("replicas_identical").get<bool>());
    EXPECT_GT(rank.at("collective_bytes").get<double>(), 0);
  }
  // The whole batch's loss, and the same network as one process's up to the order floats
  // were summed in: its test reconstruction agrees to 6 digits.
  EXPECT_NEAR(leader.at("loss").get<double>(), one.at("loss").get<double>(), 1e-6 * one.at("loss").get<double>());
  EXPECT_NEAR(leader.at("test_reconstruction").get<double>(), one.at("test_reconstruction").get<double>(),
              1e-6 * one.at("test_reconstruction").get<double>());
  EXPECT_NEAR(leader.at("test_mse").get<double>(), one.at("test_mse").get<double>(), 1e-6);
  EXPECT_EQ(leader.at("steps").get<int>(), one.at("steps").get<int>());
  // Rank 0 alone wrote the run: its metrics have one row per epoch.
  EXPECT_NE(read_file(dir.file("two/config.ini")).find("# distributed: 2 ranks"), std::string::npos);
  const std::string metrics = read_file(dir.file("two/metrics.csv"));
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 2) << metrics;
}

TEST(DistributedCli, InterruptStopsEveryRankAtOneStepAndTheRunResumes) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string run = dir.file("run");
  const std::string train =
      "train dcgan --ngf 8 --ndf 8 --batch-size 16 --threads 1 --quiet --json --data " + dir.path();
  // SIGINT to the launcher once the first checkpoint exists: it reaches both ranks, which
  // agree on the step to stop at; rank 0 writes its checkpoint and all exit 130.
  const std::string script = test::torchplay_bin() + " " + launch(2, train + " --epochs 500 --run-dir " + run) + " > " +
                             dir.file("log") + " 2>&1 & pid=$!; for i in $(seq 600); do ls " + run +
                             "/checkpoints/*.tpck >/dev/null 2>&1 && break; sleep 0.1; done; kill -INT $pid; wait $pid;"
                             " echo launch-exit=$?";
  auto r = test::run_command("sh -c '" + script + "'");
  const std::string log = read_file(dir.file("log"));
  ASSERT_NE(r.output.find("launch-exit=130"), std::string::npos) << r.output << log;
  EXPECT_NE(log.find("[rank 0] interrupted: checkpoint"), std::string::npos) << log;
  const Json leader = rank_json(log, 0), follower = rank_json(log, 1);
  ASSERT_TRUE(leader.is_object() && follower.is_object()) << log;
  EXPECT_TRUE(leader.at("interrupted").get<bool>());
  EXPECT_TRUE(follower.at("interrupted").get<bool>());
  EXPECT_EQ(leader.at("steps").get<int>(), follower.at("steps").get<int>());
  EXPECT_TRUE(leader.at("replicas_identical").get<bool>());
  const int epochs_done = leader.at("epochs").get<int>();
  ASSERT_LT(epochs_done, 500);
  // The run continues from rank 0's checkpoint, which every rank receives from it.
  r = test::run_torchplay(
      launch(2, "train dcgan --resume " + run + " --epochs " + std::to_string(epochs_done + 1) + " --quiet --json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(rank_json(r.output, 0).at("epochs").get<int>(), epochs_done + 1);
  EXPECT_TRUE(rank_json(r.output, 1).at("replicas_identical").get<bool>());
}

TEST(DistributedCli, AKilledRankStopsTheRunAndItsLastCheckpointResumes) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string run = dir.file("run");
  const std::string train =
      "train dcgan --ngf 8 --ndf 8 --batch-size 16 --threads 1 --quiet --json --data " + dir.path();
  // kill -9 of rank 1 (found by its RANK variable) once a checkpoint exists: rank 0 cannot
  // go on without it, launch stops it and exits with rank 1's 128 + 9.
  const std::string script =
      test::torchplay_bin() + " " + launch(2, train + " --epochs 500 --run-dir " + run) + " > " + dir.file("log") +
      " 2>&1 & pid=$!; for i in $(seq 600); do ls " + run +
      "/checkpoints/*.tpck >/dev/null 2>&1 && break; sleep 0.1; done; sleep 0.5; for p in $(pgrep -f -- \"run-dir " +
      run +
      "\"); do tr \"\\000\" \"\\n\" < /proc/$p/environ | grep -qx RANK=1 && kill -9 $p; done; wait $pid;"
      " echo launch-exit=$?";
  auto r = test::run_command("bash -c '" + script + "'");
  const std::string log = read_file(dir.file("log"));
  ASSERT_NE(r.output.find("launch-exit=137"), std::string::npos) << r.output << log;
  EXPECT_NE(log.find("launch: rank 1 exited with code 137"), std::string::npos) << log;
  // The newest checkpoint rank 0 wrote is whole: the run resumes from it, and goes one epoch on.
  std::string newest;
  for (const auto& f : std::filesystem::directory_iterator(run + "/checkpoints"))
    if (f.path().extension() == ".tpck" && f.path().filename().string() > newest) newest = f.path().filename().string();
  ASSERT_FALSE(newest.empty());
  const int epochs_done = std::stoi(newest.substr(5, 12)) / 4;  // ckpt-<step>.tpck, 4 steps an epoch
  r = test::run_torchplay(
      launch(2, "train dcgan --resume " + run + " --epochs " + std::to_string(epochs_done + 1) + " --quiet --json"));
  ASSERT_EQ(r.exit_code, 0) << r.output << log;
  EXPECT_EQ(rank_json(r.output, 0).at("epochs").get<int>(), epochs_done + 1);
}

// PPO as 2 ranks, each stepping half of --num-envs (the envs one process would have), with
// every gradient step the ranks' mean and the observation statistics combined after each
// rollout: it solves CartPole as one process does, and the ranks end bit-identical. A run
// stopped short resumes through launch (the followers take rank 0's normalisers and keep
// their own envs).
TEST(DistributedCli, PpoOnTwoRanksSolvesCartPoleAndResumes) {
  test::TempDir dir;
  auto r = test::run_torchplay(
      launch(2, "train ppo --env CartPole-v1 --seed 1 --quiet --json --run-dir " + dir.file("solve")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json leader = rank_json(r.output, 0), follower = rank_json(r.output, 1);
  ASSERT_TRUE(leader.is_object() && follower.is_object()) << r.output;
  EXPECT_GE(leader.at("final_eval_mean").get<double>(), 475.0) << r.output;
  EXPECT_TRUE(leader.at("replicas_identical").get<bool>());
  EXPECT_TRUE(follower.at("replicas_identical").get<bool>());
  EXPECT_EQ(leader.at("steps").get<int64_t>(), follower.at("steps").get<int64_t>());
  EXPECT_NE(read_file(dir.file("solve/config.ini")).find("# distributed: 2 ranks"), std::string::npos);

  r = test::run_torchplay(
      launch(2, "train ppo --env CartPole-v1 --seed 2 --steps 4096 --quiet --json --run-dir " + dir.file("short")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay(launch(2, "train ppo --resume " + dir.file("short") + " --steps 8192 --quiet --json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(rank_json(r.output, 0).at("steps").get<int64_t>(), rank_json(r.output, 1).at("steps").get<int64_t>());
  EXPECT_GE(rank_json(r.output, 0).at("steps").get<int64_t>(), 8192);
  EXPECT_TRUE(rank_json(r.output, 1).at("replicas_identical").get<bool>());

  // A3C's workers are threads of one process: refused.
  r = test::run_torchplay(launch(2, "train a3c --env CartPole-v1 --steps 1000"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("train a3c cannot run distributed"), std::string::npos) << r.output;
}

TEST(DistributedCli, LaunchPrefixesEachRanksLinesAndExitsWithTheFirstFailure) {
  test::TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  // Rank 1 fails once rank 0 has printed its line (a file says so), while rank 0 sleeps on.
  const std::string said = dir.file("rank0-said-hello");
  auto r = test::run_torchplay(
      "launch --nproc 2 --grace 2 -- sh -c 'echo \"hello from $RANK of $WORLD_SIZE at $MASTER_ADDR\"; "
      "if [ \"$RANK\" = 1 ]; then for i in $(seq 200); do [ -f " +
      said + " ] && break; sleep 0.1; done; exit 3; fi; touch " + said + "; sleep 60'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("[rank 0] hello from 0 of 2 at 127.0.0.1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[rank 1] hello from 1 of 2 at 127.0.0.1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("launch: rank 1 exited with code 3"), std::string::npos) << r.output;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30.0);
  r = test::run_torchplay("launch --nproc 2 echo no dashes");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(DistributedCli, ModelsThatCannotRunDistributedAndBadPlacesAreRefused) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  auto r = test::run_torchplay(
      "train classifier --epochs 1 --world-size 2 --rank 0 --dist-url tcp://127.0.0.1:1 "
      "--data " +
      dir.path() + " --run-dir " + dir.file("c"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("train classifier cannot run distributed"), std::string::npos) << r.output;
  // Trainers that do not run distributed yet refuse to train once per rank.
  r = test::run_torchplay(launch(2, "train dqn --env CartPole-v1 --steps 1000"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("] torchplay: error: train dqn does not run distributed yet (WORLD_SIZE=2 is set)"),
            std::string::npos)
      << r.output;
  r = test::run_torchplay("train ae --epochs 1 --world-size 2 --rank 2 --dist-url tcp://127.0.0.1:1 --data " +
                          dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--rank 2 is outside 0..1"), std::string::npos) << r.output;
  // A rank whose master is not there: one line, within --dist-timeout.
  r = test::run_torchplay(
      "train ae --epochs 1 --world-size 2 --rank 1 --dist-url tcp://127.0.0.1:1 --dist-timeout 1 "
      "--data " +
      dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("torchplay: error: rank 1 cannot reach rank 0 at 127.0.0.1:1 within 1 s"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace tp
