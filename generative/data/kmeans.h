#pragma once
// k-means clustering (Lloyd's algorithm with k-means++ seeding, Arthur & Vassilvitskii 2007)
// of the rows of a float tensor. The self-conditioned GAN (generative/models/gan.h) uses it to
// find the data's modes without labels.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace tp::gen {

struct KMeansResult {
  at::Tensor centroids;    // (k, D) float32
  at::Tensor assignments;  // (N) int64: each row's nearest centroid
  at::Tensor sizes;        // (k) int64: rows per cluster
  double inertia = 0;      // sum of squared distances to the nearest centroid
  int iterations = 0;      // Lloyd iterations run (stops early when no row changes cluster)
};

// Clusters the rows of `x` (N, D), N >= k >= 1: `restarts` runs, each from its own k-means++
// seeding drawn from `seed`, of at most `max_iterations` Lloyd steps; the run with the lowest
// inertia wins (Lloyd's algorithm stops in local minima that merge two true clusters and split
// a third). A cluster that empties is re-seeded with the row farthest from its centroid.
// Deterministic for a given seed and input.
KMeansResult kmeans(const at::Tensor& x, int64_t k, uint64_t seed, int restarts = 1, int max_iterations = 100);

// The index of the nearest of `centroids` (k, D) for every row of `x` (N, D).
at::Tensor nearest_centroid(const at::Tensor& x, const at::Tensor& centroids);

}  // namespace tp::gen
