#pragma once
// One contiguous tensor for all parameters of a module (and one for their gradients): each
// parameter becomes a view into it, so an optimizer step or a gradient-norm clip is a few
// ops on one tensor instead of a few per parameter. For small networks (DQN's MLPs and the
// MinAtar net) LibTorch's per-op overhead dominates, and this removes most of it. The
// parameters share the flat tensor's version counter, as views share their base's.
#include <torch/nn/module.h>
#include <torch/types.h>

namespace tp::nets {

class FlatParameters {
 public:
  // Rebinds every parameter of `module` to a view of the flat tensor (values kept).
  explicit FlatParameters(torch::nn::Module& module);
  // The flat leaf tensor to hand to the optimizer; its grad() is the flat gradient, which
  // autograd fills through the per-parameter gradient views.
  const torch::Tensor& flat() const { return flat_; }
  // After something replaced parameter storage (loading a checkpoint does): copy the current
  // values into the flat tensor and rebind the views.
  void rebind();

 private:
  torch::nn::Module* module_;
  torch::Tensor flat_, grad_;
};

}  // namespace tp::nets
