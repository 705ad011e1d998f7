// The residual tower and the network evaluator (batched = one at a time).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <numeric>

#include "agents/alphazero/model.h"
#include "agents/alphazero/network_evaluator.h"
#include "agents/alphazero/options.h"
#include "core/error.h"
#include "core/rng.h"
#include "envs/games/game_registry.h"
#include "nets/residual_tower.h"

namespace tp::agents {
namespace {

TEST(ResidualTower, ShapesRangeAndSignature) {
  torch::manual_seed(1);
  nets::ResidualTower net(nets::ResidualTowerOptions(3, 6, 7, 7).blocks(2).filters(16).value_hidden(8));
  net->eval();
  auto [logits, v] = net->forward(torch::randn({5, 3, 6, 7}));
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{5, 7}));
  EXPECT_EQ(v.sizes(), (std::vector<int64_t>{5}));
  EXPECT_LE(v.abs().max().item<float>(), 1.f);
  EXPECT_EQ(net->signature(), "resnet:3x6x7-b2-f16-p2-v1x8-a7");
  // Blocks: two 3x3 convs + two BNs each; heads as in AlphaGo Zero.
  int convs = 0, linears = 0;
  for (const auto& m : net->modules(false)) {
    convs += m->as<torch::nn::Conv2d>() != nullptr;
    linears += m->as<torch::nn::Linear>() != nullptr;
  }
  EXPECT_EQ(convs, 1 + 2 * 2 + 2);
  EXPECT_EQ(linears, 3);
  EXPECT_THROW(nets::ResidualTower(nets::ResidualTowerOptions(3, 6, 7, 7).filters(0)), UsageError);
}

TEST(NetworkEvaluator, BatchedEqualsOneAtATimeAndPriorsAreDistributions) {
  torch::manual_seed(2);
  const auto registry = envs::make_game_registry();
  auto initial = registry.make("connect4");
  AlphaZeroOptions o = AlphaZeroOptions::preset("connect4");
  o.blocks = 2;
  o.filters = 16;
  auto net = make_alphazero_net(initial->info(), o);
  NetworkEvaluator batched(net, initial->info(), torch::kCPU, 8);  // 20 states: split into 8+8+4
  NetworkEvaluator single(net, initial->info(), torch::kCPU, 1);
  std::vector<std::unique_ptr<envs::GameState>> states;
  Rng rng(3);
  for (int i = 0; i < 20; ++i) {
    auto s = initial->clone();
    for (int k = 0; k < i % 9; ++k) {
      const auto legal = s->legal_actions();
      s->apply(legal[rng.below(legal.size())]);
    }
    states.push_back(std::move(s));
  }
  std::vector<const envs::GameState*> ptrs;
  for (auto& s : states) ptrs.push_back(s.get());
  std::vector<float> p1(20 * 7), v1(20), p2(20 * 7), v2(20);
  batched.evaluate(ptrs.data(), 20, p1.data(), v1.data());
  for (int i = 0; i < 20; ++i) single.evaluate(&ptrs[i], 1, p2.data() + 7 * i, v2.data() + i);
  EXPECT_EQ(batched.batches(), 3);
  EXPECT_EQ(single.batches(), 20);
  for (int i = 0; i < 20; ++i) {
    EXPECT_NEAR(v1[i], v2[i], 1e-4);
    EXPECT_NEAR(std::accumulate(p1.begin() + 7 * i, p1.begin() + 7 * i + 7, 0.f), 1.f, 1e-5);
    for (int a = 0; a < 7; ++a) EXPECT_NEAR(p1[7 * i + a], p2[7 * i + a], 1e-4);
  }
}

}  // namespace
}  // namespace tp::agents
