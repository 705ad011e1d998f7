// Policy-gradient throughput (issue 14): rollout collection alone, one update alone, and whole
// PPO iterations (rollout + update: the training frames/s that `train ppo` reaches), on the
// CartPole-v1 and MinAtar presets; one LibTorch thread, as `train ppo` uses.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <memory>

#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/rollout.h"
#include "agents/policy_gradient/updates.h"
#include "core/runtime.h"
#include "envs/registry.h"
#include "nets/optimizer.h"

namespace {

namespace pg = tp::agents::pg;

struct Setup {
  pg::PgOptions options;
  tp::nets::ActorCritic net{nullptr};
  std::unique_ptr<pg::RolloutCollector> collector;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
};

std::unique_ptr<Setup> make(const std::string& env_id) {
  tp::set_compute_threads(1);
  tp::keep_freed_buffers();
  torch::manual_seed(1);
  const auto registry = tp::envs::make_env_registry();
  if (!registry.contains(env_id)) return nullptr;
  const auto env = registry.make(env_id);
  auto s = std::make_unique<Setup>();
  s->options = pg::PgOptions::preset(pg::kPpo, env_id);
  s->net = tp::nets::ActorCritic(s->options.network_options(*env));
  s->collector = std::make_unique<pg::RolloutCollector>(*env, s->options, 1);
  s->optimizer = tp::nets::make_optimizer(s->net->parameters(), s->options.optimizer_options());
  return s;
}

void rate(benchmark::State& state, int64_t frames_per_iteration) {
  state.SetItemsProcessed(state.iterations() * frames_per_iteration);
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * frames_per_iteration), benchmark::Counter::kIsRate);
}

void rollout(benchmark::State& state, const std::string& env_id) {
  auto s = make(env_id);
  if (!s) return state.SkipWithError((env_id + " is not registered").c_str());
  for (auto _ : state) benchmark::DoNotOptimize(s->collector->collect(s->net).rewards.data_ptr<float>());
  rate(state, s->options.batch_size());
}

void update(benchmark::State& state, const std::string& env_id) {
  auto s = make(env_id);
  if (!s) return state.SkipWithError((env_id + " is not registered").c_str());
  const pg::Rollout r = s->collector->collect(s->net);
  for (auto _ : state) benchmark::DoNotOptimize(pg::ppo_update(s->net, *s->optimizer, r, s->options, 0.2).policy_loss);
  rate(state, s->options.batch_size());  // frames of the rollout the update learns from
}

void iteration(benchmark::State& state, const std::string& env_id) {
  auto s = make(env_id);
  if (!s) return state.SkipWithError((env_id + " is not registered").c_str());
  for (auto _ : state) {
    const pg::Rollout r = s->collector->collect(s->net);
    benchmark::DoNotOptimize(pg::ppo_update(s->net, *s->optimizer, r, s->options, 0.2).policy_loss);
  }
  rate(state, s->options.batch_size());
}

void BM_PgRolloutCartPole(benchmark::State& state) { rollout(state, "CartPole-v1"); }
void BM_PpoUpdateCartPole(benchmark::State& state) { update(state, "CartPole-v1"); }
void BM_PpoIterationCartPole(benchmark::State& state) { iteration(state, "CartPole-v1"); }
void BM_PgRolloutMinAtar(benchmark::State& state) { rollout(state, "MinAtar/Breakout-v1"); }
void BM_PpoUpdateMinAtar(benchmark::State& state) { update(state, "MinAtar/Breakout-v1"); }
void BM_PpoIterationMinAtar(benchmark::State& state) { iteration(state, "MinAtar/Breakout-v1"); }
BENCHMARK(BM_PgRolloutCartPole)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_PpoUpdateCartPole)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_PpoIterationCartPole)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_PgRolloutMinAtar)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_PpoUpdateMinAtar)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_PpoIterationMinAtar)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
