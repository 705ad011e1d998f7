#pragma once
// Multi-layer perceptron: Linear -> activation (-> dropout) ... -> Linear (no output activation).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

namespace tp::nets {

struct MLPOptions {
  MLPOptions(int64_t in, std::vector<int64_t> hidden, int64_t out) : in_(in), hidden_(std::move(hidden)), out_(out) {}
  TORCH_ARG(int64_t, in);
  TORCH_ARG(std::vector<int64_t>, hidden);
  TORCH_ARG(int64_t, out);
  TORCH_ARG(std::string, activation) = "relu";  // relu | tanh | leaky_relu | elu | gelu | silu
  TORCH_ARG(double, dropout) = 0.0;
};

class MLPImpl : public torch::nn::Module {
 public:
  explicit MLPImpl(MLPOptions options);
  torch::Tensor forward(torch::Tensor x);
  const MLPOptions& options() const { return options_; }
  // "mlp:4-64-64-2:relu" — the architecture signature stored in checkpoints.
  std::string signature() const;
  // The layers forward() runs after flattening its input to [B, in] (nets::DenseQPlan reads them).
  const torch::nn::Sequential& layers() const { return layers_; }

 private:
  MLPOptions options_;
  torch::nn::Sequential layers_{nullptr};
};
TORCH_MODULE(MLP);

}  // namespace tp::nets
