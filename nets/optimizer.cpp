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

}  // namespace tp::nets
