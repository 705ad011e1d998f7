#pragma once
// Action-value networks for DQN: a torso (MLP for vector observations, the MinAtar network,
// the Nature CNN) followed by a linear Q head or a dueling head (Wang et al. 2016).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

namespace tp::nets {

struct QNetworkOptions {
  // mlp | minatar | nature
  std::string torso = "mlp";
  // Observation shape: {n} for mlp, {C, 10, 10} for minatar, {C, 84, 84} for nature.
  std::vector<int64_t> input_shape;
  int64_t num_actions = 0;
  // mlp only: hidden layer widths (the last one is the feature width fed to the head).
  std::vector<int64_t> hidden = {64, 64};
  std::string activation = "relu";  // mlp only
  // Q(s,a) = V(s) + A(s,a) - mean_a A(s,a) (Wang et al. 2016, eq. 9) instead of a linear head.
  bool dueling = false;
};

class QNetworkImpl : public torch::nn::Module {
 public:
  explicit QNetworkImpl(QNetworkOptions options);
  // [B, ...input_shape] -> [B, num_actions]
  torch::Tensor forward(torch::Tensor x);
  const QNetworkOptions& options() const { return options_; }
  // e.g. "q:minatar:4x10x10:16c3-128:dueling:6"; checkpoints refuse a mismatch.
  std::string signature() const;

  // The layers forward() runs: torso, then q_head (plain) or value_head and advantage_head
  // (dueling; the other head is null). Read by nets::DenseQPlan, which computes the same
  // network by hand from these layers rather than from a second description of the shapes.
  const torch::nn::Sequential& torso() const { return torso_; }
  const torch::nn::Linear& q_head() const { return q_head_; }
  const torch::nn::Linear& value_head() const { return value_head_; }
  const torch::nn::Linear& advantage_head() const { return advantage_head_; }

 private:
  QNetworkOptions options_;
  torch::nn::Sequential torso_{nullptr};
  torch::nn::Linear q_head_{nullptr};          // plain head
  torch::nn::Linear value_head_{nullptr};      // dueling: V(s)
  torch::nn::Linear advantage_head_{nullptr};  // dueling: A(s, a)
};
TORCH_MODULE(QNetwork);

// Options as one line "torso=mlp;shape=4;actions=2;hidden=64,64;activation=relu;dueling=0"
// (stored in checkpoints so a loader can rebuild the network) and back (CheckpointError-free:
// throws tp::Error naming the malformed part).
std::string to_spec(const QNetworkOptions& options);
QNetworkOptions q_network_options_from_spec(const std::string& spec);

// A fresh network with the same options and (deep-copied) parameters and buffers.
QNetwork clone_q_network(const QNetwork& net);

}  // namespace tp::nets
