// --device through the real CLI: the commands that run a network take it (cpu here; cuda
// only where LibTorch has CUDA), the network-free ones refuse it as an unknown option.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/runtime.h"
#include "tests/test_util.h"

namespace tp {
namespace {

using test::count_lines;
using test::run_torchplay;

Json last_json(const std::string& output) {
  auto end = output.find_last_not_of('\n');
  auto start = output.rfind('\n', end);
  const size_t from = start == std::string::npos ? 0 : start + 1;
  return Json::parse(output.substr(from, end - from + 1));
}

TEST(DeviceOption, CudaWithoutCudaIsAOneLineError) {
  if (cuda_available()) GTEST_SKIP() << "this LibTorch has CUDA";
  test::TempDir dir;
  for (const std::string& cmd : std::vector<std::string>{
           "train dqn --env CartPole-v1 --steps 10 --quiet --device cuda",
           "train vae --data ring8 --quiet --device cuda", "eval --model " + dir.file("none") + " --device cuda",
           "generate --model " + dir.file("none") + " --device cuda",
           "eval --env CartPole-v1 --agent random --episodes 1 --device cuda:0"}) {
    const auto r = run_torchplay(cmd + " --run-dir " + dir.file("run"));
    EXPECT_EQ(r.exit_code, 1) << cmd << ": " << r.output;
    EXPECT_EQ(count_lines(r.output), 1) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find("CUDA is not available"), std::string::npos) << cmd << ": " << r.output;
  }
}

TEST(DeviceOption, NetworkFreeCommandsRefuseIt) {
  for (const std::string cmd : {"bench --device cpu", "match --device cuda", "envs --device cpu"}) {
    const auto r = run_torchplay(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.output;
    EXPECT_EQ(count_lines(r.output), 1) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find("device"), std::string::npos) << cmd << ": " << r.output;
  }
  const auto help = run_torchplay("bench --help");
  EXPECT_EQ(help.output.find("--device"), std::string::npos) << help.output;
}

// --device cpu is the default spelled out: the same figures as without it.
TEST(DeviceOption, CpuTrainsEvaluatesAndGenerates) {
  test::TempDir dir;
  const std::string dqn =
      "train dqn --env CartPole-v1 --steps 600 --learning-starts 200 --eval-every 0 --final-eval-episodes 3 --quiet "
      "--json --run-dir ";
  auto r = run_torchplay(dqn + dir.file("dqn_cpu") + " --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json on_cpu = last_json(r.output);
  r = run_torchplay(dqn + dir.file("dqn_default"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(last_json(r.output).at("final_eval_mean").get<double>(), on_cpu.at("final_eval_mean").get<double>());
  r = run_torchplay("eval --env CartPole-v1 --episodes 3 --quiet --json --device cpu --agent " +
                    on_cpu.at("checkpoint").get<std::string>());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_DOUBLE_EQ(last_json(r.output).at("return_mean").get<double>(), on_cpu.at("final_eval_mean").get<double>());
  // A run directory stands for its newest checkpoint.
  r = run_torchplay("eval --env CartPole-v1 --episodes 3 --quiet --json --agent " + dir.file("dqn_cpu"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_DOUBLE_EQ(last_json(r.output).at("return_mean").get<double>(), on_cpu.at("final_eval_mean").get<double>());

  const std::string gan =
      "train gan --data ring8 --epochs 1 --synthetic-size 256 --g-hidden 16 --d-hidden 16 --threads 1 --quiet --json "
      "--run-dir " +
      dir.file("gan");
  r = run_torchplay(gan + " --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json trained = last_json(r.output);
  r = run_torchplay("generate --model " + dir.file("gan") + " --n 50 --quiet --device cpu --out " +
                    dir.file("pts.png"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_torchplay("eval --model " + dir.file("gan") + " --seed 24301 --json --quiet --device cpu");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(last_json(r.output).at("modes").get<int64_t>(), trained.at("modes").get<int64_t>());
}

}  // namespace
}  // namespace tp
