#include "nets/mlp.h"

#include <torch/torch.h>

#include "nets/layers.h"

namespace tp::nets {

MLPImpl::MLPImpl(MLPOptions options) : options_(std::move(options)) {
  layers_ = register_module("layers", torch::nn::Sequential());
  int64_t in = options_.in();
  for (int64_t h : options_.hidden()) {
    layers_->push_back(torch::nn::Linear(in, h));
    layers_->push_back(make_activation(options_.activation()));
    if (options_.dropout() > 0) layers_->push_back(torch::nn::Dropout(options_.dropout()));
    in = h;
  }
  layers_->push_back(torch::nn::Linear(in, options_.out()));
}

torch::Tensor MLPImpl::forward(torch::Tensor x) { return layers_->forward(x.flatten(1)); }

std::string MLPImpl::signature() const {
  std::string s = "mlp:" + std::to_string(options_.in());
  for (int64_t h : options_.hidden()) s += "-" + std::to_string(h);
  s += "-" + std::to_string(options_.out()) + ":" + options_.activation();
  return s;
}

}  // namespace tp::nets
