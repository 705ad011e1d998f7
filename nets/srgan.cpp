#include "nets/srgan.h"

#include <torch/torch.h>

#include "core/error.h"
#include "nets/layers.h"

namespace tp::nets {

namespace nn = torch::nn;

namespace {
nn::Conv2d srgan_conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, bool bias = true) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(bias));
}
nn::LeakyReLU lrelu() { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); }
}  // namespace

SRResNetImpl::SRResNetImpl(SRResNetOptions o) : options_(std::move(o)) {
  const int64_t w = options_.width(), c = options_.channels();
  TP_CHECK_AS(UsageError, w > 0 && c > 0 && options_.blocks() >= 0, "SRResNet sizes must be positive");
  TP_CHECK_AS(UsageError, options_.scale() >= 2 && (options_.scale() & (options_.scale() - 1)) == 0,
              "the SRResNet scale must be a power of two >= 2, not ", options_.scale());
  head_ = register_module("head", nn::Sequential(srgan_conv(c, w, 9), nn::PReLU()));
  blocks_ = register_module("blocks", nn::ModuleList());
  for (int64_t b = 0; b < options_.blocks(); ++b)
    blocks_->push_back(nn::Sequential(srgan_conv(w, w, 3, 1, false), nn::BatchNorm2d(w), nn::PReLU(),
                                      srgan_conv(w, w, 3, 1, false), nn::BatchNorm2d(w)));
  trunk_end_ = register_module("trunk_end", nn::Sequential(srgan_conv(w, w, 3, 1, false), nn::BatchNorm2d(w)));
  tail_ = register_module("tail", nn::Sequential());
  for (int64_t s = options_.scale(); s > 1; s /= 2) {
    tail_->push_back(srgan_conv(w, 4 * w, 3));
    tail_->push_back(nn::PixelShuffle(nn::PixelShuffleOptions(2)));
    tail_->push_back(nn::PReLU());
  }
  tail_->push_back(srgan_conv(w, c, 9));
  tail_->push_back(nn::Tanh());
}

torch::Tensor SRResNetImpl::forward(const torch::Tensor& x) {
  TP_CHECK(x.dim() == 4 && x.size(1) == options_.channels(), "SRResNet takes (N, ", options_.channels(),
           ", h, w) images");
  const auto first = head_->forward(x);
  auto h = first;
  for (const auto& block : *blocks_) h = h + block->as<nn::Sequential>()->forward(h);
  return tail_->forward(first + trunk_end_->forward(h));
}

std::string SRResNetImpl::signature() const {
  return "srresnet:c" + std::to_string(options_.channels()) + ":x" + std::to_string(options_.scale()) + ":w" +
         std::to_string(options_.width()) + ":b" + std::to_string(options_.blocks());
}

SRGANDiscriminatorImpl::SRGANDiscriminatorImpl(SRGANDiscriminatorOptions o) : options_(std::move(o)) {
  const int64_t ndf = options_.ndf();
  TP_CHECK_AS(UsageError, ndf > 0 && options_.channels() > 0 && options_.image_size() >= 8,
              "SRGAN discriminator sizes must be positive (images >= 8x8)");
  net_ = register_module("net", nn::Sequential(srgan_conv(options_.channels(), ndf, 3), lrelu()));
  const int64_t widths[] = {ndf, 2 * ndf, 2 * ndf, 4 * ndf, 4 * ndf, 8 * ndf, 8 * ndf};
  int64_t in = ndf, size = options_.image_size();
  for (int i = 0; i < 7; ++i) {
    const int64_t stride = i % 2 == 0 ? 2 : 1;
    net_->push_back(srgan_conv(in, widths[i], 3, stride, false));
    net_->push_back(nn::BatchNorm2d(widths[i]));
    net_->push_back(lrelu());
    if (stride == 2) size = (size + 1) / 2;  // 3x3, padding 1
    in = widths[i];
  }
  net_->push_back(nn::Flatten());
  net_->push_back(nn::Linear(in * size * size, 16 * ndf));
  net_->push_back(lrelu());
  net_->push_back(nn::Linear(16 * ndf, 1));
}

torch::Tensor SRGANDiscriminatorImpl::forward(const torch::Tensor& x) { return net_->forward(x).view({-1}); }

std::string SRGANDiscriminatorImpl::signature() const {
  return "srgan-d:c" + std::to_string(options_.channels()) + ":s" + std::to_string(options_.image_size()) + ":ndf" +
         std::to_string(options_.ndf());
}

}  // namespace tp::nets
