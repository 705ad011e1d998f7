#include "nets/optimizer.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "nets/rmsprop_kernel.h"

namespace tp::nets {

namespace optim = torch::optim;

std::unique_ptr<optim::Optimizer> make_optimizer(std::vector<torch::Tensor> params, const OptimizerOptions& o) {
  TP_CHECK_AS(UsageError, o.lr > 0, "learning rate must be > 0, got ", o.lr);
  const std::string& n = o.name;
  if (n == "sgd" || n == "momentum" || n == "nesterov") {
    auto opts = optim::SGDOptions(o.lr).weight_decay(o.weight_decay);
    if (n != "sgd") opts.momentum(o.momentum).nesterov(n == "nesterov");
    return std::make_unique<optim::SGD>(std::move(params), opts);
  }
  if (n == "adagrad")
    return std::make_unique<optim::Adagrad>(std::move(params),
                                            optim::AdagradOptions(o.lr).weight_decay(o.weight_decay).eps(o.eps));
  if (n == "rmsprop" || n == "centered_rmsprop")
    return std::make_unique<optim::RMSprop>(std::move(params), optim::RMSpropOptions(o.lr)
                                                                   .alpha(o.alpha)
                                                                   .eps(o.eps)
                                                                   .weight_decay(o.weight_decay)
                                                                   .momentum(o.rmsprop_momentum)
                                                                   .centered(n == "centered_rmsprop"));
  if (n == "adam")
    return std::make_unique<optim::Adam>(
        std::move(params), optim::AdamOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
  if (n == "adamw")
    return std::make_unique<optim::AdamW>(
        std::move(params), optim::AdamWOptions(o.lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
  TP_THROW(UsageError, "unknown optimizer '", n,
           "' (sgd, momentum, nesterov, adagrad, rmsprop, centered_rmsprop, adam, adamw)");
}

namespace {

bool cpu_float(const torch::Tensor& t) {
  return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
}

// The fused RMSprop step, or false (nothing changed) when some parameter does not qualify.
bool fused_rmsprop_step(optim::RMSprop& optimizer) {
  struct Work {
    RmspropScalars o;
    torch::Tensor p;
    optim::RMSpropParamState* state;
  };
  std::vector<Work> work;
  for (auto& group : optimizer.param_groups()) {
    const auto& go = static_cast<const optim::RMSpropOptions&>(group.options());
    const RmspropScalars o{static_cast<float>(go.lr()),       static_cast<float>(go.alpha()),
                           static_cast<float>(go.eps()),      static_cast<float>(go.weight_decay()),
                           static_cast<float>(go.momentum()), go.centered()};
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto it = optimizer.state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
      if (it == optimizer.state().end()) return false;
      auto* state = static_cast<optim::RMSpropParamState*>(it->second.get());
      if (!cpu_float(p) || !cpu_float(p.grad()) || !cpu_float(state->square_avg())) return false;
      if (o.centered && !cpu_float(state->grad_avg())) return false;
      if (o.momentum > 0.f && !cpu_float(state->momentum_buffer())) return false;
      work.push_back({o, p, state});
    }
  }
  for (Work& w : work) {
    torch::NoGradGuard no_grad;  // the parameter is a leaf that requires grad: written in place
    w.state->step(w.state->step() + 1);
    rmsprop_update(w.o, w.p.numel(), w.p.data_ptr<float>(), w.p.grad().data_ptr<float>(),
                   w.state->square_avg().data_ptr<float>(),
                   w.o.centered ? w.state->grad_avg().data_ptr<float>() : nullptr,
                   w.o.momentum > 0.f ? w.state->momentum_buffer().data_ptr<float>() : nullptr);
    // Written through a raw pointer: count it as LibTorch counts an in-place op (autograd
    // checks saved tensors against it; nets::DenseQKernel's cached W^T too).
    torch::autograd::impl::bump_version(w.p);
  }
  return true;
}

}  // namespace

void optimizer_step(optim::Optimizer& optimizer) {
  if (auto* rmsprop = dynamic_cast<optim::RMSprop*>(&optimizer))
    if (fused_rmsprop_step(*rmsprop)) return;
  optimizer.step();
}

void set_learning_rate(optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

double linear_decay_factor(int64_t epoch, int64_t constant_epochs, int64_t decay_epochs) {
  if (decay_epochs <= 0 || epoch < constant_epochs) return 1.0;
  const double done = static_cast<double>(epoch - constant_epochs + 1);
  return std::max(0.0, 1.0 - done / static_cast<double>(decay_epochs + 1));
}

namespace {
void move(torch::Tensor& t, torch::Device device) {
  if (t.defined() && t.device() != device) t = t.to(device);
}
}  // namespace

void optimizer_state_to(optim::Optimizer& optimizer, torch::Device device) {
  for (auto& entry : optimizer.state()) {
    optim::OptimizerParamState* state = entry.second.get();
    if (auto* a = dynamic_cast<optim::AdamParamState*>(state)) {
      move(a->exp_avg(), device);
      move(a->exp_avg_sq(), device);
      move(a->max_exp_avg_sq(), device);
    } else if (auto* w = dynamic_cast<optim::AdamWParamState*>(state)) {
      move(w->exp_avg(), device);
      move(w->exp_avg_sq(), device);
      move(w->max_exp_avg_sq(), device);
    } else if (auto* g = dynamic_cast<optim::SGDParamState*>(state)) {
      move(g->momentum_buffer(), device);
    } else if (auto* r = dynamic_cast<optim::RMSpropParamState*>(state)) {
      move(r->square_avg(), device);
      move(r->momentum_buffer(), device);
      move(r->grad_avg(), device);
    } else if (auto* d = dynamic_cast<optim::AdagradParamState*>(state)) {
      move(d->sum(), device);
    } else {
      TP_THROW(Error, "optimizer state of an unknown kind cannot be moved to ", device.str());
    }
  }
}

}  // namespace tp::nets
