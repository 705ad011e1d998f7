#include "generative/data/kmeans.h"

#include <torch/torch.h>

#include <random>

#include "core/error.h"

namespace tp::gen {

namespace {

// Squared distances (N, k) between the rows of x and of c, by ||x||^2 - 2 x.c + ||c||^2 (one
// matrix product), clamped at 0 against rounding. `xx`: the rows' squared norms (N, 1),
// computed once by the caller.
torch::Tensor squared_distances(const torch::Tensor& x, const torch::Tensor& xx, const torch::Tensor& c) {
  const auto cc = c.pow(2).sum(1).unsqueeze(0);
  return (xx - 2 * torch::mm(x, c.t()) + cc).clamp_min(0);
}

}  // namespace

torch::Tensor nearest_centroid(const torch::Tensor& x, const torch::Tensor& centroids) {
  TP_CHECK(x.dim() == 2 && centroids.dim() == 2 && x.size(1) == centroids.size(1), "nearest_centroid: rows of ",
           x.sizes(), " and centroids of ", centroids.sizes(), " do not match");
  // argmin ||x - c||^2 = argmax (x.c - ||c||^2 / 2): the rows' own norms do not matter.
  const auto score = torch::mm(x, centroids.t()) - 0.5 * centroids.pow(2).sum(1).unsqueeze(0);
  return score.argmax(1);
}

namespace {

// One run of Lloyd's algorithm from a k-means++ seeding drawn from `rng`.
KMeansResult lloyd(const torch::Tensor& x, const torch::Tensor& xx, int64_t k, std::mt19937_64& rng,
                   int max_iterations) {
  const int64_t n = x.size(0);
  // k-means++: each next centre drawn with probability proportional to the squared distance
  // to the nearest centre so far.
  auto centroids = torch::empty({k, x.size(1)}, torch::kFloat32);
  centroids[0] = x[static_cast<int64_t>(rng() % static_cast<uint64_t>(n))];
  auto nearest = squared_distances(x, xx, centroids.narrow(0, 0, 1)).squeeze(1).to(torch::kFloat64);
  for (int64_t c = 1; c < k; ++c) {
    const double total = nearest.sum().item<double>();
    int64_t pick = static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
    if (total > 0) {
      const double target = std::uniform_real_distribution<double>(0.0, total)(rng);
      const auto cumulative = nearest.cumsum(0);
      pick = std::min(n - 1, torch::searchsorted(cumulative, torch::tensor({target}, torch::kFloat64))
                                 .item<int64_t>());
    }
    centroids[c] = x[pick];
    nearest = torch::minimum(nearest, squared_distances(x, xx, centroids.narrow(0, c, 1)).squeeze(1).to(torch::kFloat64));
  }
  KMeansResult r;
  torch::Tensor assignments;
  for (r.iterations = 0; r.iterations < max_iterations;) {
    const auto next = nearest_centroid(x, centroids);
    const bool changed = !assignments.defined() || !torch::equal(next, assignments);
    assignments = next;
    if (!changed) break;
    ++r.iterations;
    auto sums = torch::zeros_like(centroids).index_add_(0, assignments, x);
    const auto counts = torch::bincount(assignments, {}, k);
    for (int64_t c = 0; c < k; ++c) {
      if (counts[c].item<int64_t>() > 0) {
        centroids[c] = sums[c] / counts[c].item<double>();
      } else {
        // An empty cluster takes the row farthest from its own centroid.
        const auto own = squared_distances(x, xx, centroids).gather(1, assignments.unsqueeze(1)).squeeze(1);
        centroids[c] = x[own.argmax().item<int64_t>()];
      }
    }
  }
  r.centroids = centroids;
  r.assignments = nearest_centroid(x, centroids);
  r.sizes = torch::bincount(r.assignments, {}, k);
  r.inertia = squared_distances(x, xx, centroids).gather(1, r.assignments.unsqueeze(1)).sum().item<double>();
  return r;
}

}  // namespace

KMeansResult kmeans(const torch::Tensor& x_in, int64_t k, uint64_t seed, int restarts, int max_iterations) {
  TP_CHECK(x_in.dim() == 2, "kmeans: expected rows (N, D), got ", x_in.sizes());
  const int64_t n = x_in.size(0);
  TP_CHECK_AS(UsageError, k >= 1 && k <= n, "k-means needs 1 <= k <= the number of rows (k = ", k, ", ", n, " rows)");
  TP_CHECK_AS(UsageError, restarts >= 1 && max_iterations >= 1, "k-means needs restarts >= 1 and iterations >= 1");
  torch::NoGradGuard no_grad;
  const auto x = x_in.to(torch::kFloat32).contiguous();
  const auto xx = x.pow(2).sum(1, /*keepdim=*/true);
  std::mt19937_64 rng(seed);
  KMeansResult best;
  for (int run = 0; run < restarts; ++run) {
    KMeansResult r = lloyd(x, xx, k, rng, max_iterations);
    if (run == 0 || r.inertia < best.inertia) best = std::move(r);
  }
  return best;
}

}  // namespace tp::gen
