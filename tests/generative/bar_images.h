#pragma once
// A small labelled image set for generative-model tests.
#include <torch/torch.h>

#include "generative/data/dataset.h"

namespace tp::test {

// `n` labelled 28x28 images of a class-dependent bright bar (10 classes) on a dark background.
inline gen::Dataset bar_images(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  gen::Dataset d;
  d.name = "bars";
  d.num_classes = 10;
  d.y = torch::arange(n, torch::kInt64).remainder(10);
  d.x = torch::rand({n, 1, 28, 28}) * 0.1;
  for (int64_t i = 0; i < n; ++i) d.x[i].narrow(1, 2 + 2 * (i % 10), 4).fill_(0.9);
  return d;
}

}  // namespace tp::test
