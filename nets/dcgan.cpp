#include "nets/dcgan.h"

#include <torch/torch.h>

#include "core/error.h"
#include "nets/layers.h"
#include "nets/shard_sync.h"

namespace tp::nets {

namespace nn = torch::nn;

namespace {
void check_options(const DCGANOptions& o) {
  TP_CHECK_AS(UsageError, o.image_size() >= 8 && o.image_size() % 4 == 0,
              "DCGAN image size must be a multiple of 4, not ", o.image_size());
  TP_CHECK_AS(UsageError,
              o.z_dim() > 0 && o.ngf() > 0 && o.ndf() > 0 && o.channels() > 0 && o.num_classes() >= 0 && o.pack() > 0,
              "DCGAN sizes must be positive");
}
std::string common_signature(const DCGANOptions& o) {
  return "z" + std::to_string(o.z_dim()) + ":c" + std::to_string(o.channels()) + ":s" + std::to_string(o.image_size()) +
         ":k" + std::to_string(o.num_classes());
}
}  // namespace

torch::Tensor one_hot_planes(const torch::Tensor& labels, int64_t classes, int64_t h, int64_t w) {
  auto oh = torch::one_hot(labels, classes).to(torch::kFloat32);
  return oh.view({oh.size(0), classes, 1, 1}).expand({oh.size(0), classes, h, w});
}

DCGANGeneratorImpl::DCGANGeneratorImpl(DCGANOptions o) : options_(std::move(o)) {
  check_options(options_);
  const int64_t base = options_.image_size() / 4, ngf = options_.ngf();
  net_ = register_module(
      "net", nn::Sequential(
                 nn::ConvTranspose2d(
                     nn::ConvTranspose2dOptions(options_.z_dim() + options_.num_classes(), 2 * ngf, base).bias(false)),
                 nn::BatchNorm2d(2 * ngf), nn::ReLU(),
                 nn::ConvTranspose2d(nn::ConvTranspose2dOptions(2 * ngf, ngf, 4).stride(2).padding(1).bias(false)),
                 nn::BatchNorm2d(ngf), nn::ReLU(),
                 nn::ConvTranspose2d(nn::ConvTranspose2dOptions(ngf, options_.channels(), 4).stride(2).padding(1)),
                 nn::Tanh()));
  init_weights(*net_, "normal0.02");  // the Sequential (held by a shared_ptr) holds every layer
  // Radford et al.: BatchNorm scales from N(1, 0.02), shifts 0.
  torch::NoGradGuard no_grad;
  for (auto& m : modules(false))
    if (auto* bn = m->as<nn::BatchNorm2d>()) {
      nn::init::normal_(bn->weight, 1.0, 0.02);
      nn::init::zeros_(bn->bias);
    }
}

torch::Tensor DCGANGeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  auto in = z;
  if (options_.num_classes() > 0) {
    TP_CHECK(labels.defined(), "a conditional generator needs class labels");
    in = torch::cat({z, torch::one_hot(labels, options_.num_classes()).to(z.dtype())}, 1);
  }
  // Layer by layer: BatchNorm takes the whole batch's statistics in a sharded step.
  auto h = in.view({in.size(0), in.size(1), 1, 1});
  for (auto& layer : *net_) h = forward_layer(layer, h);
  return h;
}

std::string DCGANGeneratorImpl::signature() const {
  return "dcgan-g:" + common_signature(options_) + ":ngf" + std::to_string(options_.ngf());
}

DCGANDiscriminatorImpl::DCGANDiscriminatorImpl(DCGANOptions o) : options_(std::move(o)) {
  check_options(options_);
  const int64_t base = options_.image_size() / 4, ndf = options_.ndf();
  net_ = register_module(
      "net", nn::Sequential(
                 nn::Conv2d(nn::Conv2dOptions((options_.channels() + options_.num_classes()) * options_.pack(), ndf, 4)
                                .stride(2)
                                .padding(1)),
                 nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
                 nn::Conv2d(nn::Conv2dOptions(ndf, 2 * ndf, 4).stride(2).padding(1).bias(options_.d_norm() == "none")),
                 make_norm2d(options_.d_norm(), 2 * ndf), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
                 nn::Conv2d(nn::Conv2dOptions(2 * ndf + (options_.minibatch_std() ? 1 : 0), 1, base))));
  init_weights(*net_, "normal0.02");  // the Sequential (held by a shared_ptr) holds every layer
}

torch::Tensor DCGANDiscriminatorImpl::forward(const torch::Tensor& x, const torch::Tensor& labels) {
  auto in = x;
  if (options_.num_classes() > 0) {
    TP_CHECK(labels.defined(), "a conditional discriminator needs class labels");
    in = torch::cat({x, one_hot_planes(labels, options_.num_classes(), x.size(2), x.size(3))}, 1);
  }
  if (options_.pack() > 1) {
    TP_CHECK(in.size(0) % options_.pack() == 0, "a batch of ", in.size(0), " does not split into packs of ",
             options_.pack());
    in = in.reshape({in.size(0) / options_.pack(), -1, in.size(2), in.size(3)});
  }
  // Every layer but the logit one, then (with minibatch_std) the spread plane, then the logit.
  auto layer = net_->begin();
  auto h = in;
  for (size_t i = 0; i + 1 < net_->size(); ++i, ++layer) h = forward_layer(*layer, h);
  if (options_.minibatch_std()) {
    // Biased std over the batch (0 for a batch of one), averaged over features and positions;
    // the whole batch's in a data-parallel step (nets/shard_sync.h). In double, so that the
    // one-pass variance keeps its digits (a batch of equal images has none).
    const auto flat = h.flatten(1).to(torch::kFloat64);
    const auto var = moments_over_shards(flat, {0}, torch::zeros({}, flat.options())).var;
    const auto spread = var.add(1e-8).sqrt().mean().to(h.scalar_type());
    h = torch::cat({h, spread.expand({h.size(0), 1, h.size(2), h.size(3)})}, 1);
  }
  return layer->forward(h).view({-1});
}

std::string DCGANDiscriminatorImpl::signature() const {
  return "dcgan-d:" + common_signature(options_) + ":ndf" + std::to_string(options_.ndf()) + ":" + options_.d_norm() +
         (options_.minibatch_std() ? ":mbstd" : "") +
         (options_.pack() > 1 ? ":pack" + std::to_string(options_.pack()) : "");
}

}  // namespace tp::nets
