// Go rules speed: random playouts (eye-preserving random moves to two passes) from the
// empty board, reported as playouts/s (items_per_second) and moves/s; plus legal-move
// generation on a mid-game position; AlphaGo's 48 input planes (agents/alphago/features.h)
// on mid-game positions, as positions/s; playouts of AlphaGo's rollout policy
// (agents/alphago/rollout_policy.h) from the empty board, as playouts/s.
#include <benchmark/benchmark.h>

#include <vector>

#include "agents/alphago/features.h"
#include "agents/alphago/rollout_policy.h"
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

// Positions 10, 30 and 50 moves into random 9x9 games: the planes' cost grows with stones
// next to empty points (liberties after the move, ladders).
void BM_AlphaGoFeatures(benchmark::State& bs) {
  tp::Rng rng(3);
  RandomMovePicker picker;
  std::vector<GoState> positions;
  for (int game = 0; game < 8; ++game)
    for (int moves : {10, 30, 50}) {
      GoState s;
      for (int i = 0; i < moves && !s.is_terminal(); ++i) s.apply(picker.pick(s, rng));
      positions.push_back(s);
    }
  using tp::agents::alphago::FeatureSet;
  const int planes = tp::agents::alphago::num_feature_planes(FeatureSet::kFull, false);
  std::vector<float> out(static_cast<size_t>(planes) * 81);
  size_t k = 0;
  for (auto _ : bs) {
    tp::agents::alphago::encode_features(positions[k++ % positions.size()], FeatureSet::kFull, false, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  bs.SetItemsProcessed(bs.iterations());
}
BENCHMARK(BM_AlphaGoFeatures)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();

// The rollout policy's playouts from the empty 9x9 board. Its weights: a random one for every
// key that random games' candidates have (a trained policy has about 10,000 keys; every
// lookup here finds a weight, as in play), so the cost is the features, the lookups and the
// sampling, not the values.
void BM_AlphaGoRolloutPlayout(benchmark::State& bs) {
  using namespace tp::agents::alphago;
  tp::Rng rng(5);
  RolloutPolicy policy;
  std::vector<tp::envs::Action> candidates;
  RolloutPosition pos;
  uint32_t keys[kMaxRolloutKeys];
  for (int game = 0; game < 40; ++game) {
    GoState s;
    while (!s.is_terminal() && s.history().size() < 120) {
      rollout_candidates(s, candidates);
      if (candidates.empty()) break;
      prepare_position(s, pos);
      for (tp::envs::Action a : candidates) {
        const int n = rollout_feature_keys(pos, s.board_point(a), keys);
        for (int k = 0; k < n; ++k) policy.slot_for(keys[k]);
      }
      s.apply(candidates[rng() % candidates.size()]);
    }
  }
  for (float& w : policy.weights()) w = static_cast<float>(rng.uniform(-1, 1));
  const GoState empty;
  for (auto _ : bs) benchmark::DoNotOptimize(policy.playout(empty, rng));
  bs.SetItemsProcessed(bs.iterations());
  bs.counters["keys"] = policy.num_slots();
}
BENCHMARK(BM_AlphaGoRolloutPlayout)->Unit(benchmark::kMillisecond);
