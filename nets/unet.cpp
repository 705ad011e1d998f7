#include "nets/unet.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "nets/layers.h"

namespace tp::nets {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {
constexpr int64_t kDropoutLayers = 3;  // Isola et al.: CD512-CD512-CD512-C512-... in the decoder

// pix2pix's initialization: conv weights N(0, 0.02), BatchNorm scales N(1, 0.02), shifts 0.
// (Through the children: a module's own constructor cannot hand itself out as a shared_ptr.)
void init_pix2pix(nn::Module& m) {
  for (auto& child : m.children()) init_weights(*child, "normal0.02");
  torch::NoGradGuard no_grad;
  for (auto& sub : m.modules(false))
    if (auto* bn = sub->as<nn::BatchNorm2d>()) {
      nn::init::normal_(bn->weight, 1.0, 0.02);
      nn::init::zeros_(bn->bias);
    }
}

nn::Conv2dOptions conv4(int64_t in, int64_t out, int64_t stride, bool bias) {
  return nn::Conv2dOptions(in, out, 4).stride(stride).padding(1).bias(bias);
}
}  // namespace

UNetImpl::UNetImpl(UNetOptions o) : options_(std::move(o)) {
  TP_CHECK_AS(UsageError, options_.image_size() >= 8, "the U-Net needs images of at least 8x8, not ",
              options_.image_size());
  TP_CHECK_AS(UsageError, options_.in_channels() > 0 && options_.out_channels() > 0 && options_.ngf() > 0,
              "U-Net sizes must be positive");
  TP_CHECK_AS(UsageError, options_.dropout() >= 0 && options_.dropout() < 1, "dropout must be in [0, 1)");
  while ((int64_t{1} << depth_) < options_.image_size()) ++depth_;
  const int64_t ngf = options_.ngf();
  auto width = [&](int64_t level) { return ngf * std::min<int64_t>(int64_t{1} << level, 8); };
  down_ = register_module("down", nn::ModuleList());
  up_ = register_module("up", nn::ModuleList());
  for (int64_t i = 0; i < depth_; ++i) {
    nn::Sequential block;
    const bool outermost = i == 0, innermost = i == depth_ - 1;
    if (!outermost) block->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    const int64_t in = outermost ? options_.in_channels() : width(i - 1);
    const bool norm = !outermost && !innermost;
    block->push_back(nn::Conv2d(conv4(in, width(i), 2, !norm)));
    if (norm) block->push_back(nn::BatchNorm2d(width(i)));
    down_->push_back(block);
  }
  for (int64_t i = 0; i < depth_; ++i) {
    // Decoder layer i maps level i's features (plus, through the skip, the encoder's) to level i - 1.
    const bool outermost = i == 0, innermost = i == depth_ - 1;
    const int64_t in = innermost || !options_.skips() ? width(i) : 2 * width(i);
    const int64_t out = outermost ? options_.out_channels() : width(i - 1);
    nn::Sequential block;
    block->push_back(nn::ReLU());
    block->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1).bias(outermost)));
    if (outermost)
      block->push_back(nn::Tanh());
    else
      block->push_back(nn::BatchNorm2d(out));
    up_->push_back(block);
  }
  init_pix2pix(*this);
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x, const c10::optional<at::Generator>& generator) {
  const int64_t size = options_.image_size();
  TP_CHECK(x.dim() == 4 && x.size(1) == options_.in_channels() && x.size(2) == size && x.size(3) == size,
           "the U-Net takes (N, ", options_.in_channels(), ", ", size, ", ", size, ") inputs");
  const int64_t lo = (padded_size() - size) / 2, hi = padded_size() - size - lo;
  auto h = lo + hi > 0 ? F::pad(x, F::PadFuncOptions({lo, hi, lo, hi}).value(-1.0)) : x;
  std::vector<torch::Tensor> skips;
  for (int64_t i = 0; i < depth_; ++i) {
    h = down_[i]->as<nn::Sequential>()->forward(h);
    skips.push_back(h);
  }
  for (int64_t i = depth_ - 1; i >= 0; --i) {
    if (i < depth_ - 1 && options_.skips()) h = torch::cat({skips[static_cast<size_t>(i)], h}, 1);
    h = up_[i]->as<nn::Sequential>()->forward(h);
    if (depth_ - 1 - i < kDropoutLayers && i > 0 && options_.dropout() > 0) {
      const double keep = 1.0 - options_.dropout();
      h = h * (torch::rand(h.sizes(), generator, h.options()) < keep).to(h.dtype()) / keep;
    }
  }
  return h.narrow(2, lo, size).narrow(3, lo, size);
}

std::string UNetImpl::signature() const {
  return "unet:c" + std::to_string(options_.in_channels()) + ">" + std::to_string(options_.out_channels()) + ":s" +
         std::to_string(options_.image_size()) + ":ngf" + std::to_string(options_.ngf()) +
         (options_.skips() ? "" : ":noskip");
}

PatchDiscriminatorImpl::PatchDiscriminatorImpl(PatchDiscriminatorOptions o) : options_(std::move(o)) {
  TP_CHECK_AS(UsageError, options_.layers() >= 1 && options_.layers() <= 5, "PatchGAN layers must be in 1..5");
  TP_CHECK_AS(UsageError, options_.in_channels() > 0 && options_.ndf() > 0, "PatchGAN sizes must be positive");
  const int64_t ndf = options_.ndf();
  auto lrelu = [] { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); };
  net_ = register_module("net", nn::Sequential());
  net_->push_back(nn::Conv2d(conv4(options_.in_channels(), ndf, 2, true)));
  net_->push_back(lrelu());
  int64_t width = ndf;
  for (int64_t n = 1; n <= options_.layers(); ++n) {
    // The last of these is the stride-1 layer before the logits (Isola et al.'s C512 of 70x70).
    const int64_t out = ndf * std::min<int64_t>(int64_t{1} << n, 8);
    net_->push_back(nn::Conv2d(conv4(width, out, n < options_.layers() ? 2 : 1, false)));
    if (options_.instance_norm())
      net_->push_back(nn::InstanceNorm2d(nn::InstanceNorm2dOptions(out)));
    else
      net_->push_back(nn::BatchNorm2d(out));
    net_->push_back(lrelu());
    width = out;
  }
  net_->push_back(nn::Conv2d(conv4(width, 1, 1, true)));
  init_pix2pix(*this);
}

torch::Tensor PatchDiscriminatorImpl::forward(const torch::Tensor& pair) { return net_->forward(pair); }

int64_t PatchDiscriminatorImpl::receptive_field() const {
  // Backwards through the 4x4 convolutions: `layers` of stride 2, then two of stride 1.
  int64_t field = 1;
  for (int64_t i = 0; i < 2; ++i) field += 3;
  for (int64_t i = 0; i < options_.layers(); ++i) field = (field - 1) * 2 + 4;
  return field;
}

std::string PatchDiscriminatorImpl::signature() const {
  return "patchgan:c" + std::to_string(options_.in_channels()) + ":ndf" + std::to_string(options_.ndf()) + ":l" +
         std::to_string(options_.layers()) + (options_.instance_norm() ? ":in" : "");
}

}  // namespace tp::nets
