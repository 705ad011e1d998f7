// Batched vs one-at-a-time leaf evaluation in AlphaZero self-play, on the default Connect
// Four network (AlphaZeroOptions::preset("connect4"): 5 residual blocks, 32 filters), LibTorch on
// one intra-op thread. The counter sims_per_s is MCTS simulations per second of wall time;
// BM_SelfPlay/parallel:64 against /parallel:1 is the batching speedup (target >= 3x).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "core/runtime.h"

#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/model.h"
#include "agents/alphazero/network_evaluator.h"
#include "agents/alphazero/options.h"
#include "envs/games/game_registry.h"

namespace {

void BM_SelfPlay(benchmark::State& state) {
  tp::set_compute_threads(1);  // one LibTorch and one OpenBLAS thread
  tp::keep_freed_buffers();    // as every torchplay command does
  torch::manual_seed(1);
  const int parallel = static_cast<int>(state.range(0));
  const auto registry = tp::envs::make_game_registry();
  auto initial = registry.make("connect4");
  const tp::agents::AlphaZeroOptions preset = tp::agents::AlphaZeroOptions::preset("connect4");
  auto net = tp::agents::make_alphazero_net(initial->info(), preset);
  tp::agents::NetworkEvaluator evaluator(net, initial->info(), torch::kCPU, parallel);
  tp::agents::BatchedSearch search{&evaluator, {}};
  search.options.simulations = 32;
  search.options.root_noise = true;
  search.options.dirichlet_alpha = initial->info().dirichlet_alpha;
  tp::agents::BatchedPlayOptions opt;
  opt.games = parallel == 1 ? 2 : parallel;  // the same per-game work; one-at-a-time is slow
  opt.parallel = parallel;
  opt.temperature_moves = preset.temperature_moves;
  int64_t sims = 0, evals = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    const auto r = tp::agents::self_play(*initial, search, opt, seed++);
    sims += r.simulations;
    evals += r.evaluations;
  }
  state.counters["sims_per_s"] = benchmark::Counter(static_cast<double>(sims), benchmark::Counter::kIsRate);
  state.counters["evals_per_s"] = benchmark::Counter(static_cast<double>(evals), benchmark::Counter::kIsRate);
  state.counters["batch"] = parallel;
}
BENCHMARK(BM_SelfPlay)
    ->ArgName("parallel")
    ->Arg(1)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
