#include "nets/optimizer.h"

#include <torch/torch.h>

#include "core/error.h"

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

void set_learning_rate(optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
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
