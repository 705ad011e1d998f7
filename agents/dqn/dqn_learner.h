#pragma once
// The DQN learner: online network Q(.;theta), target network Q(.;theta-) (a deep copy),
// the optimizer, greedy action selection and the one-gradient-step update.
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "agents/dqn/replay_memory.h"
#include "nets/flat_parameters.h"
#include "nets/optimizer.h"
#include "nets/q_networks.h"

namespace torch::optim {
class Optimizer;
}
namespace tp::nets {
class DenseQKernel;
}

namespace tp::agents::dqn {

struct LearnerSettings {
  double gamma = 0.99;
  bool double_dqn = false;
  double huber_delta = 1.0;
  double max_grad_norm = 0.0;  // 0: off
  double target_tau = 0.0;     // 0: hard sync (sync_target copies), else Polyak
  // auto: compute Q values and gradients with nets::DenseQKernel (the same numbers without
  // autograd's per-operator cost) when its plan accepts the network on the CPU, else
  // autograd. off: always autograd (tests compare the two).
  std::string dense_kernel = "auto";
  // Where the networks, the flat parameters and the optimizer state live; batches and
  // observations arrive on the CPU and are moved here. The dense kernel is CPU-only: its
  // plan declines parameters elsewhere, so another device takes the autograd path.
  torch::Device device = torch::kCPU;
};

struct UpdateResult {
  double loss = 0.0;
  double q_mean = 0.0;
  torch::Tensor abs_td_error;  // [B] |y - Q(s,a)| (for prioritized replay)
};

class DqnLearner {
 public:
  DqnLearner(const nets::QNetworkOptions& net, const nets::OptimizerOptions& opt, LearnerSettings settings);
  ~DqnLearner();

  // argmax_a Q(obs, a; theta) for one observation (inference mode, no autograd).
  int greedy_action(const float* obs);
  // argmax for a batch [B, obs...] into `out` (inference mode).
  void greedy_actions(const torch::Tensor& obs, std::vector<int>& out);
  // One gradient step on the minibatch (see the .cpp: it follows Mnih et al. 2015, Alg. 1).
  UpdateResult update(const ReplayBatch& batch);
  // After each gradient step: hard copy (caller decides when) or Polyak step.
  void sync_target_hard();
  void sync_target_soft();

  nets::QNetwork& online() { return online_; }
  const nets::QNetwork& online() const { return online_; }
  nets::QNetwork& target() { return target_; }
  torch::optim::Optimizer& optimizer() { return *optimizer_; }
  // Call after loading weights and optimizer state from a checkpoint (loading rebinds
  // parameter storage, on the CPU): rebinds the flat parameters and moves the target network
  // and the optimizer state back to settings().device.
  void after_load();
  const LearnerSettings& settings() const { return settings_; }
  // Whether update() and the greedy actions run on the dense kernel; if not, why (e.g. the
  // network has a layer the kernel does not compute, or --dense-kernel off).
  bool uses_dense_kernel() const { return dense_ != nullptr; }
  const std::string& dense_kernel_declined() const { return dense_declined_; }

 private:
  // The gradient step: clip the global norm, then the optimizer.
  void clip_and_step();

  LearnerSettings settings_;
  nets::QNetwork online_{nullptr}, target_{nullptr};
  // The online parameters live in one flat tensor, which the optimizer and the gradient
  // clip act on: a handful of ops per update instead of a handful per parameter.
  std::unique_ptr<nets::FlatParameters> flat_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::vector<int64_t> obs_shape_1_;  // {1, obs...}
  int64_t num_actions_ = 0;
  std::unique_ptr<nets::DenseQKernel> dense_;
  std::string dense_declined_;
  std::vector<float> q_buf_, q_next_buf_, q_next_online_buf_, y_buf_, dq_buf_;
};

}  // namespace tp::agents::dqn
