// Go rules speed: random playouts (eye-preserving random moves to two passes) from the
// empty board, reported as playouts/s (items_per_second) and moves/s; plus legal-move
// generation on a mid-game position.
#include <benchmark/benchmark.h>

#include "core/rng.h"
#include "envs/games/go/go_playout.h"
#include "envs/games/go/go_state.h"

namespace {

using namespace tp::envs::go;

void BM_GoRandomPlayout(benchmark::State& bs) {
  GoParams p;
  p.size = static_cast<int>(bs.range(0));
  const GoState empty(p);
  GoState s(p);
  tp::Rng rng(1);
  RandomMovePicker picker;
  int64_t moves = 0;
  for (auto _ : bs) {
    s.assign_from(empty);
    moves += random_playout(s, rng, picker);
    benchmark::DoNotOptimize(s.score());
  }
  bs.SetItemsProcessed(bs.iterations());
  bs.counters["moves_per_second"] = benchmark::Counter(static_cast<double>(moves), benchmark::Counter::kIsRate);
  bs.counters["moves_per_playout"] = static_cast<double>(moves) / static_cast<double>(bs.iterations());
}
BENCHMARK(BM_GoRandomPlayout)->Arg(9)->Arg(19)->Unit(benchmark::kMicrosecond);

void BM_GoLegalActions(benchmark::State& bs) {
  GoState s;
  tp::Rng rng(2);
  RandomMovePicker picker;
  for (int i = 0; i < 40; ++i) s.apply(picker.pick(s, rng));
  std::vector<tp::envs::Action> out;
  for (auto _ : bs) {
    s.legal_actions_into(out);
    benchmark::DoNotOptimize(out.data());
  }
  bs.SetItemsProcessed(bs.iterations());
}
BENCHMARK(BM_GoLegalActions);

}  // namespace

BENCHMARK_MAIN();
