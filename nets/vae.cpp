#include "nets/vae.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

namespace nn = torch::nn;

VAEImpl::VAEImpl(VAEOptions o) : options_(std::move(o)) {
  const int64_t c = options_.channels(), s = options_.image_size(), latent = options_.latent();
  TP_CHECK_AS(UsageError, latent > 0 && c > 0 && s > 0, "VAE sizes must be positive");
  encoder_ = nn::Sequential();
  decoder_ = nn::Sequential();
  if (options_.kind() == "mlp") {
    TP_CHECK_AS(UsageError, !options_.hidden().empty(), "an MLP VAE needs at least one hidden layer");
    int64_t in = c * s * s;
    encoder_->push_back(nn::Flatten());
    for (int64_t h : options_.hidden()) {
      encoder_->push_back(nn::Linear(in, h));
      encoder_->push_back(nn::ReLU());
      in = h;
    }
    encoder_->push_back(nn::Linear(in, 2 * latent));
    in = latent;
    for (auto it = options_.hidden().rbegin(); it != options_.hidden().rend(); ++it) {
      decoder_->push_back(nn::Linear(in, *it));
      decoder_->push_back(nn::ReLU());
      in = *it;
    }
    decoder_->push_back(nn::Linear(in, c * s * s));
    decoder_->push_back(nn::Unflatten(nn::UnflattenOptions(1, {c, s, s})));
  } else if (options_.kind() == "conv") {
    TP_CHECK_AS(UsageError, s % 4 == 0, "a conv VAE needs an image size that is a multiple of 4, not ", s);
    const int64_t b = s / 4;
    encoder_->push_back(nn::Conv2d(nn::Conv2dOptions(c, 32, 4).stride(2).padding(1)));
    encoder_->push_back(nn::ReLU());
    encoder_->push_back(nn::Conv2d(nn::Conv2dOptions(32, 64, 4).stride(2).padding(1)));
    encoder_->push_back(nn::ReLU());
    encoder_->push_back(nn::Flatten());
    encoder_->push_back(nn::Linear(64 * b * b, 2 * latent));
    decoder_->push_back(nn::Linear(latent, 64 * b * b));
    decoder_->push_back(nn::ReLU());
    decoder_->push_back(nn::Unflatten(nn::UnflattenOptions(1, {64, b, b})));
    decoder_->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(64, 32, 4).stride(2).padding(1)));
    decoder_->push_back(nn::ReLU());
    decoder_->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(32, c, 4).stride(2).padding(1)));
  } else {
    TP_THROW(UsageError, "unknown VAE kind '", options_.kind(), "' (mlp, conv)");
  }
  register_module("encoder", encoder_);
  register_module("decoder", decoder_);
}

std::pair<torch::Tensor, torch::Tensor> VAEImpl::encode(const torch::Tensor& x) {
  auto h = encoder_->forward(x);
  auto parts = h.chunk(2, 1);
  return {parts[0], parts[1]};
}

torch::Tensor VAEImpl::decode(const torch::Tensor& z) { return decoder_->forward(z); }

std::string VAEImpl::signature() const {
  std::string s = "vae-" + options_.kind() + ":c" + std::to_string(options_.channels()) + ":s" +
                  std::to_string(options_.image_size()) + ":z" + std::to_string(options_.latent());
  if (options_.kind() == "mlp")
    for (int64_t h : options_.hidden()) s += "-" + std::to_string(h);
  return s;
}

}  // namespace tp::nets
