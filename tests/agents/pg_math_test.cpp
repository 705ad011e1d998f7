// The policy-gradient building blocks against hand-worked values, closed forms and autograd:
// GAE with truncated and terminated endings, PPO's clipped surrogate, the action
// distributions, the running normalisers and A3C's shared RMSProp.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <thread>

#include "agents/policy_gradient/a3c.h"
#include "agents/policy_gradient/gae.h"
#include "agents/policy_gradient/losses.h"
#include "agents/policy_gradient/normalizers.h"
#include "core/error.h"
#include "nets/action_distribution.h"
#include "nets/actor_critic.h"

namespace pg = tp::agents::pg;

// One env, 5 steps: an episode truncated at t = 1 (its last reward already holds the
// collector's bootstrap r + gamma V(final)), then one terminated at t = 3, then one running
// past the rollout (bootstrapped from next_values).
TEST(Gae, HandWorkedTruncatedAndTerminatedEndings) {
  const double g = 0.9, l = 0.8;
  const auto rewards = torch::tensor({1.0, 2.0 + 0.9 * 5.0, 1.0, 3.0, 1.0}).view({5, 1});
  const auto values = torch::tensor({0.5, 1.0, 2.0, 1.5, 0.25}).view({5, 1});
  const auto ends = torch::tensor({0.0, 1.0, 0.0, 1.0, 0.0}).view({5, 1});
  const auto next = torch::tensor({4.0});
  const pg::Advantages a = pg::compute_gae(rewards, values, ends, next, g, l);
  // By hand, backwards. t=4: delta = 1 + 0.9*4 - 0.25 = 4.35; A4 = 4.35.
  // t=3 (terminated): delta = 3 - 1.5 = 1.5; A3 = 1.5.
  // t=2: delta = 1 + 0.9*1.5 - 2 = 0.35; A2 = 0.35 + 0.72*1.5 = 1.43.
  // t=1 (truncated, bootstrap in the reward): delta = 6.5 - 1 = 5.5; A1 = 5.5.
  // t=0: delta = 1 + 0.9*1 - 0.5 = 1.4; A0 = 1.4 + 0.72*5.5 = 5.36.
  const std::vector<double> expected = {5.36, 5.5, 1.43, 1.5, 4.35};
  for (int t = 0; t < 5; ++t) {
    EXPECT_NEAR(a.advantages[t][0].item<double>(), expected[static_cast<size_t>(t)], 1e-5) << "t=" << t;
    EXPECT_NEAR(a.returns[t][0].item<double>(), expected[static_cast<size_t>(t)] + values[t][0].item<double>(), 1e-5);
  }
}

TEST(Gae, LambdaOneGivesNStepReturns) {
  // lambda = 1 (A2C): returns are discounted reward sums bootstrapped from next_values.
  const auto rewards = torch::tensor({1.0, 1.0, 1.0}).view({3, 1});
  const auto values = torch::tensor({0.3, -0.2, 0.7}).view({3, 1});
  const auto ends = torch::zeros({3, 1});
  const pg::Advantages a = pg::compute_gae(rewards, values, ends, torch::tensor({2.0}), 0.5, 1.0);
  EXPECT_NEAR(a.returns[0][0].item<double>(), 1 + 0.5 + 0.25 + 0.125 * 2, 1e-6);
  EXPECT_NEAR(a.returns[2][0].item<double>(), 1 + 0.5 * 2, 1e-6);
}

// d loss / d new_log_prob for one sample of a batch of B: -A r / B inside the clip range (or
// on the side the min picks unclipped), 0 where the clipped term is the active one.
TEST(PpoLoss, ClippedSurrogateGradientVanishesOutsideTheRangeAndMatchesTheClosedFormInside) {
  const double clip = 0.2;
  // ratios 1.1 (inside), 1.5 with A > 0 (clipped: no gradient), 0.5 with A > 0 (unclipped
  // side: gradient), 1.5 with A < 0 (unclipped side: gradient), 0.5 with A < 0 (clipped).
  const auto old_lp = torch::zeros({5}, torch::kFloat64);
  const auto ratios = torch::tensor({1.1, 1.5, 0.5, 1.5, 0.5}, torch::kFloat64);
  const auto adv = torch::tensor({2.0, 1.0, 1.0, -1.0, -1.0}, torch::kFloat64);
  auto new_lp = ratios.log().clone().requires_grad_(true);
  const pg::PolicyLoss l = pg::ppo_policy_loss(new_lp, old_lp, adv, clip);
  l.loss.backward();
  const auto grad = new_lp.grad();
  const std::vector<bool> active = {true, false, true, true, false};
  for (int i = 0; i < 5; ++i) {
    const double expected =
        active[static_cast<size_t>(i)] ? -adv[i].item<double>() * ratios[i].item<double>() / 5.0 : 0.0;
    EXPECT_NEAR(grad[i].item<double>(), expected, 1e-12) << "sample " << i;
  }
  EXPECT_NEAR(l.clip_fraction, 0.8, 1e-6);  // |r - 1| > 0.2 for all but the first
  // approx-KL: mean((r - 1) - log r).
  double kl = 0;
  for (int i = 0; i < 5; ++i) kl += (ratios[i].item<double>() - 1) - std::log(ratios[i].item<double>());
  EXPECT_NEAR(l.approx_kl, kl / 5, 1e-6);
}

TEST(PpoLoss, ValueLossClippedTakesTheLargerError) {
  const auto old_v = torch::tensor({1.0});
  const auto ret = torch::tensor({3.0});
  // New value 2.0 moved 1.0 from the old: clipped to 1.2 -> error 1.8^2 > 1.0^2.
  EXPECT_NEAR(pg::value_loss(torch::tensor({2.0}), old_v, ret, 0.2).item<double>(), 0.5 * 1.8 * 1.8, 1e-6);
  EXPECT_NEAR(pg::value_loss(torch::tensor({2.0}), old_v, ret).item<double>(), 0.5, 1e-6);
}

TEST(ActionDistribution, GaussianLogProbAndEntropyMatchTheClosedForms) {
  const auto mean = torch::tensor({{0.5, -1.0}, {2.0, 0.0}}, torch::kFloat64);
  const auto log_std = torch::tensor({0.3, -0.7}, torch::kFloat64);
  const auto d = tp::nets::ActionDistribution::gaussian(mean, log_std);
  const auto a = torch::tensor({{1.0, -1.5}, {-0.5, 0.25}}, torch::kFloat64);
  const auto lp = d.log_prob(a);
  const auto ent = d.entropy();
  for (int b = 0; b < 2; ++b) {
    double expected = 0, h = 0;
    for (int j = 0; j < 2; ++j) {
      const double s = std::exp(log_std[j].item<double>());
      const double z = (a[b][j].item<double>() - mean[b][j].item<double>()) / s;
      expected += -0.5 * z * z - std::log(s) - 0.5 * std::log(2 * M_PI);
      h += 0.5 * std::log(2 * M_PI * M_E * s * s);
    }
    EXPECT_NEAR(lp[b].item<double>(), expected, 1e-9);
    EXPECT_NEAR(ent[b].item<double>(), h, 1e-9);
  }
  EXPECT_TRUE(torch::equal(d.mode(), mean));
}

// gSDE (Raffin et al. 2022): a = mean + z^T E with E ~ N(0, sigma^2) per entry, so the
// distribution of a state is N(mean, z^2 . sigma^2). Checked three ways: the distribution's
// log-probability and entropy against that closed form, the actions explore() draws against
// its mean and variance, and the gradient: log_std gets one, the torso none through z.
TEST(ActionDistribution, StateDependentExplorationMatchesItsClosedForm) {
  tp::nets::ActorCriticOptions o;
  o.input_shape = {3};
  o.action_dim = 2;
  o.hidden = {5};
  o.gsde = true;
  o.log_std_init = -1.0;
  tp::nets::ActorCritic net(o);
  EXPECT_EQ(net->log_std().sizes(), (std::vector<int64_t>{5, 2}));
  {
    torch::NoGradGuard no_grad;
    net->log_std().copy_(torch::linspace(-1.5, 0.5, 10).view({5, 2}));
  }
  const auto obs = torch::tensor({{0.3f, -0.2f, 0.9f}, {-1.0f, 0.5f, 0.1f}});
  const auto out = net->forward(obs);
  const auto dist = net->distribution(out);
  const auto var = out.features.detach().pow(2).matmul(net->log_std().detach().exp().pow(2)) + 1e-6;  // [2, 2]
  const auto a = torch::tensor({{0.2f, -0.4f}, {1.0f, 0.0f}});
  for (int b = 0; b < 2; ++b) {
    double lp = 0, h = 0;
    for (int j = 0; j < 2; ++j) {
      const double v = var[b][j].item<double>();
      const double d = a[b][j].item<double>() - out.policy[b][j].item<double>();
      lp += -0.5 * d * d / v - 0.5 * std::log(2 * M_PI * v);
      h += 0.5 * std::log(2 * M_PI * M_E * v);
    }
    EXPECT_NEAR(dist.log_prob(a)[b].item<double>(), lp, 1e-4);
    EXPECT_NEAR(dist.entropy()[b].item<double>(), h, 1e-4);
  }
  // 20,000 noise matrices for the first state: the actions' moments.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(11);
  const auto e = net->sample_exploration(20000, gen);
  tp::nets::ActorCriticOutput rows{out.policy.detach()[0].expand({20000, 2}), out.value.detach()[0].expand({20000}),
                                   out.features.detach()[0].expand({20000, 5})};
  const auto actions = net->explore(rows, e);
  for (int j = 0; j < 2; ++j) {
    const double sd = std::sqrt(var[0][j].item<double>());
    EXPECT_NEAR(actions.select(1, j).mean().item<double>(), out.policy[0][j].item<double>(), 0.03 * sd);
    EXPECT_NEAR(actions.select(1, j).std().item<double>(), sd, 0.03 * sd);
  }
  dist.log_prob(a).sum().backward();
  EXPECT_GT(net->log_std().grad().abs().sum().item<double>(), 0.0);
  // The torso's weights get gradient from the mean only: with the policy head's weights at
  // zero the mean no longer depends on the torso, and z is held constant.
  net->zero_grad();
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net->named_parameters())
      if (p.key().rfind("policy_head.weight", 0) == 0) p.value().zero_();
  }
  const auto out2 = net->forward(obs);
  net->distribution(out2).log_prob(a).sum().backward();
  for (auto& p : net->named_parameters()) {
    if (p.key().rfind("policy_torso", 0) == 0) {
      EXPECT_FALSE(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0) << p.key();
    }
  }
  o.num_actions = 2;
  o.action_dim = 0;
  EXPECT_THROW(tp::nets::ActorCritic{o}, tp::UsageError);
}

TEST(ActionDistribution, CategoricalLogProbEntropyAndSamplingFrequencies) {
  const auto probs = torch::tensor({{0.1, 0.6, 0.3}});
  const auto d = tp::nets::ActionDistribution::categorical(probs.log());
  EXPECT_NEAR(d.log_prob(torch::tensor({{1.0f}})).item<double>(), std::log(0.6), 1e-6);
  EXPECT_NEAR(d.entropy().item<double>(), -(0.1 * std::log(0.1) + 0.6 * std::log(0.6) + 0.3 * std::log(0.3)), 1e-6);
  EXPECT_EQ(d.mode().item<float>(), 1.0f);
  const auto many = tp::nets::ActionDistribution::categorical(probs.log().expand({20000, 3}));
  auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
  const auto samples = many.sample(gen);
  EXPECT_NEAR((samples == 1.0f).to(torch::kFloat64).mean().item<double>(), 0.6, 0.02);
  EXPECT_NEAR((samples == 0.0f).to(torch::kFloat64).mean().item<double>(), 0.1, 0.01);
}

TEST(Normalizers, RunningMeanStdMergesBatchesExactly) {
  pg::RunningMeanStd stats(2);
  const std::vector<float> a = {1, 10, 3, 20, 5, 30};
  const std::vector<float> b = {7, 40};
  stats.update(a.data(), 3);
  stats.update(b.data(), 1);
  // All four rows: column 0 {1,3,5,7} mean 4 var 5; column 1 {10..40} mean 25 var 125 (the
  // 1e-4 prior count shifts them by ~1e-4 relatively).
  EXPECT_NEAR(stats.mean()[0], 4.0, 1e-3);
  EXPECT_NEAR(stats.var()[0], 5.0, 1e-2);
  EXPECT_NEAR(stats.mean()[1], 25.0, 1e-2);
  EXPECT_NEAR(stats.var()[1], 125.0, 0.1);
  pg::RunningMeanStd copy(2);
  copy.set_state(stats.state());
  EXPECT_EQ(copy.mean(), stats.mean());
  EXPECT_THROW(pg::RunningMeanStd(3).set_state(stats.state()), tp::Error);
}

// Both workers push the same constant gradient g, 200 times each, concurrently: with the
// lock, every update lands, so the shared statistics and parameter equal 400 sequential
// RMSProp steps (identical gradients make the result independent of their order).
TEST(SharedRmsProp, EveryWorkersUpdateReachesTheSharedParameters) {
  tp::nets::ActorCriticOptions o;
  o.input_shape = {3};
  o.num_actions = 2;
  o.hidden = {4};
  tp::nets::ActorCritic shared(o);
  const double alpha = 0.99, eps = 0.1, lr = 1e-3, grad = 0.5;
  const float start = shared->parameters().front().view(-1)[0].item<float>();
  pg::SharedRmsProp optimizer(*shared, alpha, eps, /*lock=*/true);
  auto worker = [&] {
    tp::nets::ActorCritic local(o);
    for (auto& p : local->parameters()) p.mutable_grad() = torch::full_like(p, grad);
    for (int k = 0; k < 200; ++k) optimizer.apply(*local, lr);
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  double g2 = 0, p = start;
  for (int k = 0; k < 400; ++k) {
    g2 = alpha * g2 + (1 - alpha) * grad * grad;
    p -= lr * grad / std::sqrt(g2 + eps);
  }
  EXPECT_NEAR(optimizer.square_averages().front().view(-1)[0].item<double>(), g2, 1e-6);
  EXPECT_NEAR(shared->parameters().front().view(-1)[0].item<double>(), p, 1e-5);
  tp::nets::ActorCritic local(o);
  optimizer.read_into(*local);
  EXPECT_TRUE(torch::equal(local->parameters().front(), shared->parameters().front()));
}
