#pragma once
// Shuffled mini-batches over a dataset held in memory. One permutation per epoch drawn from
// LibTorch's default generator (which the run checkpoints), so a resumed run replays the same
// batches; the permutation itself is checkpointed for resuming mid-epoch. Batches are gathered
// into two reused buffers (no allocation per batch).
#include <torch/types.h>

#include <cstdint>
#include <utility>

namespace tp::gen {

class BatchLoader {
 public:
  // x: (N, ...) samples, y: (N) labels or undefined. The last batch may be smaller.
  BatchLoader(torch::Tensor x, torch::Tensor y, int64_t batch_size);
  int64_t batches_per_epoch() const;
  int64_t size() const { return x_.size(0); }
  void new_epoch();  // draws a fresh permutation
  const torch::Tensor& permutation() const { return perm_; }
  void set_permutation(const torch::Tensor& perm);  // restores a checkpointed one
  // Batch b (0-based) of the current epoch: views into the reused buffers, valid until the
  // next call. The label view is undefined when the set has no labels.
  std::pair<torch::Tensor, torch::Tensor> batch(int64_t b);

 private:
  torch::Tensor x_, y_, perm_, xbuf_, ybuf_;
  int64_t batch_size_;
};

}  // namespace tp::gen
