#include "generative/sampler.h"

#include <torch/torch.h>

#include <cmath>
#include <utility>

#include "core/error.h"
#include "generative/sample_grid.h"

namespace tp::gen {

Sampler::Sampler(const std::string& checkpoint, torch::Device device)
    : Sampler(load_model_checkpoint(checkpoint, device)) {}

Sampler::Sampler(LoadedModel loaded) : loaded_(std::move(loaded)) {
  TP_CHECK_AS(UsageError, loaded_.model->latent_dim() > 0, "'", loaded_.header.algorithm, "' checkpoints (",
              loaded_.path,
              ") cannot generate samples: only gan, dcgan, cgan, wgan-gp and vae models have a latent prior");
}

Sampler::~Sampler() = default;

const std::string& Sampler::algorithm() const { return loaded_.header.algorithm; }

std::string Sampler::class_text(int64_t label) const {
  const std::string name = class_name(loaded_.header.env, label);
  return "class " + std::to_string(label) + (name.empty() ? "" : " (" + name + ")");
}

torch::Tensor Sampler::random_latents(int64_t n, uint64_t seed) const {
  TP_CHECK_AS(UsageError, n > 0, "the sample count must be > 0");
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randn({n, latent_dim()}, gen, torch::kFloat32);
}

torch::Tensor Sampler::sample(const torch::Tensor& z_in, int64_t class_label) {
  auto z = z_in.dim() == 1 ? z_in.unsqueeze(0) : z_in;
  TP_CHECK_AS(UsageError, z.dim() == 2 && z.size(1) == latent_dim(), "latents must have ", latent_dim(), " entries");
  torch::Tensor labels;
  if (num_classes() > 0) {
    TP_CHECK_AS(UsageError, class_label >= -1 && class_label < num_classes(), "--class must be in 0..",
                num_classes() - 1);
    labels = class_label >= 0 ? torch::full({z.size(0)}, class_label, torch::kInt64)
                              : torch::arange(z.size(0), torch::kInt64).remainder(num_classes());
  } else {
    TP_CHECK_AS(UsageError, class_label < 0, "'", algorithm(),
                "' is not a conditional model: --class is not available");
  }
  return loaded_.model->generate(z.to(torch::kFloat32), labels);
}

torch::Tensor Sampler::interpolate(const torch::Tensor& a_in, const torch::Tensor& b_in, int64_t steps) {
  TP_CHECK_AS(UsageError, steps >= 2, "interpolation needs at least 2 steps");
  auto a = a_in.flatten().to(torch::kFloat64), b = b_in.flatten().to(torch::kFloat64);
  TP_CHECK_AS(UsageError, a.numel() == b.numel(), "interpolation endpoints differ in size");
  const double na = a.norm().item<double>(), nb = b.norm().item<double>();
  const double cos = na > 0 && nb > 0 ? std::clamp(a.dot(b).item<double>() / (na * nb), -1.0, 1.0) : 1.0;
  const double omega = std::acos(cos);
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < steps; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(steps - 1);
    if (std::sin(omega) < 1e-6)
      out.push_back((1 - t) * a + t * b);
    else
      out.push_back((std::sin((1 - t) * omega) * a + std::sin(t * omega) * b) / std::sin(omega));
  }
  return torch::stack(out).to(torch::kFloat32);
}

torch::Tensor Sampler::sample_walk(const torch::Tensor& path, int64_t class_label) {
  if (num_classes() == 0 || class_label >= 0) return sample(path, class_label);
  std::vector<torch::Tensor> rows;
  for (int64_t k = 0; k < num_classes(); ++k) rows.push_back(sample(path, k));
  return torch::cat(rows, 0);
}

Image Sampler::render(const torch::Tensor& samples, int columns) const {
  return render_samples(samples, shape().synthetic, columns);
}

}  // namespace tp::gen
