#pragma once
// A generator and, for a model with an adversarial loss, a discriminator, each with an Adam
// optimizer of the same settings and its data-parallel part copies (nets/data_parallel.h):
// what the image-to-image models (pix2pix, SRGAN) hold. Checkpoints name the networks
// PREFIX.g, PREFIX.d and their optimizers PREFIX.opt_g, PREFIX.opt_d.
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nets/data_parallel.h"
#include "nets/optimizer.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
class ProcessGroup;
}  // namespace tp

namespace tp::gen {

class AdversarialPair {
 public:
  using Make = std::function<std::shared_ptr<torch::nn::Module>()>;
  // The networks from make_g and make_d (empty: no discriminator), each with Adam of `lr` and
  // `beta1`, `beta2`; one part until split().
  AdversarialPair(std::string prefix, Make make_g, Make make_d, double lr, double beta1, double beta2);
  bool has_d() const { return static_cast<bool>(d_); }
  // Part `part`'s copy (0: the network itself), as the module type `Impl` it was made as.
  template <class Impl>
  Impl& g(int part = 0) {
    return static_cast<Impl&>(*g_copies_.at(static_cast<size_t>(part)));
  }
  template <class Impl>
  Impl& d(int part = 0) {
    return static_cast<Impl&>(*d_copies_.at(static_cast<size_t>(part)));
  }
  torch::nn::Module& g_module() { return *g_; }
  torch::nn::Module& d_module() { return *d_; }
  // One data-parallel step of G (of D): shard(part, shard) runs each part's forward and
  // backward on its rows of the batch (nets::DataParallel::run), then the optimizer steps.
  // Returns the sums of the values the shards returned.
  std::vector<double> train_g(int64_t rows, const nets::DataParallel::ShardFn& shard);
  std::vector<double> train_d(int64_t rows, const nets::DataParallel::ShardFn& shard);

  // Sets both optimizers' learning rate (a schedule; the sharded copies take it at their step).
  void set_lr(double lr);
  int split(int parts);  // returns parts
  void join(ProcessGroup& group) { parallel_->join(group); }
  void to(torch::Device device);
  void save(CheckpointWriter& writer) const;
  void load(CheckpointReader& reader);

 private:
  std::string prefix_;
  Make make_g_, make_d_;
  nets::OptimizerOptions adam_;
  std::shared_ptr<torch::nn::Module> g_, d_;
  std::unique_ptr<torch::optim::Optimizer> opt_g_, opt_d_;
  std::vector<std::shared_ptr<torch::nn::Module>> g_copies_, d_copies_;
  std::unique_ptr<nets::DataParallel> parallel_;
};

// Binary cross-entropy of logits against one target for all (1: real, 0: generated).
torch::Tensor bce_against(const torch::Tensor& logits, double target);
// A shard's weighted share of the D step's metrics: its loss, and the mean probabilities D
// gives real and generated images (loss_d, d_real, d_fake).
std::vector<double> discriminator_values(const torch::Tensor& loss_d, const torch::Tensor& d_real,
                                         const torch::Tensor& d_fake, double weight);
// A shard's rows of a batch tensor.
torch::Tensor shard_rows(const torch::Tensor& t, const nets::Shard& shard);

}  // namespace tp::gen
