// Sum tree and proportional prioritized replay.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "agents/dqn/prioritized_sampler.h"
#include "agents/dqn/sum_tree.h"

using namespace tp::agents::dqn;

TEST(DqnSumTree, TotalsFindAndMin) {
  SumTree t(5);  // not a power of two
  const std::vector<double> p{1, 0, 3, 2, 4};
  for (int i = 0; i < 5; ++i) t.set(i, p[static_cast<size_t>(i)]);
  EXPECT_DOUBLE_EQ(t.total(), 10.0);
  EXPECT_DOUBLE_EQ(t.min(), 1.0);  // zero leaves do not count
  EXPECT_EQ(t.find(0.0), 0);
  EXPECT_EQ(t.find(0.999), 0);
  EXPECT_EQ(t.find(1.0), 2);  // leaf 1 has zero mass
  EXPECT_EQ(t.find(3.999), 2);
  EXPECT_EQ(t.find(4.0), 3);
  EXPECT_EQ(t.find(6.0), 4);
  EXPECT_EQ(t.find(10.0), 4);  // a prefix equal to the total lands on the last positive leaf
  t.set(4, 0.0);
  EXPECT_EQ(t.find(9.5), 3);
  EXPECT_DOUBLE_EQ(t.total(), 6.0);
}

TEST(DqnSumTree, SamplingIsProportionalAndFollowsUpdates) {
  const int n = 8;
  SumTree t(n);
  std::vector<double> p{1, 2, 3, 4, 5, 6, 7, 8};
  for (int i = 0; i < n; ++i) t.set(i, p[static_cast<size_t>(i)]);
  tp::Rng rng(11);
  auto check = [&](const std::vector<double>& pr) {
    std::vector<int> counts(n, 0);
    const int draws = 200000;
    for (int k = 0; k < draws; ++k) ++counts[static_cast<size_t>(t.find(rng.uniform() * t.total()))];
    double total = 0;
    for (double x : pr) total += x;
    for (int i = 0; i < n; ++i) {
      const double expect = pr[static_cast<size_t>(i)] / total;
      EXPECT_NEAR(counts[static_cast<size_t>(i)] / double(draws), expect, 4 * std::sqrt(expect / draws) + 1e-4)
          << "leaf " << i;
    }
  };
  check(p);
  // After many updates the sums are exact and sampling follows the new priorities.
  for (int r = 0; r < 1000; ++r) t.set(r % n, 0.1 * (r % 13) + 0.01);
  for (int i = 0; i < n; ++i) t.set(i, p[static_cast<size_t>(n - 1 - i)] * 0.5);
  std::vector<double> q(p.rbegin(), p.rend());
  EXPECT_NEAR(t.total(), 18.0, 1e-12);
  check(q);
}

TEST(DqnPrioritized, NewTransitionsGetMaxPriorityAndWeightsAreNormalized) {
  const double alpha = 0.6;
  PrioritizedSampler s(4, alpha, 1e-6);
  for (int i = 0; i < 4; ++i) s.on_add(i);
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(s.priority(i), 1.0);
  const std::vector<float> td{0.5f, 2.0f, 0.0f, 4.0f};
  s.update({0, 1, 2, 3}, td.data());
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(s.priority(i), std::pow(td[size_t(i)] + 1e-6, alpha), 1e-12);
  // A newly written slot gets the largest priority seen: (4 + eps)^alpha.
  s.on_add(2);
  EXPECT_NEAR(s.priority(2), std::pow(4.0 + 1e-6, alpha), 1e-12);

  ReplayBatch b(64, {1});
  tp::Rng rng(5);
  const double beta = 0.5;
  s.sample(4, beta, rng, b);
  const double total = s.tree().total();
  const double pmin = s.tree().min();
  for (int k = 0; k < 64; ++k) {
    const int64_t i = b.indices[size_t(k)];
    const double expect = std::pow(4 * s.priority(i) / total, -beta) / std::pow(4 * pmin / total, -beta);
    EXPECT_NEAR(b.weights[k].item<float>(), expect, 1e-5);
    EXPECT_LE(b.weights[k].item<float>(), 1.0f + 1e-6f);
  }
  // beta = 1 fully compensates: weight * P(i) is the same for every index.
  s.sample(4, 1.0, rng, b);
  for (int k = 1; k < 64; ++k)
    EXPECT_NEAR(b.weights[k].item<float>() * s.priority(b.indices[size_t(k)]),
                b.weights[0].item<float>() * s.priority(b.indices[0]), 1e-5);
}

TEST(DqnPrioritized, StratifiedSamplingPrefersHighPriority) {
  PrioritizedSampler s(10, 1.0, 1e-6);
  for (int i = 0; i < 10; ++i) s.on_add(i);
  std::vector<float> td(10, 0.0f);
  td[7] = 9.0f;  // p_7 ~ 9, the others ~ 1e-6
  std::vector<int64_t> idx(10);
  for (int i = 0; i < 10; ++i) idx[size_t(i)] = i;
  s.update(idx, td.data());
  ReplayBatch b(32, {1});
  tp::Rng rng(2);
  s.sample(10, 0.4, rng, b);
  for (auto i : b.indices) EXPECT_EQ(i, 7);
}
