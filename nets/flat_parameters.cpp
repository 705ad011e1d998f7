#include "nets/flat_parameters.h"

#include <torch/csrc/autograd/variable.h>

#include <torch/torch.h>

namespace tp::nets {

FlatParameters::FlatParameters(torch::nn::Module& module) : module_(&module) {
  int64_t total = 0;
  for (const auto& p : module.parameters()) total += p.numel();
  const auto first = module.parameters();
  const auto options = first.empty() ? torch::TensorOptions() : first.front().options();
  flat_ = torch::zeros({total}, options.requires_grad(false));
  grad_ = torch::zeros({total}, options.requires_grad(false));
  flat_.set_requires_grad(true);
  flat_.mutable_grad() = grad_;
  rebind();
}

void FlatParameters::rebind() {
  torch::NoGradGuard no_grad;
  const torch::Tensor base = flat_.detach();
  int64_t offset = 0;
  for (auto& p : module_->parameters()) {
    const int64_t n = p.numel();
    torch::Tensor view = base.narrow(0, offset, n).view(p.sizes());
    if (view.data_ptr() != p.data_ptr()) {
      view.copy_(p.detach());
      p.set_data(view);
    }
    // Share the flat tensor's in-place write count, as a view shares its base's: an optimizer
    // step on the flat tensor then counts as a write to every parameter (readers that cache
    // what they derive from the weights, nets::DenseQKernel, check it).
    torch::autograd::impl::set_version_counter(p, torch::autograd::impl::version_counter(flat_));
    // Autograd accumulates into an existing gradient in place (first-order backward), so
    // the per-parameter gradients land in the flat gradient.
    p.mutable_grad() = grad_.narrow(0, offset, n).view(p.sizes());
    offset += n;
  }
}

}  // namespace tp::nets
