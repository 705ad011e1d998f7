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

// A trainer after `warm_steps` steps. With trained = false learning starts at once and epsilon
// is at its final value from the start; with trained = true the preset's schedule runs
// (the paper's: learning from frame 5,000, epsilon 0.1 from frame 100,000).
std::unique_ptr<DqnTrainer> make(const std::string& env_id, int64_t warm_steps, bool trained = false) {
  tp::set_compute_threads(1);  // one LibTorch and one OpenBLAS thread
  tp::keep_freed_buffers();    // as every torchplay command does
  torch::manual_seed(1);
  const auto registry = tp::envs::make_env_registry();
  auto env = registry.make(env_id);
  DqnOptions o = DqnOptions::preset(env_id);
  o.steps = 100'000'000;
  if (!trained) {
    o.learning_starts = warm_steps;
    o.epsilon_decay_steps = 0;  // final epsilon: the network acts on most steps
  }
  auto t = std::make_unique<DqnTrainer>(o, std::move(env), 1);
  while (t->steps() < warm_steps + 1) t->step();
  return t;
}

void train_steps(benchmark::State& state, const std::string& env_id, int64_t warm_steps = 1000, bool trained = false) {
  auto t = make(env_id, warm_steps, trained);
  for (auto _ : state) t->step();
  state.SetItemsProcessed(state.iterations());
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["updates_per_step"] =
      static_cast<double>(t->updates() - (trained ? warm_steps - t->options().learning_starts : 0)) /
      static_cast<double>(std::max<int64_t>(1, t->steps() - warm_steps));
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

// The same after 100k frames of training with the paper's settings. At initialization about
// half of the conv's ReLU'd outputs are nonzero, so the first Linear layer runs as a BLAS
// product; by 100k frames they are 5-10% nonzero and it runs on the nonzeros (nets/dense_q.h),
// as it does for the rest of a 5M-frame run. The warm-up takes 1-2 minutes.
void BM_DqnTrainMinAtarAfter100kFrames(benchmark::State& state) {
  const auto registry = tp::envs::make_env_registry();
  if (!registry.contains("MinAtar/Breakout-v1")) {
    state.SkipWithError("MinAtar/Breakout-v1 is not registered in this build");
    return;
  }
  train_steps(state, "MinAtar/Breakout-v1", 100'000, /*trained=*/true);
}
BENCHMARK(BM_DqnTrainMinAtarAfter100kFrames)->Unit(benchmark::kMicrosecond)->Iterations(20'000);

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
