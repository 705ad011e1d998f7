#include "nets/classifier.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

namespace nn = torch::nn;

SmallCNNImpl::SmallCNNImpl(SmallCNNOptions o) : options_(std::move(o)) {
  const int64_t s = options_.image_size();
  TP_CHECK_AS(UsageError, s % 4 == 0 && s > 0, "the classifier needs an image size that is a multiple of 4, not ", s);
  body_ = register_module(
      "body", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(options_.channels(), 32, 3).padding(1).bias(false)),
                             nn::BatchNorm2d(32), nn::ReLU(), nn::MaxPool2d(2),
                             nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(1).bias(false)), nn::BatchNorm2d(64),
                             nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                             nn::Linear(64 * (s / 4) * (s / 4), options_.features()), nn::ReLU()));
  head_ = register_module(
      "head", nn::Sequential(nn::Dropout(options_.dropout()), nn::Linear(options_.features(), options_.num_classes())));
}

torch::Tensor SmallCNNImpl::features(const torch::Tensor& x) { return body_->forward(x); }
torch::Tensor SmallCNNImpl::feature_maps(const torch::Tensor& x) {
  constexpr size_t kLayers = 7;  // conv-BN-ReLU-pool-conv-BN-ReLU
  auto h = x;
  size_t i = 0;
  for (auto it = body_->begin(); it != body_->end() && i < kLayers; ++it, ++i) h = it->forward(h);
  return h;
}

torch::Tensor SmallCNNImpl::forward(const torch::Tensor& x) { return head_->forward(body_->forward(x)); }

std::string SmallCNNImpl::signature() const {
  return "smallcnn:c" + std::to_string(options_.channels()) + ":s" + std::to_string(options_.image_size()) + ":k" +
         std::to_string(options_.num_classes()) + ":f" + std::to_string(options_.features());
}

}  // namespace tp::nets
