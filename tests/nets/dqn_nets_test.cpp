// Q networks: shapes, the dueling aggregation, signatures and the spec round trip.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "nets/q_networks.h"

using tp::nets::QNetwork;
using tp::nets::QNetworkOptions;

namespace {
QNetworkOptions opts(const std::string& torso, std::vector<int64_t> shape, int64_t actions, bool dueling) {
  QNetworkOptions o;
  o.torso = torso;
  o.input_shape = std::move(shape);
  o.num_actions = actions;
  o.dueling = dueling;
  return o;
}
int64_t count_params(QNetwork& net) {
  int64_t n = 0;
  for (auto& p : net->parameters()) n += p.numel();
  return n;
}
}  // namespace

TEST(DqnNets, MinAtarNetworkIsTheAuthorsArchitecture) {
  QNetwork net(opts("minatar", {4, 10, 10}, 6, false));
  EXPECT_EQ(net->forward(torch::zeros({5, 4, 10, 10})).sizes(), (std::vector<int64_t>{5, 6}));
  // conv 4->16 3x3 (+bias), 16*8*8 -> 128, 128 -> 6 (MinAtar examples/dqn.py QNetwork).
  EXPECT_EQ(count_params(net), (4 * 16 * 9 + 16) + (1024 * 128 + 128) + (128 * 6 + 6));
  EXPECT_EQ(net->signature(), "q:minatar:4x10x10:16c3-128:linear:6");
}

TEST(DqnNets, NatureNetworkOn84x84) {
  QNetwork net(opts("nature", {4, 84, 84}, 18, false));
  EXPECT_EQ(net->forward(torch::zeros({2, 4, 84, 84})).sizes(), (std::vector<int64_t>{2, 18}));
  // 32 8x8/4, 64 4x4/2, 64 3x3/1 -> 7x7x64 = 3136 -> 512 -> 18 (Mnih et al. 2015).
  EXPECT_EQ(count_params(net),
            (4 * 32 * 64 + 32) + (32 * 64 * 16 + 64) + (64 * 64 * 9 + 64) + (3136 * 512 + 512) + (512 * 18 + 18));
}

TEST(DqnNets, MlpAndDuelingHead) {
  QNetworkOptions o = opts("mlp", {4}, 3, true);
  o.hidden = {16, 8};
  QNetwork net(o);
  const auto x = torch::randn({7, 4});
  const auto q = net->forward(x);
  EXPECT_EQ(q.sizes(), (std::vector<int64_t>{7, 3}));
  // Q = V + A - mean(A): the mean over actions of Q equals V.
  auto params = net->named_parameters();
  torch::NoGradGuard ng;
  // Recompute the torso features through the module tree and compare with the heads.
  auto children = net->named_children();
  auto features = children["torso"]->as<torch::nn::Sequential>()->forward(x);
  auto v = torch::linear(features, params["value_head.weight"], params["value_head.bias"]);
  EXPECT_TRUE(torch::allclose(q.mean(1, true), v, 1e-5, 1e-6));
  EXPECT_EQ(net->signature(), "q:mlp:4:16-8-relu:dueling:3");
}

TEST(DqnNets, SpecRoundTripAndErrors) {
  QNetworkOptions o = opts("mlp", {4}, 2, true);
  o.hidden = {128, 64};
  o.activation = "tanh";
  const auto back = tp::nets::q_network_options_from_spec(tp::nets::to_spec(o));
  EXPECT_EQ(QNetwork(back)->signature(), QNetwork(o)->signature());
  EXPECT_THROW(tp::nets::q_network_options_from_spec("torso=mlp;shape=x"), tp::Error);
  EXPECT_THROW(QNetwork(opts("resnet", {4}, 2, false)), tp::UsageError);
  EXPECT_THROW(QNetwork(opts("minatar", {4}, 2, false)), tp::UsageError);
}
