#include "generative/models/vae.h"

#include <torch/torch.h>

#include <cmath>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/data_parallel.h"
#include "nets/optimizer.h"
#include "nets/torchscript.h"
#include "nets/vae.h"

namespace tp::gen {

namespace F = torch::nn::functional;

struct VaeModel::Nets {
  nets::VAEOptions vae_options;
  nets::VAE vae{nullptr};
  nets::OptimizerOptions opt_options;
  std::unique_ptr<torch::optim::Optimizer> opt;
  nets::SplitNetwork<nets::VAE> split;  // its part copies (one part until split_batches)
};

VaeModel::VaeModel(VaeOptions o, DataShape shape)
    : GenerativeModel(std::move(shape)), options_(std::move(o)), nets_(std::make_unique<Nets>()) {
  TP_CHECK_AS(UsageError, shape_.is_image(), "a VAE needs image data (Bernoulli pixels), not 2-D points");
  TP_CHECK_AS(UsageError, shape_.height == shape_.width, "the VAE needs square images");
  TP_CHECK_AS(UsageError, options_.beta >= 0, "--beta must be >= 0");
  TP_CHECK_AS(UsageError, options_.iw_samples > 0, "--iw-samples must be > 0");
  nets_->vae_options = nets::VAEOptions()
                           .kind(options_.arch)
                           .channels(shape_.channels)
                           .image_size(shape_.height)
                           .hidden(parse_sizes(options_.hidden, "--hidden"))
                           .latent(options_.latent);
  nets_->vae = nets::VAE(nets_->vae_options);
  nets_->opt_options.name = "adam";
  nets_->opt_options.lr = options_.lr;
  nets_->opt = nets::make_optimizer(nets_->vae->parameters(), nets_->opt_options);
  make_parts(1);
}

VaeModel::~VaeModel() = default;

void VaeModel::move_to(torch::Device device) {
  nets_->vae->to(device);
  nets::optimizer_state_to(*nets_->opt, device);
}

int VaeModel::make_parts(int parts) {
  return nets_->split.split(parts, nets_->vae, [&] { return nets::VAE(nets_->vae_options); });
}

void VaeModel::join_group(ProcessGroup& group) { nets_->split.parallel->join(group); }

std::string VaeModel::architecture() const { return nets_->vae->signature(); }

namespace {
// Per-image Bernoulli log-likelihood of x under logits: -BCE summed over pixels.
torch::Tensor log_bernoulli(const torch::Tensor& logits, const torch::Tensor& x) {
  return -F::binary_cross_entropy_with_logits(logits, x,
                                              F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone))
              .flatten(1)
              .sum(1);
}
// Per-image KL(N(mu, sigma^2) || N(0, I)).
torch::Tensor kl_standard_normal(const torch::Tensor& mu, const torch::Tensor& logvar) {
  return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1);
}
}  // namespace

std::vector<double> VaeModel::train_step(int64_t, const torch::Tensor& x_in, const torch::Tensor&) {
  const auto x = on_device(x_in);
  nets_->vae->train();
  // Each shard's weighted share of the batch means; the parts' shares sum to them.
  const auto sums = nets_->split.parallel->run(x.size(0), [&](int part, const nets::Shard& shard) {
    auto& vae = nets_->split.copies[static_cast<size_t>(part)];
    const auto xs = x.narrow(0, shard.begin, shard.size);
    auto [mu, logvar] = vae->encode(xs);
    auto z = mu + (0.5 * logvar).exp() * torch::randn(mu.sizes(), shard.generator, mu.options());
    auto rec = -log_bernoulli(vae->decode(z), xs).mean() * shard.weight;
    auto kl = kl_standard_normal(mu, logvar).mean() * shard.weight;
    auto loss = rec + options_.beta * kl;
    loss.backward();
    return std::vector<double>{loss.item<double>(), rec.item<double>(), kl.item<double>()};
  });
  nets_->split.parallel->step(*nets_->opt, nets_->opt_options);
  return sums;
}

ElboReport VaeModel::elbo(const Dataset& data, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto& vae = nets_->vae;
  vae->eval();
  auto gen = at::detail::createCPUGenerator(seed);
  double rec_sum = 0, kl_sum = 0;
  const int64_t n = data.size(), bs = 1000;
  for (int64_t s = 0; s < n; s += bs) {
    auto x = on_device(data.x.narrow(0, s, std::min(bs, n - s)));
    auto [mu, logvar] = vae->encode(x);
    auto eps = torch::randn(mu.sizes(), gen, torch::kFloat32).to(device_);  // the CPU stream on any device
    rec_sum += -log_bernoulli(vae->decode(mu + (0.5 * logvar).exp() * eps), x).sum().item<double>();
    kl_sum += kl_standard_normal(mu, logvar).sum().item<double>();
  }
  vae->train();
  return {(rec_sum + kl_sum) / n, rec_sum / n, kl_sum / n};
}

double VaeModel::importance_weighted_nll(const Dataset& data, int64_t k, uint64_t seed) {
  TP_CHECK_AS(UsageError, k > 0, "the importance sample count must be > 0");
  torch::NoGradGuard no_grad;
  auto& vae = nets_->vae;
  vae->eval();
  auto gen = at::detail::createCPUGenerator(seed);
  const double log2pi = std::log(2.0 * 3.14159265358979323846);
  const int64_t n = data.size(), bs = std::max<int64_t>(1, 20000 / k);
  double total = 0;
  for (int64_t s = 0; s < n; s += bs) {
    const int64_t m = std::min(bs, n - s);
    auto x = on_device(data.x.narrow(0, s, m));
    auto [mu, logvar] = vae->encode(x);
    // k samples per image: (k, m, latent) flattened to (k*m, latent) for one decoder pass.
    auto eps = torch::randn({k, m, mu.size(1)}, gen, torch::kFloat32).to(device_);
    auto std = (0.5 * logvar).exp();
    auto z = mu.unsqueeze(0) + std.unsqueeze(0) * eps;
    auto log_q = (-0.5 * (eps.pow(2) + log2pi) - 0.5 * logvar.unsqueeze(0)).sum(2);
    auto log_prior = (-0.5 * (z.pow(2) + log2pi)).sum(2);
    auto xk = x.unsqueeze(0)
                  .expand({k, m, x.size(1), x.size(2), x.size(3)})
                  .reshape({k * m, x.size(1), x.size(2), x.size(3)});
    auto log_px = log_bernoulli(vae->decode(z.reshape({k * m, -1})), xk).view({k, m});
    auto log_w = log_px + log_prior - log_q;
    total += -(torch::logsumexp(log_w, 0) - std::log(static_cast<double>(k))).sum().item<double>();
  }
  vae->train();
  return total / n;
}

std::vector<double> VaeModel::evaluate(const Dataset& test) {
  const ElboReport r = elbo(test, 0xe1b0);
  return {r.negative_elbo, r.reconstruction, r.kl};
}

torch::Tensor VaeModel::generate(const torch::Tensor& z, const torch::Tensor&) {
  TP_CHECK(z.dim() == 2 && z.size(1) == options_.latent, "latents must be (N, ", options_.latent, ")");
  torch::NoGradGuard no_grad;
  nets_->vae->eval();
  // The decoder's Bernoulli means: pixel intensities in [0, 1].
  auto out = torch::sigmoid(nets_->vae->decode(on_device(z))).to(torch::kCPU);
  nets_->vae->train();
  return out;
}

torch::jit::Module VaeModel::to_torchscript() const {
  // generate(): the decoder's Bernoulli means.
  nets::ScriptWriter w("VaeDecoder");
  return w.finish("z", w.let("torch.sigmoid(" + nets::script_vae_decode(w, *nets_->vae, "z") + ")"));
}

void VaeModel::save(CheckpointWriter& w) const {
  w.add_module("vae", *nets_->vae);
  w.add_optimizer("vae.opt", *nets_->opt);
}

void VaeModel::load(CheckpointReader& r) {
  r.load_module("vae", *nets_->vae);
  r.load_optimizer("vae.opt", *nets_->opt);
}

}  // namespace tp::gen
