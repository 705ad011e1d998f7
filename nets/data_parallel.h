#pragma once
// Data parallelism inside one process (docs/performance.md). Each training step's batch is
// cut into one shard per part, and part p runs its shard's forward and backward on its own
// thread, through copy p of the networks. A copy shares the network's parameters (the same
// storage), so nothing is copied when the optimizer steps, but it has its own gradients and
// its own buffers (BatchNorm statistics). Then each part sums the copies' gradients of its
// share of the parameters into the network's, in part order, and steps the optimizer for that
// share. One part is exactly the plain single-threaded step.
//
// Per-parameter optimizers (SGD, RMSprop, Adam, ...) give the same update whichever thread
// computes it, so a run differs from the one-part run only by how the batch gradient is summed
// and by BatchNorm's statistics being those of each shard, as in every data-parallel trainer,
// except in layers that sum their statistics over the shards (nets/shard_sync.h: part p's
// copy is bound to the run's ShardSync when the network is added).
// Each part draws its noise from its own generator, seeded from LibTorch's default one, so a
// run is reproducible for a given number of parts.
#include <ATen/core/Generator.h>
#include <c10/util/Optional.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "core/part_pool.h"
#include "nets/optimizer.h"

namespace tp {
class ProcessGroup;
}

namespace tp::nets {

// One part's rows of the batch.
struct Shard {
  int64_t begin = 0, size = 0;  // rows [begin, begin + size)
  // size / rows: a shard's mean loss times its weight sums over the parts to the batch mean.
  double weight = 1;
  // The part's random stream; nullopt (LibTorch's default generator) when there is one part.
  c10::optional<at::Generator> generator;
};

class ShardSync;

class DataParallel {
 public:
  explicit DataParallel(int parts);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  int parts() const { return pool_.parts(); }
  // A network trained in parallel: copies[0] is the network itself, copies[p] a module of the
  // same architecture for part p (parts() of them). The copies' own parameter values are
  // dropped: from the next run() on they share the network's. Networks live on the CPU.
  void add_network(std::vector<std::shared_ptr<torch::nn::Module>> copies);

  // Clears every copy's gradients (the networks' own included), gives the copies the
  // networks' buffers and train/eval mode, then calls shard(p, s) for every part p whose
  // shard of `rows` is not empty, each on its own thread, and waits. Shards are contiguous
  // and as equal as possible, in whole multiples of `unit` rows (rows must be one). Afterwards
  // every network's floating-point buffers are the mean of its copies'. Returns the sum, in
  // part order and element by element, of the values the shards returned (each shard's
  // weighted share of the batch's losses, say).
  using ShardFn = std::function<std::vector<double>(int part, const Shard& shard)>;
  std::vector<double> run(int64_t rows, const ShardFn& shard, int64_t unit = 1);

  // Sums every copy's gradients into the network parameters `optimizer` holds and steps it,
  // each part its share of the parameters (balanced by size). `options` are the ones
  // `optimizer` was made with (nets/optimizer.h); it must have one parameter group. With one
  // part: optimizer.step().
  void step(torch::optim::Optimizer& optimizer, const OptimizerOptions& options);

  // Makes the networks one replica of a distributed run (core/process_group.h), with the
  // semantics of PyTorch's DistributedDataParallel: each rank runs its own rows of every batch
  // (rows > 0 on every rank), run() returns the values' mean over all ranks' rows, step() sums
  // the ranks' gradients, each weighted by its share of the rows, before the optimizer steps,
  // and floating buffers end as the ranks' mean, so replicas that start alike stay alike. Each
  // rank draws its noise from streams of its own, even with one part.
  void join(ProcessGroup& group);

 private:
  void all_reduce_buffers();

  struct Network;
  struct ShardedOptimizer;
  ShardedOptimizer& sharded(torch::optim::Optimizer& optimizer, const OptimizerOptions& options);

  PartPool pool_;
  std::unique_ptr<ShardSync> sync_;        // the running step's cross-shard sums
  std::vector<at::Generator> generators_;  // one per part
  std::vector<std::unique_ptr<Network>> networks_;
  std::map<const torch::optim::Optimizer*, std::unique_ptr<ShardedOptimizer>> optimizers_;
  ProcessGroup* group_ = nullptr;
  double rank_weight_ = 1;  // this rank's rows over all ranks' in the last run()
};

// The sum over the ranks of `group` of each rank's gradients of `params` times `weight`
// (undefined gradients count as zeros), in one all-reduce, into every rank's gradients: with
// weight 1 / world size, DistributedDataParallel's mean.
void all_reduce_gradients(ProcessGroup& group, const std::vector<torch::Tensor>& params, double weight);

// One network split over parts: its DataParallel and its part copies (copies[p] is part p's,
// copies[0] the network itself). Holder is a TORCH_MODULE holder.
template <class Holder>
struct SplitNetwork {
  std::unique_ptr<DataParallel> parallel;
  std::vector<Holder> copies;

  // Splits `net` over `parts` parts, the copies made by make(); returns `parts`. The copies'
  // own initial weights are dropped: they share the network's.
  template <class Make>
  int split(int parts, const Holder& net, const Make& make) {
    parallel = std::make_unique<DataParallel>(parts);
    copies = {net};
    std::vector<std::shared_ptr<torch::nn::Module>> modules = {net.ptr()};
    for (int p = 1; p < parts; ++p) {
      copies.push_back(make());
      modules.push_back(copies.back().ptr());
    }
    parallel->add_network(std::move(modules));
    return parts;
  }
};

}  // namespace tp::nets
