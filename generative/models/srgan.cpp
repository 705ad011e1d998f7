#include "generative/models/srgan.h"

#include <torch/torch.h>

#include <limits>

#include "core/error.h"
#include "generative/model_io.h"
#include "generative/models/adversarial_pair.h"
#include "nets/srgan.h"

namespace tp::gen {

namespace {
AdversarialPair make_networks(const SrganOptions& o, const DataShape& s) {
  const auto g = nets::SRResNetOptions().channels(s.channels).scale(4).width(o.width).blocks(o.blocks);
  const auto d = nets::SRGANDiscriminatorOptions().channels(s.channels).image_size(s.height).ndf(o.ndf);
  AdversarialPair::Make make_d;
  if (o.gan_weight > 0) make_d = [d] { return nets::SRGANDiscriminator(d).ptr(); };
  return AdversarialPair(
      "srgan", [g] { return nets::SRResNet(g).ptr(); }, make_d, o.lr, o.beta1, o.beta2);
}

SrganOptions checked(SrganOptions o) {
  TP_CHECK_AS(UsageError,
              o.pixel_weight >= 0 && o.content_weight >= 0 && o.gan_weight >= 0 &&
                  o.pixel_weight + o.content_weight + o.gan_weight > 0,
              "--pixel-weight, --content-weight and --gan-weight must be >= 0, not all 0");
  TP_CHECK_AS(UsageError, o.warmup_epochs >= 0, "--warmup-epochs must be >= 0");
  TP_CHECK_AS(UsageError, o.lr > 0, "--lr must be > 0");
  TP_CHECK_AS(UsageError, o.content_weight == 0 || !o.content_net.empty(),
              "the content loss needs --content-net CLASSIFIER_CHECKPOINT");
  return o;
}
}  // namespace

SrganModel::SrganModel(SrganOptions o, DataShape shape)
    : TranslationModel("sr4", std::move(shape)), options_(checked(std::move(o))) {
  TP_CHECK_AS(UsageError, shape_.height % 4 == 0, "srgan needs images whose side is a multiple of 4");
  pair_ = std::make_unique<AdversarialPair>(make_networks(options_, shape_));
}

void SrganModel::move_to(torch::Device device) {
  TranslationModel::move_to(device);
  if (content_.model) content_.model->to(device);
}

std::string SrganModel::architecture() const {
  auto& pair = this->pair();
  return "srgan:" + pair.g<nets::SRResNetImpl>().signature() +
         (pair.has_d() ? "|" + pair.d<nets::SRGANDiscriminatorImpl>().signature() : "");
}

torch::Tensor SrganModel::generator_forward(const torch::Tensor& inputs, const c10::optional<at::Generator>&) {
  return pair().g<nets::SRResNetImpl>().forward(inputs);
}

SampleScorer& SrganModel::content_net() {
  if (!content_.model) {
    auto loaded = load_model_checkpoint(options_.content_net, device_);
    require_scorer(*loaded.model, shape_, "--content-net " + loaded.path).freeze();
    content_ = std::move(loaded);
  }
  return *content_.model->sample_scorer();
}

std::vector<double> SrganModel::train_step(int64_t epoch, const torch::Tensor& x_in, const torch::Tensor&) {
  const auto truth = on_device(x_in) * 2.0 - 1.0;
  const auto input = on_device(source(x_in)) * 2.0 - 1.0;
  const int64_t n = truth.size(0);
  auto& pair = this->pair();
  const bool warmup = epoch < options_.warmup_epochs;
  const bool adversarial_step = pair.has_d() && !warmup;
  // Loaded (and checked) on the first step, even in the warm-up, so a bad --content-net stops
  // the run at once rather than after the warm-up epochs.
  SampleScorer* content_scorer = options_.content_weight > 0 ? &content_net() : nullptr;
  SampleScorer* content = warmup ? nullptr : content_scorer;
  pair.g_module().train();
  const double nan = std::numeric_limits<double>::quiet_NaN();

  std::vector<double> d_values = {nan, nan, nan};  // loss_d, d_real, d_fake
  if (adversarial_step) {
    pair.d_module().train();
    d_values = pair.train_d(n, [&](int part, const nets::Shard& s) {
      const auto in = shard_rows(input, s), real = shard_rows(truth, s);
      auto& d = pair.d<nets::SRGANDiscriminatorImpl>(part);
      torch::Tensor fake;
      {
        torch::NoGradGuard no_grad;
        fake = pair.g<nets::SRResNetImpl>(part).forward(in);
      }
      auto d_real = d.forward(real), d_fake = d.forward(fake);
      auto loss_d = bce_against(d_real, 1.0) + bce_against(d_fake, 0.0);
      (loss_d * s.weight).backward();
      return discriminator_values(loss_d, d_real, d_fake, s.weight);
    });
  }

  const auto g_values = pair.train_g(n, [&](int part, const nets::Shard& s) {
    const auto in = shard_rows(input, s), real = shard_rows(truth, s);
    auto sr = pair.g<nets::SRResNetImpl>(part).forward(in);
    auto mse = (sr - real).pow(2).mean();
    auto loss = warmup ? mse : options_.pixel_weight * mse;
    double gan = nan, content_value = nan;
    if (content) {
      torch::Tensor target;
      {
        torch::NoGradGuard no_grad;
        target = content->content_features((real + 1.0) * 0.5);
      }
      auto content_loss = (content->content_features((sr + 1.0) * 0.5) - target).pow(2).mean();
      loss = loss + options_.content_weight * content_loss;
      content_value = content_loss.item<double>() * s.weight;
    }
    if (adversarial_step) {
      auto adversarial = bce_against(pair.d<nets::SRGANDiscriminatorImpl>(part).forward(sr), 1.0);
      loss = loss + options_.gan_weight * adversarial;
      gan = adversarial.item<double>() * s.weight;
    }
    (loss * s.weight).backward();
    // mse in [0, 1] pixel units: a quarter of the [-1, 1] one.
    return std::vector<double>{gan, content_value, 0.25 * mse.item<double>() * s.weight};
  });
  return {d_values[0], g_values[0], g_values[1], g_values[2], d_values[1], d_values[2]};
}

}  // namespace tp::gen
