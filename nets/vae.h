#pragma once
// Variational autoencoder networks (Kingma & Welling 2014): a Gaussian encoder q(z|x)
// giving (mu, log sigma^2) and a decoder giving Bernoulli logits p(x|z) per pixel.
// "mlp": x -> hidden (ReLU) -> (mu, logvar); z -> hidden (ReLU) -> logits (the paper's and
// PyTorch's example model is 784-400-20). "conv": two stride-2 convolutions (32, 64 maps) and
// a linear layer to (mu, logvar); the decoder mirrors it with transposed convolutions.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <utility>
#include <vector>

namespace tp::nets {

struct VAEOptions {
  TORCH_ARG(std::string, kind) = "mlp";  // mlp | conv
  TORCH_ARG(int64_t, channels) = 1;
  TORCH_ARG(int64_t, image_size) = 28;  // conv: a multiple of 4
  TORCH_ARG(std::vector<int64_t>, hidden) = std::vector<int64_t>{400};
  TORCH_ARG(int64_t, latent) = 20;
};

class VAEImpl : public torch::nn::Module {
 public:
  explicit VAEImpl(VAEOptions options);
  // x: (N, C, H, W) in [0, 1]. Returns (mu, logvar), each (N, latent).
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x);
  // z: (N, latent). Returns Bernoulli logits shaped like the images.
  torch::Tensor decode(const torch::Tensor& z);
  const VAEOptions& options() const { return options_; }
  std::string signature() const;

 private:
  VAEOptions options_;
  torch::nn::Sequential encoder_{nullptr}, decoder_{nullptr};
};
TORCH_MODULE(VAE);

}  // namespace tp::nets
