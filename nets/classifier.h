#pragma once
// A small CNN image classifier: two conv(3x3)-BatchNorm-ReLU-maxpool blocks (32, 64 maps),
// a 128-unit hidden layer (dropout 0.5) and the class logits. Trained on Fashion-MNIST it
// reaches > 90% test accuracy in a few epochs; its 128-d hidden layer gives the features of
// the "classifier FID" and its softmax the classifier Inception Score (generative/eval).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>

namespace tp::nets {

struct SmallCNNOptions {
  TORCH_ARG(int64_t, channels) = 1;
  TORCH_ARG(int64_t, image_size) = 28;  // a multiple of 4
  TORCH_ARG(int64_t, num_classes) = 10;
  TORCH_ARG(int64_t, features) = 128;
  TORCH_ARG(double, dropout) = 0.5;
};

class SmallCNNImpl : public torch::nn::Module {
 public:
  explicit SmallCNNImpl(SmallCNNOptions options);
  // x in [0, 1], (N, C, H, W). The penultimate features, (N, features).
  torch::Tensor features(const torch::Tensor& x);
  torch::Tensor forward(const torch::Tensor& x);  // logits (N, classes)
  // The second convolution block's activations before its pooling, (N, 64, H/2, W/2): the
  // maps of a perceptual loss (as VGG's phi_5,4 in SRGAN).
  torch::Tensor feature_maps(const torch::Tensor& x);
  const SmallCNNOptions& options() const { return options_; }
  std::string signature() const;

 private:
  SmallCNNOptions options_;
  torch::nn::Sequential body_{nullptr}, head_{nullptr};
};
TORCH_MODULE(SmallCNN);

}  // namespace tp::nets
