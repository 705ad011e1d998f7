#pragma once
// The network behind MCTS: encodes a batch of positions into one preallocated input
// tensor, runs the residual tower once under InferenceMode, and returns softmax priors and
// values. One call evaluates the leaves of many games at once (batched self-play).
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <utility>

#include "agents/alphazero/evaluator.h"
#include "nets/residual_tower.h"

namespace tp::agents {

class NetworkEvaluator final : public Evaluator {
 public:
  // `max_batch`: the largest batch one forward pass takes (bigger calls are split).
  NetworkEvaluator(nets::ResidualTower net, const envs::GameInfo& info, torch::Device device, int max_batch);
  // Any network with the tower's contract: planes [B, P, H, W] -> (logits [B, A], value [B])
  // (a TorchScript module made elsewhere, `--agent torchscript:FILE.pt`). Outputs of another
  // shape are a tp::Error naming `name`.
  using Forward = std::function<std::pair<torch::Tensor, torch::Tensor>(const torch::Tensor&)>;
  NetworkEvaluator(Forward forward, std::string name, const envs::GameInfo& info, torch::Device device, int max_batch);
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override;

  int64_t positions() const { return positions_; }
  int64_t batches() const { return batches_; }
  nets::ResidualTower& net() { return net_; }

 private:
  nets::ResidualTower net_{nullptr};  // null for a Forward
  Forward forward_;
  std::string name_;
  torch::Device device_;
  int max_batch_;
  int64_t plane_floats_, num_actions_;
  torch::Tensor input_;  // [max_batch, planes, height, width] on the CPU, filled in place
  int64_t positions_ = 0, batches_ = 0;
};

}  // namespace tp::agents
