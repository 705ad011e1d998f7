#pragma once
// PQN's Q network (Gallici et al. 2024; purejaxql): LayerNorm after every hidden layer,
// before its activation, which is what lets PQN learn without a target network.
//   mlp:     [Linear -> LayerNorm -> act] per hidden width, then a linear Q head;
//   minatar: Conv 16 3x3 (valid) -> LayerNorm over the channels at each cell -> ReLU ->
//            Linear 128 -> LayerNorm -> ReLU -> linear Q head (purejaxql's MinAtar CNN).
// layer_norm false drops the LayerNorms (an ablation).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace tp::agents::pqn {

struct PqnNetworkOptions {
  std::string torso = "mlp";         // mlp | minatar
  std::vector<int64_t> input_shape;  // {n} for mlp, {C, H, W} for minatar
  int64_t num_actions = 0;
  std::vector<int64_t> hidden = {256, 256};  // mlp only
  std::string activation = "relu";           // mlp only
  bool layer_norm = true;
};

class PqnNetworkImpl : public torch::nn::Module {
 public:
  explicit PqnNetworkImpl(PqnNetworkOptions options);
  // [B, ...input_shape] -> [B, num_actions]
  torch::Tensor forward(torch::Tensor x);
  const PqnNetworkOptions& options() const { return options_; }
  const torch::nn::Sequential& torso() const { return torso_; }
  const torch::nn::Linear& head() const { return head_; }
  // e.g. "pqn:mlp:4:256-256-relu:ln:2"; checkpoints refuse a mismatch.
  std::string signature() const;

 private:
  PqnNetworkOptions options_;
  torch::nn::Sequential torso_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(PqnNetwork);

// "torso=mlp;shape=4;actions=2;hidden=256,256;activation=relu;layer_norm=1" and back (tp::Error
// naming a malformed spec).
std::string to_spec(const PqnNetworkOptions& options);
PqnNetworkOptions pqn_network_options_from_spec(const std::string& spec);

// forward(x: [B, ...input_shape]) -> Q values [B, actions], as TorchScript (`torchplay export`).
torch::jit::Module script_pqn_network(const PqnNetworkImpl& net);

// A fresh network with the same options and copied parameters.
PqnNetwork clone_pqn_network(const PqnNetwork& net);

}  // namespace tp::agents::pqn
