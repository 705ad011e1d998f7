#include "agents/alphazero/network_evaluator.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace tp::agents {

NetworkEvaluator::NetworkEvaluator(nets::ResidualTower net, const envs::GameInfo& info, torch::Device device,
                                   int max_batch)
    : NetworkEvaluator(nullptr, "network", info, device, max_batch) {
  net_ = std::move(net);
  net_->eval();
  forward_ = [net = net_](const torch::Tensor& x) mutable { return net->forward(x); };
}

NetworkEvaluator::NetworkEvaluator(Forward forward, std::string name, const envs::GameInfo& info, torch::Device device,
                                   int max_batch)
    : forward_(std::move(forward)), name_(std::move(name)), device_(device), max_batch_(max_batch) {
  TP_CHECK(max_batch_ > 0, "evaluator batch must be > 0");
  plane_floats_ = int64_t{info.num_planes} * info.board_height * info.board_width;
  num_actions_ = info.num_actions;
  input_ = torch::zeros({max_batch_, info.num_planes, info.board_height, info.board_width});
}

void NetworkEvaluator::evaluate(const envs::GameState* const* states, int n, float* priors, float* values) {
  c10::InferenceMode guard;
  for (int start = 0; start < n; start += max_batch_) {
    const int count = std::min(max_batch_, n - start);
    float* in = input_.data_ptr<float>();
    for (int i = 0; i < count; ++i) states[start + i]->encode(in + i * plane_floats_);
    auto x = input_.narrow(0, 0, count);
    if (device_ != torch::kCPU) x = x.to(device_);
    auto [logits, v] = forward_(x);
    if (v.dim() == 2 && v.size(1) == 1) v = v.squeeze(1);
    TP_CHECK(logits.dim() == 2 && logits.size(0) == count && logits.size(1) == num_actions_ && v.dim() == 1 &&
                 v.size(0) == count,
             name_, " returned logits ", logits.sizes(), " and values ", v.sizes(), " for ", count,
             " positions; expected [", count, ", ", num_actions_, "] and [", count, "]");
    logits = logits.to(torch::kFloat32);
    v = v.to(torch::kFloat32);
    auto p = torch::softmax(logits, 1).to(torch::kCPU).contiguous();
    auto vv = v.to(torch::kCPU).contiguous();
    std::memcpy(priors + int64_t{start} * num_actions_, p.data_ptr<float>(), sizeof(float) * count * num_actions_);
    std::memcpy(values + start, vv.data_ptr<float>(), sizeof(float) * count);
    positions_ += count;
    ++batches_;
  }
}

}  // namespace tp::agents
