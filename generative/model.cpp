#include "generative/model.h"

#include <torch/torch.h>

#include "core/error.h"
#include "generative/models/autoencoder.h"
#include "generative/models/classifier.h"
#include "generative/models/gan.h"
#include "generative/models/stacked_autoencoder.h"
#include "generative/models/vae.h"

namespace tp::gen {

DataShape DataShape::of(const Dataset& d) {
  DataShape s;
  if (d.is_image()) {
    s.channels = d.x.size(1);
    s.height = d.x.size(2);
    s.width = d.x.size(3);
  } else {
    TP_CHECK(d.x.defined() && d.x.dim() == 2 && d.x.size(1) == 2, "dataset '", d.name, "' is neither images nor 2-D points");
    s.synthetic = d.name;
  }
  s.num_classes = d.num_classes;
  return s;
}

torch::Tensor GenerativeModel::generate(const torch::Tensor&, const torch::Tensor&) {
  TP_THROW(UsageError, "'", algorithm(), "' models do not generate samples from latents");
}

FixedInputs GenerativeModel::make_fixed_inputs(int64_t n, uint64_t gen_seed, const Dataset&) const {
  FixedInputs f;
  if (latent_dim() > 0) {
    auto gen = at::detail::createCPUGenerator(gen_seed);
    f.z = torch::randn({n, latent_dim()}, gen, torch::kFloat32);
  }
  // Conditional grids: one row per class (rows of `classes` columns cycle through them).
  if (num_classes() > 0) f.labels = torch::arange(n, torch::kInt64).remainder(num_classes());
  return f;
}

torch::Tensor GenerativeModel::visualize(const FixedInputs& fixed) {
  if (latent_dim() == 0 || !fixed.z.defined()) return {};
  return generate(fixed.z, fixed.labels);
}

const std::vector<std::string>& model_algorithms() {
  static const std::vector<std::string> names = {"gan", "dcgan", "cgan", "wgan-gp", "vae", "ae", "dae", "sae", "classifier"};
  return names;
}

std::unique_ptr<GenerativeModel> make_model(const ModelConfig& c, const DataShape& shape) {
  const auto& a = c.algorithm;
  if (a == "gan" || a == "dcgan" || a == "cgan" || a == "wgan-gp") return std::make_unique<GanModel>(a, c.gan, shape);
  if (a == "vae") return std::make_unique<VaeModel>(c.vae, shape);
  if (a == "ae" || a == "dae") return std::make_unique<AutoencoderModel>(a, c.ae, shape);
  if (a == "sae") return std::make_unique<StackedAutoencoderModel>(c.ae, shape);
  if (a == "classifier") return std::make_unique<ClassifierModel>(c.classifier, shape);
  TP_THROW(UsageError, "unknown generative algorithm '", a, "'");
}

}  // namespace tp::gen
