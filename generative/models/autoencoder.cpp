#include "generative/models/autoencoder.h"

#include <torch/torch.h>

#include "core/checkpoint.h"
#include "core/error.h"
#include "generative/sample_grid.h"
#include "nets/autoencoder.h"
#include "nets/data_parallel.h"
#include "nets/optimizer.h"

namespace tp::gen {

namespace F = torch::nn::functional;

void check_corruption(const std::string& c, double noise) {
  TP_CHECK_AS(UsageError, c == "none" || c == "mask" || c == "gaussian", "unknown corruption '", c,
              "' (none, mask, gaussian)");
  TP_CHECK_AS(UsageError, noise >= 0 && (c != "mask" || noise < 1), "--noise must be >= 0 (and < 1 for masking)");
}

torch::Tensor corrupt(const torch::Tensor& x, const std::string& c, double noise,
                      const c10::optional<at::Generator>& generator) {
  if (c == "none" || noise == 0) return x;
  if (c == "mask") return x * (torch::rand(x.sizes(), generator, x.options()) >= noise).to(x.dtype());
  if (c == "gaussian") return x + noise * torch::randn(x.sizes(), generator, x.options());
  TP_THROW(UsageError, "unknown corruption '", c, "' (none, mask, gaussian)");
}

FixedInputs reconstruction_inputs(int64_t n, const Dataset& test) {
  FixedInputs f;
  f.x = test.x.narrow(0, 0, std::min<int64_t>(std::max<int64_t>(n / 2, 1), test.size())).clone();
  return f;
}

struct AutoencoderModel::Nets {
  nets::AutoencoderOptions ae_options{{}};
  nets::Autoencoder ae{nullptr};
  nets::OptimizerOptions opt_options;
  std::unique_ptr<torch::optim::Optimizer> opt;
  nets::SplitNetwork<nets::Autoencoder> split;  // its part copies (one part until split_batches)
};

AutoencoderModel::AutoencoderModel(std::string algorithm, AeOptions o, DataShape shape)
    : GenerativeModel(std::move(shape)),
      algorithm_(std::move(algorithm)),
      options_(std::move(o)),
      nets_(std::make_unique<Nets>()) {
  TP_CHECK_AS(UsageError, shape_.is_image(), "the autoencoders need image data, not 2-D points");
  check_corruption(options_.corruption, options_.noise);
  auto sizes = parse_sizes(options_.hidden, "--hidden");
  sizes.insert(sizes.begin(), shape_.flat_size());
  nets_->ae_options = nets::AutoencoderOptions(sizes).activation(options_.activation);
  nets_->ae = nets::Autoencoder(nets_->ae_options);
  nets_->opt_options.name = "adam";
  nets_->opt_options.lr = options_.lr;
  nets_->opt = nets::make_optimizer(nets_->ae->parameters(), nets_->opt_options);
  make_parts(1);
}

int AutoencoderModel::make_parts(int parts) {
  return nets_->split.split(parts, nets_->ae, [&] { return nets::Autoencoder(nets_->ae_options); });
}

void AutoencoderModel::join_group(ProcessGroup& group) { nets_->split.parallel->join(group); }

AutoencoderModel::~AutoencoderModel() = default;

void AutoencoderModel::move_to(torch::Device device) {
  nets_->ae->to(device);
  nets::optimizer_state_to(*nets_->opt, device);
}

std::string AutoencoderModel::architecture() const { return algorithm_ + ":" + nets_->ae->signature(); }

std::vector<double> AutoencoderModel::train_step(int64_t, const torch::Tensor& x, const torch::Tensor&) {
  const auto target = on_device(x).flatten(1);
  const auto loss = nets_->split.parallel->run(target.size(0), [&](int part, const nets::Shard& s) {
    const auto t = target.narrow(0, s.begin, s.size);
    auto logits = nets_->split.copies[static_cast<size_t>(part)]->reconstruct_logits(
        corrupt(t, options_.corruption, options_.noise, s.generator));
    // Summed over pixels, averaged over the batch: each shard's sum divided by the batch size.
    auto shard_loss = F::binary_cross_entropy_with_logits(
                          logits, t, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum)) /
                      x.size(0);
    shard_loss.backward();
    return std::vector<double>{shard_loss.item<double>()};
  });
  nets_->split.parallel->step(*nets_->opt, nets_->opt_options);
  return loss;
}

std::vector<double> AutoencoderModel::evaluate(const Dataset& test) {
  torch::NoGradGuard no_grad;
  double bce = 0, mse = 0;
  for (int64_t s = 0; s < test.size(); s += 1000) {
    auto x = on_device(test.x.narrow(0, s, std::min<int64_t>(1000, test.size() - s))).flatten(1);
    auto logits = nets_->ae->reconstruct_logits(x);
    bce += F::binary_cross_entropy_with_logits(logits, x,
                                               F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum))
               .item<double>();
    mse += (torch::sigmoid(logits) - x).pow(2).sum().item<double>();
  }
  return {bce / test.size(), mse / (test.size() * shape_.flat_size())};
}

FixedInputs AutoencoderModel::make_fixed_inputs(int64_t n, uint64_t, const Dataset& test) const {
  return reconstruction_inputs(n, test);
}

torch::Tensor AutoencoderModel::reconstruct(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  return torch::sigmoid(nets_->ae->reconstruct_logits(on_device(x))).to(torch::kCPU).view(x.sizes());
}

torch::Tensor AutoencoderModel::visualize(const FixedInputs& fixed) {
  if (!fixed.x.defined()) return {};
  return interleave_rows({fixed.x, reconstruct(fixed.x)}, 8);
}

void AutoencoderModel::save(CheckpointWriter& w) const {
  w.add_module("ae", *nets_->ae);
  w.add_optimizer("ae.opt", *nets_->opt);
}

void AutoencoderModel::load(CheckpointReader& r) {
  r.load_module("ae", *nets_->ae);
  r.load_optimizer("ae.opt", *nets_->opt);
}

}  // namespace tp::gen
