#pragma once
// A3C (Mnih et al. 2016, Algorithm S3): worker threads, each with its own envs and a local
// copy of the network, compute gradients on their own n-step rollouts and apply them to the
// shared parameters with shared RMSProp statistics (the paper's "shared RMSProp").
#include <torch/nn/module.h>

#include <memory>
#include <mutex>
#include <vector>

#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/pg_run.h"
#include "envs/registry.h"

namespace tp::agents::pg {

// The shared RMSProp of Mnih et al. 2016 ("Optimization"): g <- alpha g + (1 - alpha) d^2;
// theta <- theta - lr d / sqrt(g + eps), with the statistics g shared by every worker. With
// `lock` a mutex serialises the workers' reads and writes of the shared parameters; without it
// they run lock-free, as the paper's Hogwild-style updates do (concurrent in-place writes to
// the same tensors, by design: an update may interleave with another).
class SharedRmsProp {
 public:
  SharedRmsProp(torch::nn::Module& shared, double alpha, double eps, bool lock);
  // Copies the shared parameters into `local` (a network of the same architecture).
  void read_into(torch::nn::Module& local);
  // Applies the gradients held by `local`'s parameters to the shared ones.
  void apply(const torch::nn::Module& local, double lr);
  std::vector<torch::Tensor>& square_averages() { return square_avg_; }
  const std::vector<torch::Tensor>& square_averages() const { return square_avg_; }

 private:
  torch::nn::Module& shared_;
  double alpha_, eps_;
  bool lock_;
  std::vector<torch::Tensor> square_avg_;  // one per shared parameter
  std::mutex mutex_;
};

std::unique_ptr<PgRun> make_a3c_run(const PgOptions& options, const envs::EnvRegistry& registry, uint64_t seed,
                                    torch::Device device);

}  // namespace tp::agents::pg
