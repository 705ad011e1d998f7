#include "generative/models/pix2pix.h"

#include <torch/torch.h>

#include <limits>

#include "core/error.h"
#include "generative/image_tasks.h"
#include "generative/models/adversarial_pair.h"
#include "nets/unet.h"

namespace tp::gen {

namespace {
AdversarialPair make_networks(const Pix2PixOptions& o, const DataShape& s) {
  const auto g = nets::UNetOptions()
                     .in_channels(s.channels)
                     .out_channels(s.channels)
                     .image_size(s.height)
                     .ngf(o.ngf)
                     .dropout(o.dropout)
                     .skips(o.skips);
  const auto d = nets::PatchDiscriminatorOptions().in_channels(2 * s.channels).ndf(o.ndf).layers(o.d_layers);
  AdversarialPair::Make make_d;
  if (o.gan_weight > 0) make_d = [d] { return nets::PatchDiscriminator(d).ptr(); };
  return AdversarialPair(
      "pix2pix", [g] { return nets::UNet(g).ptr(); }, make_d, o.lr, o.beta1, o.beta2);
}

Pix2PixOptions checked(Pix2PixOptions o) {
  check_translation_task(o.task);
  TP_CHECK_AS(UsageError, o.task != "sr4", "pix2pix maps images to images of the same size; sr4 is srgan's task");
  TP_CHECK_AS(UsageError, o.l1_weight >= 0 && o.gan_weight >= 0 && o.l1_weight + o.gan_weight > 0,
              "--l1-weight and --gan-weight must be >= 0, not both 0");
  TP_CHECK_AS(UsageError, o.lr > 0, "--lr must be > 0");
  return o;
}
}  // namespace

Pix2PixModel::Pix2PixModel(Pix2PixOptions o, DataShape shape)
    : TranslationModel(o.task, std::move(shape)), options_(checked(std::move(o))) {
  pair_ = std::make_unique<AdversarialPair>(make_networks(options_, shape_));
}

torch::Tensor Pix2PixModel::generator_forward(const torch::Tensor& inputs,
                                              const c10::optional<at::Generator>& generator) {
  return pair().g<nets::UNetImpl>().forward(inputs, generator);
}

std::string Pix2PixModel::architecture() const {
  auto& pair = this->pair();
  return "pix2pix:" + options_.task + ":" + pair.g<nets::UNetImpl>().signature() +
         (pair.has_d() ? "|" + pair.d<nets::PatchDiscriminatorImpl>().signature() : "");
}

std::vector<double> Pix2PixModel::train_step(int64_t, const torch::Tensor& x_in, const torch::Tensor&) {
  const auto truth = on_device(x_in) * 2.0 - 1.0;
  const auto input = on_device(source(x_in)) * 2.0 - 1.0;
  const int64_t n = truth.size(0);
  auto& pair = this->pair();
  pair.g_module().train();
  const double nan = std::numeric_limits<double>::quiet_NaN();

  std::vector<double> d_values = {nan, nan, nan};  // loss_d, d_real, d_fake
  if (pair.has_d()) {
    pair.d_module().train();
    d_values = pair.train_d(n, [&](int part, const nets::Shard& s) {
      const auto in = shard_rows(input, s), real = shard_rows(truth, s);
      auto& d = pair.d<nets::PatchDiscriminatorImpl>(part);
      torch::Tensor fake;
      {
        torch::NoGradGuard no_grad;
        fake = pair.g<nets::UNetImpl>(part).forward(in, s.generator);
      }
      auto d_real = d.forward(torch::cat({in, real}, 1));
      auto d_fake = d.forward(torch::cat({in, fake}, 1));
      auto loss_d = 0.5 * (bce_against(d_real, 1.0) + bce_against(d_fake, 0.0));  // Isola et al. halve D's loss
      (loss_d * s.weight).backward();
      return discriminator_values(loss_d, d_real, d_fake, s.weight);
    });
  }

  const auto g_values = pair.train_g(n, [&](int part, const nets::Shard& s) {
    const auto in = shard_rows(input, s), real = shard_rows(truth, s);
    auto fake = pair.g<nets::UNetImpl>(part).forward(in, s.generator);
    auto l1 = (fake - real).abs().mean();
    auto loss = options_.l1_weight * l1;
    double gan = nan;
    if (pair.has_d()) {
      auto adversarial =
          bce_against(pair.d<nets::PatchDiscriminatorImpl>(part).forward(torch::cat({in, fake}, 1)), 1.0);
      loss = loss + options_.gan_weight * adversarial;
      gan = adversarial.item<double>() * s.weight;
    }
    (loss * s.weight).backward();
    // l1 in [0, 1] pixel units: half the [-1, 1] distance.
    return std::vector<double>{gan, 0.5 * l1.item<double>() * s.weight};
  });
  return {d_values[0], g_values[0], g_values[1], d_values[1], d_values[2]};
}

}  // namespace tp::gen
