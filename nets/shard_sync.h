#pragma once
// Statistics over the whole batch when nets::DataParallel runs it as shards, one per part
// (nets/data_parallel.h). ShardSync sums a tensor over the parts of the running step,
// differentiably; a network whose layers take statistics over its batch (the DCGAN's
// BatchNorm and its discriminator's minibatch standard deviation) sums them through it, so a step split over two
// threads computes what the one-thread step computes, up to float summation order, instead
// of each half-batch's statistics (which cost the DCGAN 8 FID points: docs/generative.md).
// PyTorch's SyncBatchNorm does the same across processes.
#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/any.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tp::nets {

class ShardSync {
 public:
  explicit ShardSync(int parts);
  ShardSync(const ShardSync&) = delete;
  ShardSync& operator=(const ShardSync&) = delete;

  // DataParallel::run: the parts in `active` (ascending) run their shards from now until end().
  void begin(std::vector<int> active);
  void end();
  // A part failed: every part waiting in sum(), or arriving later in this step, throws instead
  // of waiting for it.
  void abort();
  bool running() const;

  // The sum over the running parts of their `local` (one shape on every part), added in part
  // order so every part gets the same bits. Every running part must call it the same number
  // of times, in the same order, as identical networks do. Differentiable: the gradient of a
  // part's `local` is the sum over the parts of the gradients of their results, which is how
  // the batch's loss depends on it.
  torch::Tensor sum(int part, const torch::Tensor& local);
  // The same without autograd (what sum() runs forward and backward).
  torch::Tensor sum_values(int part, const torch::Tensor& local);

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<torch::Tensor> slots_;  // one per part
  std::vector<int> active_;
  bool running_ = false, aborted_ = false;
  bool draining_ = false;  // every part arrived; the parts are taking their sums
  int arrived_ = 0, leaving_ = 0;
  uint64_t round_ = 0;
  std::atomic<uint64_t> ready_rounds_{0};  // rounds whose parts have all arrived (read while spinning)
  std::atomic<bool> aborting_{false};      // aborted_, read while spinning
};

// A network whose forward takes statistics over its batch. DataParallel binds part p's copy to
// its ShardSync; outside a DataParallel step, or with one part, the statistics are its own
// batch's.
class BatchStatistics {
 public:
  virtual ~BatchStatistics() = default;
  void bind_shards(ShardSync* sync, int part);
  // Unbinds if bound to `sync` (a DataParallel that goes away).
  void unbind_shards(const ShardSync* sync);

 protected:
  // Whether statistics are summed over shards now.
  bool shards_running() const { return sync_ != nullptr && sync_->running(); }
  // `local` summed over the shards of the running step; `local` itself otherwise.
  torch::Tensor sum_over_shards(const torch::Tensor& local) const;
  // The mean and biased variance of `x` over `dims` (the batch, and every shard of the running
  // step), from one sum over the shards: the count and the sums of x - shift and its square.
  // `shift` (a scalar, or x's shape with size 1 at `dims`) is the same on every part; near the
  // mean (a running mean) it keeps the one-pass variance's digits. Both results have x's shape
  // with `dims` dropped.
  struct Moments {
    torch::Tensor mean, var;
    double count = 0;  // elements per mean, over every shard
  };
  Moments moments_over_shards(const torch::Tensor& x, at::IntArrayRef dims, const torch::Tensor& shift) const;
  // layer(input), except that a BatchNorm2d in training takes the statistics of the whole
  // batch when shards run (as PyTorch's SyncBatchNorm). The layer stays a plain BatchNorm2d
  // (checkpoints, TorchScript export) because libtorch does not export what a class derived
  // from BatchNorm2dImpl needs to link.
  torch::Tensor forward_layer(torch::nn::AnyModule& layer, const torch::Tensor& input) const;

 private:
  ShardSync* sync_ = nullptr;
  int part_ = 0;
};

}  // namespace tp::nets
