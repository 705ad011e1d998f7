// k-means against hand-made blobs and a brute-force nearest-centre search.
#include "generative/data/kmeans.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "core/error.h"

namespace tp::gen {
namespace {

TEST(KMeans, RecoversThreeSeparatedBlobs) {
  torch::manual_seed(3);
  const std::vector<std::pair<double, double>> means = {{0, 0}, {10, 0}, {0, 10}};
  const std::vector<int64_t> counts = {100, 200, 300};
  std::vector<torch::Tensor> parts;
  for (size_t b = 0; b < means.size(); ++b)
    parts.push_back(torch::randn({counts[b], 2}) * 0.5 +
                    torch::tensor({means[b].first, means[b].second}, torch::kFloat32));
  const auto x = torch::cat(parts);
  const KMeansResult r = kmeans(x, 3, 7);
  // Every blob is one cluster of its own, whose centre is the blob's mean.
  int64_t at = 0;
  std::vector<int64_t> seen;
  for (size_t b = 0; b < means.size(); ++b) {
    const auto a = r.assignments.narrow(0, at, counts[b]);
    const int64_t c = a[0].item<int64_t>();
    EXPECT_TRUE((a == c).all().item<bool>()) << "blob " << b;
    EXPECT_EQ(r.sizes[c].item<int64_t>(), counts[b]);
    EXPECT_TRUE(torch::allclose(r.centroids[c], x.narrow(0, at, counts[b]).mean(0), 1e-4, 1e-4));
    seen.push_back(c);
    at += counts[b];
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2}));
  // The inertia is the squared distances to the assigned centres, summed.
  const double inertia = (x - r.centroids.index_select(0, r.assignments)).pow(2).sum().item<double>();
  EXPECT_NEAR(r.inertia, inertia, 1e-3 * inertia);
  // The same seed gives the same clustering.
  const KMeansResult again = kmeans(x, 3, 7);
  EXPECT_TRUE(torch::equal(again.centroids, r.centroids));
  EXPECT_TRUE(torch::equal(again.assignments, r.assignments));
}

TEST(KMeans, NearestCentroidAgreesWithBruteForceDistances) {
  torch::manual_seed(5);
  const auto x = torch::rand({500, 784}), c = torch::rand({10, 784});
  const auto nearest = nearest_centroid(x, c);
  for (int64_t i = 0; i < x.size(0); ++i) {
    const auto d = (c - x[i]).pow(2).sum(1);
    EXPECT_EQ(nearest[i].item<int64_t>(), d.argmin().item<int64_t>()) << "row " << i;
  }
}

TEST(KMeans, MoreClustersThanRowsIsAUsageError) {
  EXPECT_THROW(kmeans(torch::rand({4, 2}), 5, 1), UsageError);
  EXPECT_THROW(kmeans(torch::rand({4, 2}), 0, 1), UsageError);
}

}  // namespace
}  // namespace tp::gen
