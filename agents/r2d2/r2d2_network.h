#pragma once
// R2D2's recurrent Q network (Kapturowski et al. 2019): a torso (on image planes such as
// MinAtar's, first MinAtar DQN's convolution: 16 3x3 filters, valid, ReLU; then MLP widths),
// one torch::nn::LSTM layer, and a dueling head (Wang et al. 2016) or a linear one.
// Time-major: observations [T, B, obs], recurrent state (h, c) each [1, B, H].
#include <torch/torch.h>

#include <string>
#include <tuple>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace tp::agents::r2d2 {

struct R2d2NetworkOptions {
  int64_t obs_size = 0;         // flattened observation size
  std::vector<int64_t> planes;  // {C, H, W}: image observations, conv first; empty: a vector
  int64_t num_actions = 0;
  std::vector<int64_t> torso = {64};  // MLP widths before the LSTM
  int64_t lstm_size = 64;
  bool dueling = true;
};

// The LSTM's (h, c).
struct RecurrentState {
  torch::Tensor h, c;  // [1, B, H]
  static RecurrentState zeros(int64_t batch, int64_t size, torch::Device device = torch::kCPU);
};

class R2d2NetworkImpl : public torch::nn::Module {
 public:
  explicit R2d2NetworkImpl(R2d2NetworkOptions options);
  // obs [T, B, obs], state [1, B, H] -> Q [T, B, A] and the state after the last step.
  std::pair<torch::Tensor, RecurrentState> forward(const torch::Tensor& obs, const RecurrentState& state);
  const R2d2NetworkOptions& options() const { return options_; }
  // e.g. "r2d2:4:64-lstm64:dueling:2", "r2d2:4x10x10:c16-128-lstm512:dueling:3": checkpoints
  // refuse a mismatch.
  std::string signature() const;

  const torch::nn::Sequential& torso() const { return torso_; }
  const torch::nn::LSTM& lstm() const { return lstm_; }
  const torch::nn::Linear& value_head() const { return value_; }  // null without the dueling head
  const torch::nn::Linear& advantage_head() const { return advantage_; }

 private:
  R2d2NetworkOptions options_;
  torch::nn::Sequential torso_{nullptr};
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::Linear value_{nullptr}, advantage_{nullptr};
};
TORCH_MODULE(R2d2Network);

// The network as a TorchScript module acting one step at a time (`torchplay export`,
// docs/export.md): forward(obs [B, ...obs shape], h [1, B, H], c [1, B, H]) -> (Q [B, A], h, c),
// and initial_state(batch: int) -> (h, c), the zero state each episode starts from.
torch::jit::Module script_r2d2_network(const R2d2NetworkImpl& net);

// A fresh network with the same options and copied parameters.
R2d2Network clone_network(const R2d2Network& net);
// Copies `from`'s parameters into `to` (hard target sync).
void copy_parameters(const R2d2Network& from, R2d2Network& to);

}  // namespace tp::agents::r2d2
