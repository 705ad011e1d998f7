// `torchplay bench`'s measurements (envs/throughput.h), called directly for a short time.
#include "envs/throughput.h"

#include <gtest/gtest.h>

#include "envs/registry.h"

namespace tp::envs {
namespace {

TEST(Throughput, SingleEnvRunsForTheTimeAskedAndCountsItsSteps) {
  const auto reg = make_env_registry();
  auto env = reg.make("CartPole-v1");
  const StepRate r = env_step_rate(*env, 0.05, 1);
  ASSERT_GE(r.steps, 4096);
  EXPECT_EQ(r.steps % 4096, 0);  // whole blocks
  ASSERT_GT(r.per_second, 0.0);
  EXPECT_GE(static_cast<double>(r.steps) / r.per_second, 0.05);  // the measured time
  // The thread's CPU time is at most the wall-clock time.
  EXPECT_GE(r.per_cpu_second, 0.99 * r.per_second);
}

TEST(Throughput, EveryRegisteredEnvIsMeasured) {
  // `torchplay bench --what envs` measures every registered env, continuous-action ones too.
  const auto reg = make_env_registry();
  for (const auto& id : reg.ids()) {
    auto env = reg.make(id);
    EXPECT_GE(env_step_rate(*env, 0.001, 1).steps, 4096) << id;
  }
}

TEST(Throughput, VecEnvStepsEveryCopy) {
  const auto reg = make_env_registry();
  for (const char* id : {"CartPole-v1", "Pendulum-v1"}) {
    auto proto = reg.make(id);
    for (int threads : {1, 2})
      EXPECT_GT(vec_env_steps_per_second(*proto, 8, threads, 0.02, 1), 0.0) << id << " threads " << threads;
  }
}

}  // namespace
}  // namespace tp::envs
