#include "nets/autoencoder.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

AutoencoderImpl::AutoencoderImpl(AutoencoderOptions o) : options_(std::move(o)) {
  const auto& s = options_.sizes();
  TP_CHECK_AS(UsageError, s.size() >= 2, "an autoencoder needs an input size and at least one hidden level");
  for (int64_t v : s) TP_CHECK_AS(UsageError, v > 0, "autoencoder layer sizes must be positive");
  const auto& a = options_.activation();
  TP_CHECK_AS(UsageError, a == "sigmoid" || a == "relu" || a == "tanh", "unknown autoencoder activation '", a,
              "' (sigmoid, relu, tanh)");
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    encoders_.push_back(register_module("enc" + std::to_string(i), torch::nn::Linear(s[i], s[i + 1])));
    decoders_.push_back(register_module("dec" + std::to_string(i), torch::nn::Linear(s[i + 1], s[i])));
  }
}

torch::Tensor AutoencoderImpl::activate(const torch::Tensor& t) const {
  const auto& a = options_.activation();
  if (a == "sigmoid") return torch::sigmoid(t);
  if (a == "relu") return torch::relu(t);
  return torch::tanh(t);
}

torch::Tensor AutoencoderImpl::encode_layer(int64_t i, const torch::Tensor& h) {
  return activate(encoders_.at(static_cast<size_t>(i))->forward(h));
}

torch::Tensor AutoencoderImpl::decode_layer_logits(int64_t i, const torch::Tensor& code) {
  return decoders_.at(static_cast<size_t>(i))->forward(code);
}

torch::Tensor AutoencoderImpl::encode(const torch::Tensor& x, int64_t levels) {
  if (levels < 0) levels = this->levels();
  TP_CHECK(levels <= this->levels(), "the autoencoder has only ", this->levels(), " levels");
  auto h = x.flatten(1);
  for (int64_t i = 0; i < levels; ++i) h = encode_layer(i, h);
  return h;
}

torch::Tensor AutoencoderImpl::reconstruct_logits(const torch::Tensor& x) {
  auto h = encode(x);
  for (int64_t i = levels() - 1; i >= 0; --i) {
    h = decode_layer_logits(i, h);
    if (i > 0) h = activate(h);
  }
  return h;
}

std::vector<torch::Tensor> AutoencoderImpl::layer_parameters(int64_t i) {
  auto p = encoders_.at(static_cast<size_t>(i))->parameters();
  auto d = decoders_.at(static_cast<size_t>(i))->parameters();
  p.insert(p.end(), d.begin(), d.end());
  return p;
}

std::string AutoencoderImpl::signature() const {
  std::string s = "ae:";
  for (size_t i = 0; i < options_.sizes().size(); ++i) s += (i ? "-" : "") + std::to_string(options_.sizes()[i]);
  return s + ":" + options_.activation();
}

}  // namespace tp::nets
