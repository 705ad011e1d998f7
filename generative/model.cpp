#include "generative/model.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/process_group.h"

namespace tp::gen {

DataShape DataShape::of(const Dataset& d) {
  DataShape s;
  if (d.is_image()) {
    s.channels = d.x.size(1);
    s.height = d.x.size(2);
    s.width = d.x.size(3);
  } else {
    TP_CHECK(d.x.defined() && d.x.dim() == 2 && d.x.size(1) == 2, "dataset '", d.name,
             "' is neither images nor 2-D points");
    s.synthetic = d.name;
  }
  s.num_classes = d.num_classes;
  return s;
}

void GenerativeModel::to(torch::Device device) {
  TP_CHECK_AS(UsageError, !group_ || device == torch::kCPU, "a distributed run trains on the CPU (Gloo)");
  if (device != torch::kCPU) remake_parts(1);  // data parallelism runs on the CPU only
  move_to(device);
  device_ = device;
}

int GenerativeModel::split_batches(int parts) {
  TP_CHECK(parts >= 1, "parts must be >= 1, got ", parts);
  return remake_parts(device_ == torch::kCPU ? parts : 1);
}

int GenerativeModel::remake_parts(int parts) {
  const int made = make_parts(parts);
  if (group_) join_group(*group_);  // the new DataParallel joins the run too
  return made;
}

void GenerativeModel::check_distributable(int world_size) const {
  TP_CHECK_AS(UsageError, world_size == 1 || trains_distributed(), "train ", algorithm(),
              " cannot run distributed (vae, ae, dae, the GANs, pix2pix and srgan can)");
}

void GenerativeModel::distribute(ProcessGroup& group) {
  TP_CHECK_AS(UsageError, device_ == torch::kCPU, "a distributed run trains on the CPU (Gloo), not on ", device_.str());
  check_distributable(group.world_size());
  join_group(group);
  group_ = &group;
}

torch::Tensor GenerativeModel::on_device(const torch::Tensor& t) const { return t.defined() ? t.to(device_) : t; }

torch::Tensor GenerativeModel::generate(const torch::Tensor&, const torch::Tensor&) {
  TP_THROW(UsageError, "'", algorithm(), "' models do not generate samples from latents");
}

torch::jit::Module GenerativeModel::to_torchscript() const {
  TP_THROW(UsageError, "'", algorithm(),
           "' models cannot be exported to TorchScript (gan, dcgan, cgan, wgan-gp, vae can)");
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

}  // namespace tp::gen
