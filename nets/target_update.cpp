#include "nets/target_update.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

namespace {
template <class F>
void zip_tensors(torch::nn::Module& target, const torch::nn::Module& online, F&& f) {
  auto tp = target.parameters(true);
  auto op = online.parameters(true);
  TP_CHECK(tp.size() == op.size(), "target/online networks differ in parameter count");
  for (size_t i = 0; i < tp.size(); ++i) {
    TP_CHECK(tp[i].sizes() == op[i].sizes(), "target/online parameter ", i, " shape mismatch");
    f(tp[i], op[i]);
  }
  auto tb = target.buffers(true);
  auto ob = online.buffers(true);
  TP_CHECK(tb.size() == ob.size(), "target/online networks differ in buffer count");
  for (size_t i = 0; i < tb.size(); ++i) tb[i].copy_(ob[i]);
}
}  // namespace

void hard_update(torch::nn::Module& target, const torch::nn::Module& online) {
  torch::NoGradGuard no_grad;
  zip_tensors(target, online, [](torch::Tensor& t, const torch::Tensor& o) { t.copy_(o); });
}

void soft_update(torch::nn::Module& target, const torch::nn::Module& online, double tau) {
  torch::NoGradGuard no_grad;
  zip_tensors(target, online, [tau](torch::Tensor& t, const torch::Tensor& o) { t.mul_(1.0 - tau).add_(o, tau); });
}

}  // namespace tp::nets
