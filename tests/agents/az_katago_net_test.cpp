// KataGo's network additions (Wu 2019): global pooling in the tower, and the ownership and
// score targets that self-play records for games scored by area and the window augments.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <numeric>
#include <set>

#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/evaluator.h"
#include "agents/alphazero/replay_window.h"
#include "core/rng.h"
#include "envs/games/game_registry.h"
#include "nets/residual_tower.h"

namespace tp::agents {
namespace {

// Ownership logit of the far corner (8, 8) before and after the input at (0, 0) changes.
std::pair<float, float> far_corner_response(nets::ResidualTower& net) {
  net->eval();
  auto x = torch::rand({1, 2, 9, 9});
  const auto before = net->forward_all(x).ownership_logits[0][80].item<float>();
  x[0][0][0][0] += 5.f;
  x[0][1][0][0] -= 5.f;
  const auto after = net->forward_all(x).ownership_logits[0][80].item<float>();
  return {before, after};
}

// One plain block over the input convolution sees 3 cells away, so a corner cannot reach the
// opposite corner of a 9x9 board; one global-pooling block sees the whole board.
TEST(ResidualTower, GlobalPoolingSeesTheWholeBoardInOneBlock) {
  torch::manual_seed(4);
  auto options = nets::ResidualTowerOptions(2, 9, 9, 82).blocks(1).filters(8).value_hidden(8).auxiliary_heads(true);
  nets::ResidualTower local(options);
  const auto [local_before, local_after] = far_corner_response(local);
  EXPECT_FLOAT_EQ(local_before, local_after);
  nets::ResidualTower pooled(options.global_pooling_every(1));
  const auto [pooled_before, pooled_after] = far_corner_response(pooled);
  EXPECT_GT(std::abs(pooled_before - pooled_after), 1e-4f);

  const auto out = pooled->forward_all(torch::randn({3, 2, 9, 9}));
  EXPECT_EQ(out.policy_logits.sizes(), (std::vector<int64_t>{3, 82}));
  EXPECT_EQ(out.ownership_logits.sizes(), (std::vector<int64_t>{3, 81}));
  EXPECT_EQ(out.score.sizes(), (std::vector<int64_t>{3}));
  EXPECT_EQ(pooled->signature(), "resnet:2x9x9-b1-f8-p2-v1x8-a82-g1-aux");
  auto [logits, value] = pooled->forward(torch::randn({3, 2, 9, 9}));  // search skips the extra heads
  EXPECT_EQ(value.sizes(), (std::vector<int64_t>{3}));
  // Blocks 2 and 4 of 4 pool; the first is plain.
  nets::ResidualTower every_second(
      nets::ResidualTowerOptions(2, 9, 9, 82).blocks(4).filters(8).global_pooling_every(2));
  int pooling = 0;
  for (const auto& m : every_second->modules(false)) pooling += m->as<nets::GlobalPoolingBlockImpl>() != nullptr;
  EXPECT_EQ(pooling, 2);
  EXPECT_FALSE(nets::ResidualTower(options.auxiliary_heads(false).global_pooling_every(0))
                   ->forward_all(torch::randn({1, 2, 9, 9}))
                   .ownership_logits.defined());
}

// Self-play on 5x5 Go records each cell's final owner from the mover's view, and a score that
// agrees with the game's own result once komi is counted.
TEST(SelfPlay, GoPositionsCarryOwnershipAndScoreFromTheMoversView) {
  const auto initial = envs::make_game_registry().make("go", "size=5,komi=0.5");
  UniformEvaluator uniform;
  BatchedSearch search;
  search.evaluator = &uniform;
  search.options.simulations = 4;
  BatchedPlayOptions opt;
  opt.games = 1;                // one game per call, so positions are that game's plies in order
  opt.temperature_moves = 100;  // varied games
  size_t plies = 0;
  for (uint64_t seed : {7, 8, 9}) {
    const BatchedPlayResult result = self_play(*initial, search, opt, seed);
    const size_t n = result.games.at(0).moves.size();
    plies += n;
    ASSERT_EQ(result.positions.size(), n);
    for (size_t i = 0; i < n; ++i) {
      const TrainingPosition& p = result.positions[i];
      ASSERT_EQ(p.ownership.size(), 25u);
      for (float o : p.ownership) EXPECT_TRUE(o == -1.f || o == 0.f || o == 1.f) << o;
      const float margin = std::accumulate(p.ownership.begin(), p.ownership.end(), 0.f);
      EXPECT_FLOAT_EQ(p.score, margin / 25.f);
      const int player = static_cast<int>(i % 2);  // Black moves first; every ply alternates
      const float komi_for_player = player == 0 ? -0.5f : 0.5f;
      EXPECT_EQ(p.z, (margin + komi_for_player) > 0 ? 1.f : -1.f) << "seed " << seed << " ply " << i;
      if (i + 1 == n) continue;
      for (int c = 0; c < 25; ++c) EXPECT_EQ(p.ownership[c], -result.positions[i + 1].ownership[c]);
    }
  }
  EXPECT_GT(plies, 30u);  // real games, not two passes
  // Games scored otherwise carry none.
  const auto c4 = envs::make_game_registry().make("connect4");
  EXPECT_TRUE(self_play(*c4, search, opt, 7).positions.at(0).ownership.empty());
}

// The window maps ownership through the symmetry that maps the planes and the policy.
TEST(ReplayWindow, OwnershipTransformsWithThePlanes) {
  const auto game = envs::make_game_registry().make("go", "size=5");
  const envs::GameInfo& info = game->info();
  const int plane_floats = info.num_planes * 25;
  ReplayWindow w(4, plane_floats, info.num_actions, 25);
  TrainingPosition p;
  p.planes.assign(plane_floats, 0.f);
  p.policy.assign(info.num_actions, 0.f);
  p.ownership.assign(25, -1.f);
  const int cell = 1;  // (0, 1): its eight images are eight different cells
  p.planes[cell] = 1.f;
  p.ownership[cell] = 1.f;
  p.score = 0.25f;
  w.add(p);
  TrainingPosition bare = p;
  bare.ownership.clear();
  EXPECT_ANY_THROW(w.add(bare));
  Rng rng(2);
  const int batch = 64;
  std::vector<float> planes(batch * plane_floats), policy(batch * info.num_actions), z(batch), own(batch * 25),
      score(batch);
  w.sample(batch, *game, rng, {planes.data(), policy.data(), z.data(), own.data(), score.data()});
  std::set<int> images;
  for (int b = 0; b < batch; ++b) {
    int stone = -1, owned = -1;
    for (int c = 0; c < 25; ++c) {
      if (planes[b * plane_floats + c] == 1.f) stone = c;
      if (own[b * 25 + c] == 1.f) owned = c;
    }
    EXPECT_EQ(stone, owned);
    EXPECT_FLOAT_EQ(score[b], 0.25f);
    images.insert(owned);
  }
  EXPECT_EQ(images.size(), 8u);
}

}  // namespace
}  // namespace tp::agents
