// Raw environment throughput (steps/s), one core: every registered env stepped with random
// actions and its observation written each step (reset on episode end), and VecEnv batches.
//   bench_envs [--benchmark_filter=Breakout]
#include <benchmark/benchmark.h>

#include <vector>

#include "core/rng.h"
#include "envs/random_actions.h"
#include "envs/registry.h"
#include "envs/vec_env.h"

namespace {

using tp::envs::Env;

void single_env(benchmark::State& state, const std::string& id) {
  auto env = tp::envs::make_env_registry().make(id);
  std::vector<float> obs(static_cast<size_t>(env->observation_space().size()));
  tp::Rng rng(1);
  tp::envs::RandomActions actions(*env);
  env->reset(1);
  for (auto _ : state) {
    if (actions.step(*env, rng).done()) env->reset();
    env->observe(obs.data());
    benchmark::DoNotOptimize(obs.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void single_env_bytes(benchmark::State& state, const std::string& id) {
  auto env = tp::envs::make_env_registry().make(id);
  std::vector<uint8_t> obs(static_cast<size_t>(env->observation_space().size()));
  tp::Rng rng(1);
  tp::envs::RandomActions actions(*env);
  env->reset(1);
  for (auto _ : state) {
    if (actions.step(*env, rng).done()) env->reset();
    env->observe_bytes(obs.data());
    benchmark::DoNotOptimize(obs.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// One VecEnv step = num_envs env steps; items/s counts env steps.
void vec_env(benchmark::State& state, const std::string& id) {
  const int num_envs = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  auto proto = tp::envs::make_env_registry().make(id);
  tp::envs::VecEnv vec(*proto, num_envs, threads);
  vec.reset(1);
  tp::Rng rng(1);
  const uint32_t n = static_cast<uint32_t>(vec.action_space().n);
  std::vector<int> actions(static_cast<size_t>(num_envs));
  for (auto _ : state) {
    for (int& a : actions) a = static_cast<int>(rng.below(n));
    vec.step(actions.data());
    benchmark::DoNotOptimize(vec.obs());
  }
  state.SetItemsProcessed(state.iterations() * num_envs);
}

}  // namespace

int main(int argc, char** argv) {
  const auto registry = tp::envs::make_env_registry();
  for (const auto& id : registry.ids()) {
    benchmark::RegisterBenchmark(("env_step/" + id).c_str(), single_env, id);
    const auto env = registry.make(id);
    const auto& space = env->observation_space();
    if (!space.low.empty() && space.low.front() == 0 && space.high.front() == 1)
      benchmark::RegisterBenchmark(("env_step_bytes/" + id).c_str(), single_env_bytes, id);
  }
  for (const char* id : {"CartPole-v1", "MinAtar/Breakout-v1", "MinAtar/Seaquest-v1"})
    benchmark::RegisterBenchmark((std::string("vec_env/") + id).c_str(), vec_env, std::string(id))
        ->Args({64, 1})
        ->Args({64, 2})
        ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
