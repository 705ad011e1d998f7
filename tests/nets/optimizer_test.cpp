// nets::optimizer_step runs RMSprop as one fused loop; it must do what LibTorch's
// RMSprop::step does, on the same state, for every option the loop reads.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nets/optimizer.h"

namespace {
// Equal up to float rounding: the fused loop may contract a * b + c into one FMA where
// LibTorch's kernels round twice, so elements differ by a few ulp of the largest.
bool close(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>() <= 1e-6 * b.abs().max().item<double>() + 1e-9;
}

struct Case {
  std::string name;
  double momentum, weight_decay;
};
}  // namespace

TEST(OptimizerStep, FusedRmspropMatchesLibTorchStep) {
  for (const std::string kind : {"rmsprop", "centered_rmsprop"})
    for (const Case& c : {Case{"plain", 0.0, 0.0}, Case{"momentum", 0.9, 0.0}, Case{"weight decay", 0.0, 0.01}}) {
      const std::string name = kind + ", " + c.name;
      tp::nets::OptimizerOptions o;
      o.name = kind;
      o.lr = 0.01;
      o.alpha = 0.95;
      o.eps = 0.01;
      o.rmsprop_momentum = c.momentum;
      o.weight_decay = c.weight_decay;
      torch::manual_seed(3);
      const torch::Tensor init = torch::randn({1000});
      torch::Tensor reference = init.clone().set_requires_grad(true);
      torch::Tensor fused = init.clone().set_requires_grad(true);
      auto reference_optimizer = tp::nets::make_optimizer({reference}, o);
      auto fused_optimizer = tp::nets::make_optimizer({fused}, o);
      for (int step = 0; step < 6; ++step) {
        const torch::Tensor grad = torch::randn({1000});
        reference.mutable_grad() = grad.clone();
        fused.mutable_grad() = grad.clone();
        reference_optimizer->step();
        tp::nets::optimizer_step(*fused_optimizer);  // the first step is LibTorch's: it creates the state
      }
      EXPECT_TRUE(close(fused, reference)) << name << "\n" << (fused - reference).abs().max();
      const auto key = c10::guts::to_string(fused.unsafeGetTensorImpl());
      const auto reference_key = c10::guts::to_string(reference.unsafeGetTensorImpl());
      auto& state = static_cast<torch::optim::RMSpropParamState&>(*fused_optimizer->state().at(key));
      auto& reference_state =
          static_cast<torch::optim::RMSpropParamState&>(*reference_optimizer->state().at(reference_key));
      EXPECT_EQ(state.step(), 6) << name;
      EXPECT_TRUE(close(state.square_avg(), reference_state.square_avg())) << name;
      if (kind == "centered_rmsprop") {
        EXPECT_TRUE(close(state.grad_avg(), reference_state.grad_avg())) << name;
      }
      if (c.momentum > 0) {
        EXPECT_TRUE(close(state.momentum_buffer(), reference_state.momentum_buffer())) << name;
      }
    }
}

// Parameters the loop does not handle (here: not contiguous) go to LibTorch's own step.
TEST(OptimizerStep, OtherParametersUseLibTorchStep) {
  tp::nets::OptimizerOptions o;
  o.name = "centered_rmsprop";
  o.lr = 0.01;
  torch::manual_seed(4);
  torch::Tensor base = torch::randn({8, 8});
  torch::Tensor strided = base.t().detach().set_requires_grad(true);  // not contiguous
  ASSERT_FALSE(strided.is_contiguous());
  torch::Tensor reference = base.t().contiguous().detach().set_requires_grad(true);
  auto optimizer = tp::nets::make_optimizer({strided}, o);
  auto reference_optimizer = tp::nets::make_optimizer({reference}, o);
  for (int step = 0; step < 3; ++step) {
    const torch::Tensor grad = torch::randn({8, 8});
    strided.mutable_grad() = grad.clone();
    reference.mutable_grad() = grad.clone();
    tp::nets::optimizer_step(*optimizer);
    reference_optimizer->step();
  }
  EXPECT_TRUE(close(strided, reference));
}
