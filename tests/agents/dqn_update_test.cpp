// The DQN update: TD target (terminated vs truncated, n-step discount, Double DQN),
// Huber gradient with importance weights, the target network left untouched, schedules.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "agents/dqn/dqn_learner.h"
#include "agents/dqn/dqn_options.h"
#include "agents/dqn/schedule.h"
#include "core/error.h"

using namespace tp::agents::dqn;
namespace nets = tp::nets;

namespace {
nets::QNetworkOptions small_net(bool dueling = false) {
  nets::QNetworkOptions n;
  n.torso = "mlp";
  n.input_shape = {3};
  n.num_actions = 2;
  n.hidden = {8};
  n.dueling = dueling;
  return n;
}
nets::OptimizerOptions sgd(double lr) {
  nets::OptimizerOptions o;
  o.name = "sgd";
  o.lr = lr;
  return o;
}
ReplayBatch random_batch(int b, uint64_t seed) {
  torch::manual_seed(seed);
  ReplayBatch batch(b, {3});
  batch.obs.copy_(torch::randn({b, 3}));
  batch.next_obs.copy_(torch::randn({b, 3}));
  batch.actions.copy_(torch::randint(0, 2, {b}, torch::kInt64));
  batch.rewards.copy_(torch::randn({b}) * 3);
  for (int i = 0; i < b; ++i) batch.indices[size_t(i)] = i;
  return batch;
}
torch::Tensor param(nets::QNetwork& net, const std::string& name) {
  return net->named_parameters()[name].detach().clone();
}
}  // namespace

// The tests of the target and the loss run on both update paths: the dense kernel (auto, which
// takes these relu MLPs) and autograd (off).
const char* const kPaths[] = {"auto", "off"};

TEST(DqnUpdate, TerminatedStopsBootstrapTruncatedDoesNot) {
  for (const char* path : kPaths) {
    SCOPED_TRACE(path);
    torch::manual_seed(1);
    LearnerSettings s;
    s.gamma = 0.9;
    s.dense_kernel = path;
    DqnLearner learner(small_net(), sgd(1e-9), s);
    ASSERT_EQ(learner.uses_dense_kernel(), s.dense_kernel == "auto") << learner.dense_kernel_declined();
    ReplayBatch b = random_batch(4, 2);
    b.next_obs[1].copy_(b.next_obs[0]);
    b.next_obs[2].copy_(b.next_obs[0]);
    b.obs[1].copy_(b.obs[0]);
    b.obs[2].copy_(b.obs[0]);
    b.actions[1] = b.actions[0].item<int64_t>();
    b.actions[2] = b.actions[0].item<int64_t>();
    b.rewards.fill_(1.0f);
    b.terminated.copy_(torch::tensor({0.f, 1.f, 0.f, 0.f}));
    b.truncated.copy_(torch::tensor({0.f, 0.f, 1.f, 0.f}));
    b.n_steps.copy_(torch::tensor({1.f, 1.f, 1.f, 3.f}));
    torch::Tensor q, next_max;
    {
      torch::NoGradGuard ng;
      q = learner.online()->forward(b.obs).gather(1, b.actions.unsqueeze(1)).squeeze(1);
      next_max = std::get<0>(learner.target()->forward(b.next_obs).max(1));
    }
    const UpdateResult r = learner.update(b);
    const auto td = r.abs_td_error;
    EXPECT_NEAR(td[0].item<float>(), std::fabs(1 + 0.9 * next_max[0].item<float>() - q[0].item<float>()), 1e-5);
    EXPECT_NEAR(td[1].item<float>(), std::fabs(1 - q[1].item<float>()), 1e-5);  // terminal: y = r
    EXPECT_NEAR(td[2].item<float>(), td[0].item<float>(), 1e-6);                // truncated bootstraps
    EXPECT_NEAR(td[3].item<float>(), std::fabs(1 + std::pow(0.9, 3) * next_max[3].item<float>() - q[3].item<float>()),
                1e-5);  // n-step: gamma^n
  }
}

TEST(DqnUpdate, HuberGradientWithImportanceWeights) {
  for (const char* path : kPaths) {
    SCOPED_TRACE(path);
    torch::manual_seed(3);
    LearnerSettings s;
    s.gamma = 0.99;
    s.huber_delta = 1.0;
    s.dense_kernel = path;
    const double lr = 0.5;
    DqnLearner learner(small_net(), sgd(lr), s);
    ASSERT_EQ(learner.uses_dense_kernel(), s.dense_kernel == "auto");
    ReplayBatch b = random_batch(16, 4);
    b.weights.copy_(torch::rand({16}) + 0.25);
    b.terminated.copy_((torch::rand({16}) < 0.3).to(torch::kFloat32));
    torch::Tensor q, y;
    {
      torch::NoGradGuard ng;
      q = learner.online()->forward(b.obs).gather(1, b.actions.unsqueeze(1)).squeeze(1);
      y = b.rewards + 0.99 * (1 - b.terminated) * std::get<0>(learner.target()->forward(b.next_obs).max(1));
    }
    const torch::Tensor bias_before = param(learner.online(), "q_head.bias");
    const torch::Tensor target_before = param(learner.target(), "q_head.weight");
    learner.update(b);
    // d loss / d bias_a = (1/B) sum_j w_j clamp(q_j - y_j, -1, 1) [a_j = a]: Huber's gradient is
    // the TD error clipped to [-delta, delta] (Mnih et al. 2015, "error clipping").
    const torch::Tensor g = b.weights * (q - y).clamp(-1.0, 1.0) / 16.0;
    torch::Tensor expected = torch::zeros({2});
    for (int j = 0; j < 16; ++j) expected[b.actions[j].item<int64_t>()] += g[j];
    const torch::Tensor bias_after = param(learner.online(), "q_head.bias");
    EXPECT_TRUE(torch::allclose(bias_before - bias_after, lr * expected, 1e-5, 1e-6))
        << bias_before - bias_after << "\n"
        << lr * expected;
    EXPECT_GT((q - y).abs().max().item<float>(), 1.0f) << "the batch should exercise the clipped branch";
    // No gradient reaches the target network.
    EXPECT_TRUE(torch::equal(target_before, param(learner.target(), "q_head.weight")));
  }
}

TEST(DqnUpdate, DoubleDqnSelectsWithOnlineEvaluatesWithTarget) {
  for (const char* path : kPaths) {
    SCOPED_TRACE(path);
    torch::manual_seed(5);
    LearnerSettings s;
    s.gamma = 0.5;
    s.double_dqn = true;
    s.dense_kernel = path;
    DqnLearner learner(small_net(), sgd(1e-9), s);
    ASSERT_EQ(learner.uses_dense_kernel(), s.dense_kernel == "auto");
    {
      torch::NoGradGuard ng;  // make the target differ from the online network
      for (auto& p : learner.target()->parameters()) p.add_(torch::randn_like(p));
    }
    ReplayBatch b = random_batch(32, 6);
    torch::Tensor q, y_double, y_plain;
    {
      torch::NoGradGuard ng;
      q = learner.online()->forward(b.obs).gather(1, b.actions.unsqueeze(1)).squeeze(1);
      const auto a_star = learner.online()->forward(b.next_obs).argmax(1, true);
      const auto tq = learner.target()->forward(b.next_obs);
      y_double = b.rewards + 0.5 * tq.gather(1, a_star).squeeze(1);
      y_plain = b.rewards + 0.5 * std::get<0>(tq.max(1));
    }
    const UpdateResult r = learner.update(b);
    EXPECT_TRUE(torch::allclose(r.abs_td_error, (y_double - q).abs(), 1e-5, 1e-5));
    EXPECT_FALSE(torch::allclose(r.abs_td_error, (y_plain - q).abs(), 1e-5, 1e-5))
        << "test setup: the online and target argmax should differ somewhere";
  }
}

// The dense kernel (nets/dense_q.h: relu MLPs and the MinAtar network, plain or dueling, on
// the CPU) computes the same update as the autograd path: same TD errors and loss, same
// gradients, same parameters after Adam with clipping.
TEST(DqnUpdate, DenseKernelMatchesAutograd) {
  for (const int variant : {0, 1, 2, 3, 4}) {
    const bool double_dqn = variant == 1 || variant == 3, minatar = variant == 2 || variant == 4;
    nets::QNetworkOptions net = small_net(/*dueling=*/variant >= 3);
    net.input_shape = {5};
    net.num_actions = 3;
    net.hidden = {16, 8};
    if (minatar) {
      net.torso = "minatar";
      net.input_shape = {4, 10, 10};
    }
    const std::vector<int64_t> obs_shape = net.input_shape;
    auto batch_shape = [&](int64_t n) {
      std::vector<int64_t> s{n};
      s.insert(s.end(), obs_shape.begin(), obs_shape.end());
      return s;
    };
    // Adam divides by the gradient's scale, so it turns rounding-level differences of
    // near-zero gradients into full steps: the MinAtar variants (many of them) use SGD.
    nets::OptimizerOptions adam;
    adam.name = minatar ? "sgd" : "adam";
    adam.lr = 1e-2;
    LearnerSettings s;
    s.gamma = 0.95;
    s.double_dqn = double_dqn;
    s.max_grad_norm = 0.5;  // small enough to clip
    std::unique_ptr<DqnLearner> learners[2];
    for (int k = 0; k < 2; ++k) {
      s.dense_kernel = k == 0 ? "auto" : "off";
      torch::manual_seed(7);
      learners[k] = std::make_unique<DqnLearner>(net, adam, s);
    }
    ASSERT_TRUE(learners[0]->uses_dense_kernel()) << learners[0]->dense_kernel_declined();
    ASSERT_FALSE(learners[1]->uses_dense_kernel());
    {
      torch::NoGradGuard ng;  // a target that differs from the online network, the same in both
      torch::manual_seed(8);
      for (auto& p : learners[0]->target()->parameters()) p.add_(torch::randn_like(p) * 0.1);
      auto a = learners[0]->target()->parameters(), b = learners[1]->target()->parameters();
      for (size_t i = 0; i < a.size(); ++i) b[i].copy_(a[i]);
    }
    for (int step = 0; step < 3; ++step) {
      torch::manual_seed(100 + step);
      ReplayBatch b(24, obs_shape);
      b.obs.copy_(minatar ? (torch::rand(batch_shape(24)) < 0.2).to(torch::kFloat32) : torch::randn(batch_shape(24)));
      b.next_obs.copy_(minatar ? (torch::rand(batch_shape(24)) < 0.2).to(torch::kFloat32)
                               : torch::randn(batch_shape(24)));
      b.actions.copy_(torch::randint(0, 3, {24}, torch::kInt64));
      b.rewards.copy_(torch::randn({24}) * 3);
      b.terminated.copy_((torch::rand({24}) < 0.3).to(torch::kFloat32));
      b.n_steps.copy_(torch::randint(1, 4, {24}).to(torch::kFloat32));
      b.weights.copy_(torch::rand({24}) + 0.25);
      for (int i = 0; i < 24; ++i) b.indices[size_t(i)] = i;
      const UpdateResult dense = learners[0]->update(b), autograd = learners[1]->update(b);
      auto ga = learners[0]->online()->parameters(), gb = learners[1]->online()->parameters();
      for (size_t i = 0; i < ga.size(); ++i)
        EXPECT_TRUE(torch::allclose(ga[i].grad(), gb[i].grad(), 1e-4, 1e-6))
            << "gradient " << i << " in variant " << variant;
      EXPECT_NEAR(dense.loss, autograd.loss, 1e-5 * std::max(1.0, std::fabs(autograd.loss)));
      EXPECT_NEAR(dense.q_mean, autograd.q_mean, 1e-5);
      EXPECT_TRUE(torch::allclose(dense.abs_td_error, autograd.abs_td_error, 1e-5, 1e-5));
    }
    auto a = learners[0]->online()->parameters(), b = learners[1]->online()->parameters();
    ASSERT_EQ(a.size(), variant >= 3 ? 8u : 6u);  // three Linear (or Conv2d) layers, or two and two heads
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-5, 1e-6)) << "parameter " << i << " in variant " << variant;
    const torch::Tensor obs = torch::randn(batch_shape(40));
    std::vector<int> da, aa;
    learners[0]->greedy_actions(obs, da);
    learners[1]->greedy_actions(obs, aa);
    EXPECT_EQ(da, aa);
    for (int i = 0; i < 40; ++i) EXPECT_EQ(learners[0]->greedy_action(obs[i].data_ptr<float>()), aa[size_t(i)]);
  }
}

namespace {
// The update as LibTorch's own loss functions write it (the learner's autograd path before the
// loss was shared with the kernel): a reference for both paths that shares no code with them.
// Returns the loss, |y - Q| and the gradient of every online parameter, for the learner's
// current weights.
struct Reference {
  double loss = 0.0;
  torch::Tensor abs_td;
  std::vector<torch::Tensor> grads;
};
Reference reference_update(DqnLearner& learner, const ReplayBatch& b) {
  const LearnerSettings& s = learner.settings();
  nets::QNetwork online = nets::clone_q_network(learner.online());
  torch::Tensor y;
  {
    torch::NoGradGuard ng;
    const torch::Tensor next_target = learner.target()->forward(b.next_obs);
    const torch::Tensor next = s.double_dqn
                                   ? next_target.gather(1, online->forward(b.next_obs).argmax(1, true)).squeeze(1)
                                   : std::get<0>(next_target.max(1));
    y = b.rewards + torch::pow(s.gamma, b.n_steps) * (1 - b.terminated) * next;
  }
  const torch::Tensor q = online->forward(b.obs).gather(1, b.actions.unsqueeze(1)).squeeze(1);
  const torch::Tensor loss = (b.weights * torch::huber_loss(q, y, at::Reduction::None, s.huber_delta)).mean();
  loss.backward();
  Reference r;
  r.loss = loss.item<double>();
  r.abs_td = (y - q.detach()).abs();
  for (const auto& p : online->parameters()) r.grads.push_back(p.grad().clone());
  return r;
}
}  // namespace

// Networks the kernel's plan declines (a tanh MLP, the Nature CNN) train through autograd under
// --dense-kernel auto, and every path computes the reference update.
TEST(DqnUpdate, EveryPathComputesTheReferenceUpdate) {
  nets::QNetworkOptions tanh = small_net();
  tanh.activation = "tanh";
  nets::QNetworkOptions nature;
  nature.torso = "nature";
  nature.input_shape = {2, 36, 36};  // the smallest input the Nature CNN takes: 1x1 after the convolutions
  nature.num_actions = 2;
  struct Case {
    const char* name;
    nets::QNetworkOptions net;
    const char* dense_kernel;
    bool uses_kernel;
  };
  const Case cases[] = {
      {"relu mlp, auto", small_net(), "auto", true},
      {"relu mlp, off", small_net(), "off", false},
      {"dueling relu mlp, auto", small_net(true), "auto", true},
      {"tanh mlp, auto", tanh, "auto", false},
      {"nature, auto", nature, "auto", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    torch::manual_seed(21);
    LearnerSettings s;
    s.gamma = 0.9;
    s.double_dqn = true;
    s.huber_delta = 0.5;  // both Huber branches in a batch
    s.dense_kernel = c.dense_kernel;
    DqnLearner learner(c.net, sgd(0.1), s);
    EXPECT_EQ(learner.uses_dense_kernel(), c.uses_kernel) << learner.dense_kernel_declined();
    EXPECT_EQ(learner.dense_kernel_declined().empty(), c.uses_kernel) << learner.dense_kernel_declined();
    {
      torch::NoGradGuard ng;
      for (auto& p : learner.target()->parameters()) p.add_(torch::randn_like(p) * 0.1);
    }
    const std::vector<int64_t> shape = c.net.input_shape;
    std::vector<int64_t> batch_shape{12};
    batch_shape.insert(batch_shape.end(), shape.begin(), shape.end());
    ReplayBatch b(12, shape);
    b.obs.copy_(torch::randn(batch_shape));
    b.next_obs.copy_(torch::randn(batch_shape));
    b.actions.copy_(torch::randint(0, 2, {12}, torch::kInt64));
    b.rewards.copy_(torch::randn({12}) * 0.6);
    b.terminated.copy_((torch::rand({12}) < 0.3).to(torch::kFloat32));
    b.n_steps.copy_(torch::randint(1, 4, {12}).to(torch::kFloat32));
    b.weights.copy_(torch::rand({12}) + 0.25);
    for (int i = 0; i < 12; ++i) b.indices[size_t(i)] = i;
    for (int step = 0; step < 2; ++step) {
      const Reference ref = reference_update(learner, b);
      const UpdateResult r = learner.update(b);  // no clipping: the gradients stay as computed
      EXPECT_NEAR(r.loss, ref.loss, 1e-5 * std::max(1.0, ref.loss));
      EXPECT_TRUE(torch::allclose(r.abs_td_error, ref.abs_td, 1e-5, 1e-5)) << r.abs_td_error << ref.abs_td;
      EXPECT_TRUE((r.abs_td_error > 0.5).any().item<bool>() && (r.abs_td_error < 0.5).any().item<bool>())
          << "test setup: both Huber branches";
      const auto params = learner.online()->parameters();
      ASSERT_EQ(params.size(), ref.grads.size());
      for (size_t i = 0; i < params.size(); ++i)
        EXPECT_TRUE(torch::allclose(params[i].grad(), ref.grads[i], 1e-4, 1e-6)) << "gradient " << i;
    }
  }
}

TEST(DqnUpdate, DenseKernelSettingIsAutoOrOff) {
  LearnerSettings s;
  s.dense_kernel = "on";
  EXPECT_THROW(DqnLearner(small_net(), sgd(0.1), s), tp::UsageError);
  DqnOptions o;
  EXPECT_NO_THROW(o.validate());
  o.dense_kernel = "off";
  EXPECT_NO_THROW(o.validate());
  o.dense_kernel = "yes";
  EXPECT_THROW(o.validate(), tp::UsageError);
}

TEST(DqnUpdate, HardAndSoftTargetSync) {
  torch::manual_seed(7);
  LearnerSettings s;
  s.target_tau = 0.25;
  DqnLearner learner(small_net(true), sgd(0.1), s);
  ReplayBatch b = random_batch(8, 8);
  learner.update(b);
  const auto online = param(learner.online(), "value_head.weight");
  const auto target = param(learner.target(), "value_head.weight");
  ASSERT_FALSE(torch::equal(online, target));
  learner.sync_target_soft();
  EXPECT_TRUE(torch::allclose(param(learner.target(), "value_head.weight"), 0.25 * online + 0.75 * target));
  learner.sync_target_hard();
  EXPECT_TRUE(torch::equal(param(learner.target(), "value_head.weight"), online));
}

TEST(DqnSchedule, EpsilonIsLinearAfterTheRandomPhase) {
  // MinAtar: 1.0 for 5000 random frames, then 1.0 -> 0.1 over 100k frames, then 0.1.
  LinearSchedule eps{1.0, 0.1, 5000, 100000};
  EXPECT_DOUBLE_EQ(eps.at(0), 1.0);
  EXPECT_DOUBLE_EQ(eps.at(5000), 1.0);
  EXPECT_NEAR(eps.at(55000), 0.55, 1e-12);
  EXPECT_NEAR(eps.at(105000), 0.1, 1e-12);
  EXPECT_NEAR(eps.at(5'000'000), 0.1, 1e-12);
  LinearSchedule instant{1.0, 0.05, 10, 0};
  EXPECT_DOUBLE_EQ(instant.at(11), 0.05);
}

namespace {
// Builds a learner on `device`, checks where its tensors are, and runs the batch path
// (batches arrive on the CPU and go to the device in update()).
void check_learner_on(torch::Device device, const char* dense_kernel) {
  torch::manual_seed(3);
  LearnerSettings s;
  s.device = device;
  s.dense_kernel = dense_kernel;
  DqnLearner learner(small_net(), sgd(1e-2), s);
  for (const auto& p : learner.online()->parameters()) EXPECT_EQ(p.device(), device);
  for (const auto& p : learner.target()->parameters()) EXPECT_EQ(p.device(), device);
  // The dense kernel computes on CPU memory only: anywhere else the plan declines it.
  if (!device.is_cpu()) {
    EXPECT_FALSE(learner.uses_dense_kernel());
    EXPECT_NE(learner.dense_kernel_declined().find("CPU"), std::string::npos) << learner.dense_kernel_declined();
  }
  const ReplayBatch batch = random_batch(16, 4);
  const UpdateResult r = learner.update(batch);
  EXPECT_TRUE(std::isfinite(r.loss));
  EXPECT_TRUE(r.abs_td_error.is_cpu());
  std::vector<int> actions;
  learner.greedy_actions(batch.obs, actions);
  EXPECT_EQ(actions.size(), 16u);
  const float obs[3] = {0.1f, -0.2f, 0.3f};
  const int a = learner.greedy_action(obs);
  EXPECT_TRUE(a == 0 || a == 1);
  learner.after_load();  // what a resume calls: everything stays on the device
  for (const auto& p : learner.online()->parameters()) EXPECT_EQ(p.device(), device);
  for (const auto& p : learner.target()->parameters()) EXPECT_EQ(p.device(), device);
}
}  // namespace

TEST(DqnLearnerDevice, CpuHoldsItsParametersAndKeepsTheDenseKernel) {
  for (const char* path : kPaths) {
    SCOPED_TRACE(path);
    check_learner_on(torch::Device(torch::kCPU), path);
  }
  LearnerSettings s;
  DqnLearner learner(small_net(), sgd(1e-2), s);
  EXPECT_TRUE(learner.uses_dense_kernel());  // the default device is the CPU
}

TEST(DqnLearnerDevice, CudaTakesTheAutogradPath) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA in this LibTorch";
  check_learner_on(torch::Device(torch::kCUDA), "auto");
}
