#include "generative/models/pix2pix.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "core/checkpoint.h"
#include "core/error.h"
#include "generative/eval/image_metrics.h"
#include "generative/image_tasks.h"
#include "nets/data_parallel.h"
#include "nets/optimizer.h"
#include "nets/unet.h"

namespace tp::gen {

namespace F = torch::nn::functional;

namespace {
constexpr uint64_t kTestNoiseSeed = 0x9e3779b9;  // translate()'s dropout stream
constexpr int64_t kEvalImages = 1000;
}  // namespace

struct Pix2PixModel::Nets {
  nets::UNetOptions g_options;
  nets::PatchDiscriminatorOptions d_options;
  nets::UNet g{nullptr};
  nets::PatchDiscriminator d{nullptr};  // null for the L1-only model
  nets::OptimizerOptions opt_options;
  std::unique_ptr<torch::optim::Optimizer> opt_g, opt_d;
  std::vector<nets::UNet> g_copies;
  std::vector<nets::PatchDiscriminator> d_copies;
  std::unique_ptr<nets::DataParallel> parallel;
};

Pix2PixModel::Pix2PixModel(Pix2PixOptions o, DataShape shape)
    : GenerativeModel(std::move(shape)), options_(std::move(o)), nets_(std::make_unique<Nets>()) {
  TP_CHECK_AS(UsageError, shape_.is_image() && shape_.height == shape_.width,
              "pix2pix needs square images, not 2-D points");
  check_translation_task(options_.task);
  TP_CHECK_AS(UsageError,
              options_.l1_weight >= 0 && options_.gan_weight >= 0 && options_.l1_weight + options_.gan_weight > 0,
              "--l1-weight and --gan-weight must be >= 0, not both 0");
  TP_CHECK_AS(UsageError, options_.lr > 0, "--lr must be > 0");
  nets_->g_options = nets::UNetOptions()
                         .in_channels(shape_.channels)
                         .out_channels(shape_.channels)
                         .image_size(shape_.height)
                         .ngf(options_.ngf)
                         .dropout(options_.dropout)
                         .skips(options_.skips);
  nets_->g = nets::UNet(nets_->g_options);
  nets_->opt_options.name = "adam";
  nets_->opt_options.lr = options_.lr;
  nets_->opt_options.beta1 = options_.beta1;
  nets_->opt_options.beta2 = options_.beta2;
  nets_->opt_g = nets::make_optimizer(nets_->g->parameters(), nets_->opt_options);
  if (adversarial()) {
    nets_->d_options =
        nets::PatchDiscriminatorOptions().in_channels(2 * shape_.channels).ndf(options_.ndf).layers(options_.d_layers);
    nets_->d = nets::PatchDiscriminator(nets_->d_options);
    nets_->opt_d = nets::make_optimizer(nets_->d->parameters(), nets_->opt_options);
  }
  make_parts(1);
}

Pix2PixModel::~Pix2PixModel() = default;

int Pix2PixModel::make_parts(int parts) {
  nets_->parallel = std::make_unique<nets::DataParallel>(parts);
  nets_->g_copies = {nets_->g};
  std::vector<std::shared_ptr<torch::nn::Module>> g_modules = {nets_->g.ptr()}, d_modules;
  for (int p = 1; p < parts; ++p) {
    nets_->g_copies.push_back(nets::UNet(nets_->g_options));
    g_modules.push_back(nets_->g_copies.back().ptr());
  }
  nets_->parallel->add_network(std::move(g_modules));
  if (adversarial()) {
    nets_->d_copies = {nets_->d};
    d_modules.push_back(nets_->d.ptr());
    for (int p = 1; p < parts; ++p) {
      nets_->d_copies.push_back(nets::PatchDiscriminator(nets_->d_options));
      d_modules.push_back(nets_->d_copies.back().ptr());
    }
    nets_->parallel->add_network(std::move(d_modules));
  }
  return parts;
}

void Pix2PixModel::join_group(ProcessGroup& group) { nets_->parallel->join(group); }

void Pix2PixModel::move_to(torch::Device device) {
  nets_->g->to(device);
  nets::optimizer_state_to(*nets_->opt_g, device);
  if (adversarial()) {
    nets_->d->to(device);
    nets::optimizer_state_to(*nets_->opt_d, device);
  }
}

std::string Pix2PixModel::architecture() const {
  return "pix2pix:" + options_.task + ":" + nets_->g->signature() + (adversarial() ? "|" + nets_->d->signature() : "");
}

torch::Tensor Pix2PixModel::source(const torch::Tensor& images) const {
  return translation_source(options_.task, images);
}

std::vector<double> Pix2PixModel::train_step(int64_t, const torch::Tensor& x_in, const torch::Tensor&) {
  const auto truth = on_device(x_in) * 2.0 - 1.0;
  const auto input = on_device(source(x_in)) * 2.0 - 1.0;
  const int64_t n = truth.size(0);
  nets_->g->train();
  auto rows = [](const torch::Tensor& t, const nets::Shard& s) { return t.narrow(0, s.begin, s.size); };
  auto bce = [](const torch::Tensor& logits, double target) {
    return F::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
  };

  std::vector<double> d_values = {0, 0, 0};  // loss_d, d_real, d_fake
  if (adversarial()) {
    nets_->d->train();
    d_values = nets_->parallel->run(n, [&](int part, const nets::Shard& s) {
      const auto in = rows(input, s), real = rows(truth, s);
      auto& g = nets_->g_copies[static_cast<size_t>(part)];
      auto& d = nets_->d_copies[static_cast<size_t>(part)];
      torch::Tensor fake;
      {
        torch::NoGradGuard no_grad;
        fake = g->forward(in, s.generator);
      }
      auto d_real = d->forward(torch::cat({in, real}, 1));
      auto d_fake = d->forward(torch::cat({in, fake}, 1));
      auto loss_d = 0.5 * (bce(d_real, 1.0) + bce(d_fake, 0.0));
      (loss_d * s.weight).backward();
      return std::vector<double>{loss_d.item<double>() * s.weight,
                                 torch::sigmoid(d_real).mean().item<double>() * s.weight,
                                 torch::sigmoid(d_fake).mean().item<double>() * s.weight};
    });
    nets_->parallel->step(*nets_->opt_d, nets_->opt_options);
  }

  const auto g_values = nets_->parallel->run(n, [&](int part, const nets::Shard& s) {
    const auto in = rows(input, s), real = rows(truth, s);
    auto fake = nets_->g_copies[static_cast<size_t>(part)]->forward(in, s.generator);
    auto l1 = (fake - real).abs().mean();
    auto loss = options_.l1_weight * l1;
    torch::Tensor gan;
    if (adversarial()) {
      gan = bce(nets_->d_copies[static_cast<size_t>(part)]->forward(torch::cat({in, fake}, 1)), 1.0);
      loss = loss + options_.gan_weight * gan;
    }
    (loss * s.weight).backward();
    // l1 in [0, 1] pixel units: half the [-1, 1] distance.
    return std::vector<double>{gan.defined() ? gan.item<double>() * s.weight : 0.0, 0.5 * l1.item<double>() * s.weight};
  });
  nets_->parallel->step(*nets_->opt_g, nets_->opt_options);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!adversarial()) return {nan, nan, g_values[1], nan, nan};
  return {d_values[0], g_values[0], g_values[1], d_values[1], d_values[2]};
}

torch::Tensor Pix2PixModel::translate(const torch::Tensor& inputs) {
  TP_CHECK_AS(UsageError,
              inputs.dim() == 4 && inputs.size(1) == shape_.channels && inputs.size(2) == shape_.height &&
                  inputs.size(3) == shape_.width,
              "pix2pix inputs must be ", shape_.channels, "x", shape_.height, "x", shape_.width, " images");
  torch::NoGradGuard no_grad;
  nets_->g->eval();
  auto gen = at::detail::createCPUGenerator(kTestNoiseSeed);
  std::vector<torch::Tensor> out;
  for (int64_t s = 0; s < inputs.size(0); s += kEvalImages) {
    const auto in = on_device(inputs.narrow(0, s, std::min(kEvalImages, inputs.size(0) - s))) * 2.0 - 1.0;
    // The dropout masks on the CPU stream, so an input gives one output on every device.
    out.push_back(
        ((nets_->g->forward(in, device_.is_cpu() ? c10::optional<at::Generator>(gen) : c10::nullopt) + 1.0) * 0.5)
            .to(torch::kCPU));
  }
  nets_->g->train();
  return torch::cat(out, 0);
}

std::vector<double> Pix2PixModel::evaluate(const Dataset& test) {
  const auto truth = test.x.narrow(0, 0, std::min(kEvalImages, test.size()));
  const auto out = translate(source(truth));
  return {(out - truth).abs().mean().item<double>(), psnr(out, truth).mean().item<double>(),
          ssim(out, truth).mean().item<double>()};
}

FixedInputs Pix2PixModel::make_fixed_inputs(int64_t n, uint64_t, const Dataset& test) const {
  FixedInputs f;
  const int64_t m = std::min(std::max<int64_t>(8, n / 3 / 8 * 8), test.size());
  f.x = test.x.narrow(0, 0, m).clone();
  return f;
}

torch::Tensor Pix2PixModel::visualize(const FixedInputs& fixed) {
  if (!fixed.x.defined()) return {};
  const auto in = source(fixed.x);
  return translation_rows(in, translate(in), fixed.x, 8);
}

torch::Tensor translation_rows(const torch::Tensor& inputs, const torch::Tensor& outputs, const torch::Tensor& truths,
                               int64_t columns) {
  TP_CHECK(inputs.size(0) == outputs.size(0) && (!truths.defined() || truths.size(0) == outputs.size(0)),
           "translation rows need as many inputs, outputs and truths");
  auto shown = inputs;
  if (inputs.size(2) != outputs.size(2) || inputs.size(3) != outputs.size(3))
    shown = F::interpolate(
        inputs,
        F::InterpolateFuncOptions().size(std::vector<int64_t>{outputs.size(2), outputs.size(3)}).mode(torch::kNearest));
  std::vector<torch::Tensor> rows;
  for (int64_t s = 0; s < outputs.size(0); s += columns) {
    const int64_t m = std::min(columns, outputs.size(0) - s);
    rows.push_back(shown.narrow(0, s, m));
    rows.push_back(outputs.narrow(0, s, m));
    if (truths.defined()) rows.push_back(truths.narrow(0, s, m));
  }
  return torch::cat(rows, 0);
}

void Pix2PixModel::save(CheckpointWriter& w) const {
  w.add_module("pix2pix.g", *nets_->g);
  w.add_optimizer("pix2pix.opt_g", *nets_->opt_g);
  if (adversarial()) {
    w.add_module("pix2pix.d", *nets_->d);
    w.add_optimizer("pix2pix.opt_d", *nets_->opt_d);
  }
}

void Pix2PixModel::load(CheckpointReader& r) {
  r.load_module("pix2pix.g", *nets_->g);
  r.load_optimizer("pix2pix.opt_g", *nets_->opt_g);
  if (adversarial()) {
    r.load_module("pix2pix.d", *nets_->d);
    r.load_optimizer("pix2pix.opt_d", *nets_->opt_d);
  }
}

}  // namespace tp::gen
