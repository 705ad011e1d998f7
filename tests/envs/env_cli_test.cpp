// The env-facing CLI commands: `torchplay envs` lists every registered env with its spaces,
// `torchplay bench --what envs|vecenv` measures them (tiny durations here: no speed asserts).
#include <gtest/gtest.h>

#include "../test_util.h"
#include "core/json.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

TEST(EnvCli, EnvsListsEveryEnvWithSpaces) {
  const auto r = test::run_torchplay("envs");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const auto& id : make_env_registry().ids()) EXPECT_NE(r.output.find(id), std::string::npos) << id;
  EXPECT_NE(r.output.find("Box(0, 1, (4, 10, 10), float32)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("time limit none"), std::string::npos);
  // Continuous-action envs show their action box, not Discrete(0).
  EXPECT_NE(r.output.find("action Box(-2, 2, (1,), float32), time limit 200"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("action Box(-1, 1, (1,), float32), time limit 999"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Discrete(0)"), std::string::npos) << r.output;
}

TEST(EnvCli, BenchMeasuresContinuousActionEnvs) {
  const auto r =
      test::run_torchplay("bench --what all --env Pendulum-v1 --seconds 0.02 --num-envs 4 --vec-threads 1,2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string out = r.output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const Json j = Json::parse(out.substr(out.rfind('\n') + 1));
  EXPECT_GT(j.at("steps_per_second").at("Pendulum-v1").get<double>(), 0);
  EXPECT_GT(j.at("vec_env_steps_per_second").at("Pendulum-v1 x4 threads=2").get<double>(), 0);
}

TEST(EnvCli, BenchReportsSingleAndVecEnvFigures) {
  const auto r = test::run_torchplay(
      "bench --what all --env MinAtar/Breakout-v1 --seconds 0.02 --num-envs 4 --vec-threads 1,2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The JSON result is the last line.
  std::string out = r.output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const Json j = Json::parse(out.substr(out.rfind('\n') + 1));
  EXPECT_GT(j.at("steps_per_second").at("MinAtar/Breakout-v1").get<double>(), 0);
  EXPECT_GT(j.at("steps_per_cpu_second").at("MinAtar/Breakout-v1").get<double>(), 0);
  EXPECT_GT(j.at("vec_env_steps_per_second").at("MinAtar/Breakout-v1 x4 threads=2").get<double>(), 0);
}

TEST(EnvCli, BenchRejectsBadOptions) {
  EXPECT_EQ(test::run_torchplay("bench --what nothing").exit_code, 2);
  EXPECT_EQ(test::run_torchplay("bench --env NoSuchEnv-v0").exit_code, 2);
  EXPECT_EQ(test::run_torchplay("bench --what vecenv --vec-threads 0").exit_code, 2);
}

}  // namespace
}  // namespace tp::envs
