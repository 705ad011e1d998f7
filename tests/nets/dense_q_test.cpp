// The dense kernel's plan is read off the Q network's own layers: it accepts the relu MLP
// (plain and dueling) and the MinAtar network, declines what it cannot compute, and the
// kernel's forward and backward match LibTorch's on each accepted network.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nets/dense_q.h"
#include "nets/flat_parameters.h"
#include "nets/optimizer.h"
#include "nets/q_networks.h"

using tp::nets::DenseQKernel;
using tp::nets::DenseQPlan;
using tp::nets::QNetwork;
using tp::nets::QNetworkOptions;

namespace {
QNetworkOptions mlp(bool dueling, std::vector<int64_t> shape = {5}) {
  QNetworkOptions o;
  o.torso = "mlp";
  o.input_shape = std::move(shape);
  o.num_actions = 3;
  o.hidden = {16, 8};
  o.dueling = dueling;
  return o;
}
QNetworkOptions minatar(bool dueling) {
  QNetworkOptions o;
  o.torso = "minatar";
  o.input_shape = {4, 10, 10};
  o.num_actions = 6;
  o.dueling = dueling;
  return o;
}
std::vector<int64_t> batch_shape(int64_t n, const std::vector<int64_t>& shape) {
  std::vector<int64_t> s{n};
  s.insert(s.end(), shape.begin(), shape.end());
  return s;
}
std::string declined(const QNetworkOptions& o) {
  QNetwork net(o);
  std::string why;
  EXPECT_FALSE(DenseQPlan::from(*net, &why).has_value()) << "accepted " << net->signature();
  return why;
}
}  // namespace

TEST(DenseQPlan, ReadsTheMlpLayers) {
  for (const bool dueling : {false, true}) {
    QNetwork net(mlp(dueling));
    std::string why;
    const auto plan = DenseQPlan::from(*net, &why);
    ASSERT_TRUE(plan.has_value()) << why;
    EXPECT_FALSE(plan->conv.has_value());
    EXPECT_EQ(plan->dueling, dueling);
    EXPECT_EQ(plan->input_size, 5);
    EXPECT_EQ(plan->actions, 3);
    EXPECT_EQ(plan->parameters, net->parameters().size());
    // Linear(5, 16) relu, Linear(16, 8) relu, then the head: Linear(8, 3), or V and A on 8 features.
    std::vector<std::tuple<int64_t, int64_t, bool>> layers;
    for (const auto& l : plan->dense) layers.emplace_back(l.fan_in, l.fan_out, l.relu);
    std::vector<std::tuple<int64_t, int64_t, bool>> expected{{5, 16, true}, {16, 8, true}};
    if (!dueling) expected.emplace_back(8, 3, false);
    EXPECT_EQ(layers, expected);
    if (dueling) {
      EXPECT_EQ(std::make_pair(plan->value.fan_in, plan->value.fan_out), std::make_pair(int64_t{8}, int64_t{1}));
      EXPECT_EQ(std::make_pair(plan->advantage.fan_in, plan->advantage.fan_out),
                std::make_pair(int64_t{8}, int64_t{3}));
      EXPECT_FALSE(plan->value.relu || plan->advantage.relu);
    }
  }
}

TEST(DenseQPlan, ReadsTheMinAtarLayers) {
  QNetwork net(minatar(false));
  std::string why;
  const auto plan = DenseQPlan::from(*net, &why);
  ASSERT_TRUE(plan.has_value()) << why;
  ASSERT_TRUE(plan->conv.has_value());
  const DenseQPlan::Conv& c = *plan->conv;
  EXPECT_EQ((std::vector<int64_t>{c.channels, c.height, c.width, c.kernel_h, c.kernel_w, c.out_h, c.out_w}),
            (std::vector<int64_t>{4, 10, 10, 3, 3, 8, 8}));
  EXPECT_EQ(c.layer.fan_in, 4 * 3 * 3);
  EXPECT_EQ(c.layer.fan_out, 16);
  EXPECT_TRUE(c.layer.relu);
  ASSERT_EQ(plan->dense.size(), 2u);
  EXPECT_EQ(plan->dense[0].fan_in, 16 * 8 * 8);
  EXPECT_EQ(plan->dense[0].fan_out, 128);
  EXPECT_TRUE(plan->dense[0].relu);
  EXPECT_EQ(plan->dense[1].fan_out, 6);
  EXPECT_FALSE(plan->dense[1].relu);
  EXPECT_TRUE(DenseQPlan::from(*QNetwork(minatar(true))).has_value());
}

TEST(DenseQPlan, DeclinesWhatTheKernelDoesNotCompute) {
  QNetworkOptions tanh = mlp(false);
  tanh.activation = "tanh";
  EXPECT_NE(declined(tanh).find("Tanh"), std::string::npos) << declined(tanh);
  QNetworkOptions leaky = mlp(true);
  leaky.activation = "leaky_relu";
  EXPECT_NE(declined(leaky).find("LeakyReLU"), std::string::npos) << declined(leaky);
  QNetworkOptions nature;
  nature.torso = "nature";
  nature.input_shape = {4, 84, 84};
  nature.num_actions = 4;
  EXPECT_NE(declined(nature).find("strided convolution"), std::string::npos) << declined(nature);
  // A network on another device or dtype: the kernel reads float32 CPU memory.
  QNetwork doubles(mlp(false));
  doubles->to(torch::kFloat64);
  std::string why;
  EXPECT_FALSE(DenseQPlan::from(*doubles, &why).has_value());
  EXPECT_NE(why.find("float32"), std::string::npos) << why;
}

// Forward and backward against autograd, with a dL/dQ on every action (the DQN loss has one
// per row; the dueling head spreads it over all of them anyway).
TEST(DenseQKernel, MatchesAutogradOnEveryAcceptedNetwork) {
  const std::vector<std::pair<std::string, QNetworkOptions>> cases{
      {"mlp", mlp(false)},
      {"mlp dueling", mlp(true)},
      {"mlp on a {2, 3, 2} input", mlp(false, {2, 3, 2})},
      {"minatar", minatar(false)},
      {"minatar dueling", minatar(true)},
  };
  for (const auto& [name, options] : cases) {
    torch::manual_seed(11);
    QNetwork net(options);
    std::string why;
    auto plan = DenseQPlan::from(*net, &why);
    ASSERT_TRUE(plan.has_value()) << name << ": " << why;
    DenseQKernel kernel(std::move(*plan));
    const int64_t batch = 7, actions = options.num_actions;
    const bool binary = options.torso == "minatar";
    const torch::Tensor x = binary ? (torch::rand(batch_shape(batch, options.input_shape)) < 0.3).to(torch::kFloat32)
                                   : torch::randn(batch_shape(batch, options.input_shape));
    const torch::Tensor dq = torch::randn({batch, actions});
    // Autograd.
    for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
    const torch::Tensor q_ref = net->forward(x);
    q_ref.backward(dq);
    std::vector<torch::Tensor> grads_ref;
    for (auto& p : net->parameters()) grads_ref.push_back(p.grad().clone());
    // The kernel, writing into fresh (nonzero: it must overwrite, not add) gradient buffers.
    for (auto& p : net->parameters()) p.mutable_grad() = torch::full_like(p, 5.0);
    torch::Tensor q = torch::empty({batch, actions});
    kernel.forward(*net, x.data_ptr<float>(), batch, q.data_ptr<float>(), /*keep=*/true);
    EXPECT_TRUE(torch::allclose(q, q_ref.detach(), 1e-5, 1e-5)) << name << "\n" << q << "\n" << q_ref;
    // A forward pass that is not kept leaves the kept one for backward.
    torch::Tensor other = torch::empty({2, actions});
    kernel.forward(*net, torch::zeros(batch_shape(2, options.input_shape)).data_ptr<float>(), 2,
                   other.data_ptr<float>(),
                   /*keep=*/false);
    kernel.backward(*net, dq.data_ptr<float>());
    const auto params = net->named_parameters();
    ASSERT_EQ(params.size(), grads_ref.size());
    for (size_t i = 0; i < params.size(); ++i)
      EXPECT_TRUE(torch::allclose(params[i].value().grad(), grads_ref[i], 1e-4, 1e-5))
          << name << ": gradient of " << params[i].key() << "\n"
          << params[i].value().grad() - grads_ref[i];
  }
}

namespace {
// Q values and parameter gradients of `net` at x by autograd, the reference below.
std::pair<torch::Tensor, std::vector<torch::Tensor>> autograd_reference(QNetwork& net, const torch::Tensor& x,
                                                                        const torch::Tensor& dq) {
  for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
  const torch::Tensor q = net->forward(x);
  q.backward(dq);
  std::vector<torch::Tensor> grads;
  for (auto& p : net->parameters()) grads.push_back(p.grad().clone());
  return {q.detach(), grads};
}

// MinAtar-like observations: binary, `density` of them 1.
torch::Tensor binary_batch(int64_t n, double density) {
  return (torch::rand({n, 4, 10, 10}) < density).to(torch::kFloat32);
}
}  // namespace

// The Linear layer after the convolution runs on the conv's nonzero outputs below a density
// threshold and as a BLAS product above it. Both, at a sparse and a dense input, with the
// transposed-weight path (a batch of 7) and the gathering one (2 samples), match autograd.
TEST(DenseQKernel, SparseAndDenseFirstLayerMatchAutograd) {
  for (bool dueling : {false, true})
    for (double threshold : {0.0, 1.0})
      for (double input_density : {0.05, 0.5}) {
        const std::string name = std::string(dueling ? "dueling" : "plain") + ", threshold " +
                                 std::to_string(threshold) + ", input density " + std::to_string(input_density);
        torch::manual_seed(5);
        QNetwork net(minatar(dueling));
        auto plan = DenseQPlan::from(*net);
        ASSERT_TRUE(plan.has_value());
        plan->sparse_max_density = threshold;
        DenseQKernel kernel(std::move(*plan));
        const int64_t actions = 6;
        for (int64_t batch : {2, 7}) {
          const torch::Tensor x = binary_batch(batch, input_density);
          torch::Tensor q = torch::empty({batch, actions});
          kernel.forward(*net, x.data_ptr<float>(), batch, q.data_ptr<float>(), /*keep=*/false);
          EXPECT_TRUE(torch::allclose(q, net->forward(x).detach(), 1e-5, 1e-5)) << name << ", batch " << batch;
        }
        const int64_t batch = 7;
        const torch::Tensor x = binary_batch(batch, input_density), dq = torch::randn({batch, actions});
        const auto [q_ref, grads_ref] = autograd_reference(net, x, dq);
        for (auto& p : net->parameters()) p.mutable_grad() = torch::full_like(p, 5.0);
        torch::Tensor q = torch::empty({batch, actions});
        kernel.forward(*net, x.data_ptr<float>(), batch, q.data_ptr<float>(), /*keep=*/true);
        EXPECT_TRUE(torch::allclose(q, q_ref, 1e-5, 1e-5)) << name;
        kernel.backward(*net, dq.data_ptr<float>());
        const auto params = net->named_parameters();
        for (size_t i = 0; i < params.size(); ++i)
          EXPECT_TRUE(torch::allclose(params[i].value().grad(), grads_ref[i], 1e-4, 1e-5))
              << name << ": gradient of " << params[i].key();
      }
}

// Passes that are not kept reuse W^T of the first dense layer while its weights are unchanged.
// A change in place, by a LibTorch op or by nets::optimizer_step's raw writes, must be seen.
TEST(DenseQKernel, ReusedTransposedWeightsFollowInPlaceChanges) {
  torch::manual_seed(6);
  QNetwork net(minatar(false));
  auto plan = DenseQPlan::from(*net);
  ASSERT_TRUE(plan.has_value());
  plan->sparse_max_density = 1.0;
  DenseQKernel kernel(std::move(*plan));
  tp::nets::FlatParameters flat(*net);
  tp::nets::OptimizerOptions options;
  options.name = "centered_rmsprop";
  options.lr = 0.01;
  auto optimizer = tp::nets::make_optimizer({flat.flat()}, options);
  const int64_t batch = 8, actions = 6;
  const torch::Tensor x = binary_batch(batch, 0.1);
  auto expect_matches = [&](const std::string& after) {
    torch::Tensor q = torch::empty({batch, actions});
    kernel.forward(*net, x.data_ptr<float>(), batch, q.data_ptr<float>(), /*keep=*/false);
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::allclose(q, net->forward(x), 1e-5, 1e-5)) << "after " << after;
  };
  expect_matches("the first pass");
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net->parameters()) p.mul_(0.5);
  }
  expect_matches("an in-place multiplication");
  for (int step = 0; step < 3; ++step) {  // the first step is LibTorch's (it creates the state)
    flat.flat().grad().copy_(torch::randn_like(flat.flat()));
    tp::nets::optimizer_step(*optimizer);
    expect_matches("optimizer step " + std::to_string(step + 1));
  }
}
