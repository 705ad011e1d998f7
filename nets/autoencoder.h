#pragma once
// Fully connected autoencoder as a stack of (encoder, decoder) layer pairs, so it serves
// both end-to-end training (plain and denoising AE) and greedy layer-wise pre-training of a
// stacked (denoising) autoencoder (Bengio et al. 2007; Vincent et al. 2010): pair i maps
// level i to level i+1 and back. Hidden units use `activation` (sigmoid in Vincent et al.);
// every decoder returns pre-activation values, so reconstructions are logits trained with
// cross-entropy against targets in [0, 1].
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

namespace tp::nets {

struct AutoencoderOptions {
  explicit AutoencoderOptions(std::vector<int64_t> sizes) : sizes_(std::move(sizes)) {}
  TORCH_ARG(std::vector<int64_t>, sizes);  // input size, then each hidden level: {784, 500, 500}
  TORCH_ARG(std::string, activation) = "sigmoid";
};

class AutoencoderImpl : public torch::nn::Module {
 public:
  explicit AutoencoderImpl(AutoencoderOptions options);
  int64_t levels() const { return static_cast<int64_t>(encoders_.size()); }
  // Code of x (flattened) after the first `levels` encoders (-1: all).
  torch::Tensor encode(const torch::Tensor& x, int64_t levels = -1);
  // Level i+1 from level i, and the decoder's logits of level i from level i+1.
  torch::Tensor encode_layer(int64_t i, const torch::Tensor& h);
  torch::Tensor decode_layer_logits(int64_t i, const torch::Tensor& code);
  // Logits of the full reconstruction of x (flattened), decoding back down every level.
  torch::Tensor reconstruct_logits(const torch::Tensor& x);
  // Parameters of pair i (its encoder and decoder) for greedy training.
  std::vector<torch::Tensor> layer_parameters(int64_t i);
  const AutoencoderOptions& options() const { return options_; }
  std::string signature() const;

 private:
  torch::Tensor activate(const torch::Tensor& t) const;
  AutoencoderOptions options_;
  std::vector<torch::nn::Linear> encoders_, decoders_;
};
TORCH_MODULE(Autoencoder);

}  // namespace tp::nets
