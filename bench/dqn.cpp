// DQN training throughput: env steps per second including the updates, on the two default
// configurations (CartPole-v1 with the classic-control preset, MinAtar with the paper's
// settings: one update per frame), plus the update alone. Learning starts at once so every
// measured step includes its share of updates; one LibTorch thread, as `train dqn` uses.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "core/runtime.h"

#include "agents/dqn/dqn_options.h"
#include "agents/dqn/dqn_trainer.h"
#include "envs/registry.h"

namespace {
using tp::agents::dqn::DqnOptions;
using tp::agents::dqn::DqnTrainer;

std::unique_ptr<DqnTrainer> make(const std::string& env_id, int64_t warm_steps) {
  tp::set_compute_threads(1);  // one LibTorch and one OpenBLAS thread
  tp::keep_freed_buffers();    // as every torchplay command does
  torch::manual_seed(1);
  const auto registry = tp::envs::make_env_registry();
  auto env = registry.make(env_id);
  DqnOptions o = DqnOptions::preset(env_id);
  o.steps = 100'000'000;
  o.learning_starts = warm_steps;
  o.epsilon_decay_steps = 0;  // final epsilon: the network acts on most steps
  auto t = std::make_unique<DqnTrainer>(o, std::move(env), 1);
  while (t->steps() < warm_steps + 1) t->step();
  return t;
}

void train_steps(benchmark::State& state, const std::string& env_id) {
  auto t = make(env_id, 1000);
  for (auto _ : state) t->step();
  state.SetItemsProcessed(state.iterations());
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["updates_per_step"] =
      static_cast<double>(t->updates()) / static_cast<double>(std::max<int64_t>(1, t->steps() - 1000));
}

void BM_DqnTrainCartPole(benchmark::State& state) { train_steps(state, "CartPole-v1"); }
BENCHMARK(BM_DqnTrainCartPole)->Unit(benchmark::kMicrosecond)->MinTime(3.0);

void BM_DqnTrainMinAtar(benchmark::State& state) {
  const auto registry = tp::envs::make_env_registry();
  if (!registry.contains("MinAtar/Breakout-v1")) {
    state.SkipWithError("MinAtar/Breakout-v1 is not registered in this build");
    return;
  }
  train_steps(state, "MinAtar/Breakout-v1");
}
BENCHMARK(BM_DqnTrainMinAtar)->Unit(benchmark::kMicrosecond)->MinTime(3.0);

// The ceiling for MinAtar: its update is matrix products (41 MFLOP per Breakout update at
// batch 32: two forward passes, one backward; 82% of it in the 1024x128 dense layer). This is
// that layer's product alone, forward shape, one thread: the machine's attainable rate for
// it, so frames/s <= this rate / 41 MFLOP (docs/dqn.md).
void BM_SgemmMinAtarDense(benchmark::State& state) {
  tp::set_compute_threads(1);
  const torch::Tensor x = torch::randn({32, 1024}), w = torch::randn({1024, 128});
  torch::Tensor y = torch::empty({32, 128});
  for (auto _ : state) {
    torch::mm_out(y, x, w);
    benchmark::DoNotOptimize(y.data_ptr<float>());
  }
  const double flop = 2.0 * 32 * 1024 * 128;
  state.counters["GFLOP_per_s"] =
      benchmark::Counter(flop * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SgemmMinAtarDense)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
