#include "agents/dqn/dqn_learner.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "agents/dqn/td_loss.h"
#include "core/error.h"
#include "nets/dense_q.h"
#include "nets/target_update.h"

namespace tp::agents::dqn {

DqnLearner::DqnLearner(const nets::QNetworkOptions& net, const nets::OptimizerOptions& opt, LearnerSettings settings)
    : settings_(std::move(settings)) {
  TP_CHECK_AS(UsageError, settings_.dense_kernel == "auto" || settings_.dense_kernel == "off",
              "--dense-kernel must be auto or off, got '", settings_.dense_kernel, "'");
  online_ = nets::QNetwork(net);  // initialized on the CPU (the same weights on every device)
  online_->to(settings_.device);
  target_ = nets::clone_q_network(online_);  // a deep copy: theta- <- theta
  target_->to(settings_.device);
  target_->eval();
  for (auto& p : target_->parameters()) p.set_requires_grad(false);
  flat_ = std::make_unique<nets::FlatParameters>(*online_);
  optimizer_ = nets::make_optimizer({flat_->flat()}, opt);
  obs_shape_1_ = {1};
  obs_shape_1_.insert(obs_shape_1_.end(), net.input_shape.begin(), net.input_shape.end());
  num_actions_ = net.num_actions;
  // The plan is read off the online network's layers; it declines (CPU float32 included)
  // what the kernel cannot compute, and the target network has the same layers.
  if (settings_.dense_kernel == "off") {
    dense_declined_ = "--dense-kernel off";
  } else if (auto plan = nets::DenseQPlan::from(*online_, &dense_declined_)) {
    dense_ = std::make_unique<nets::DenseQKernel>(std::move(*plan));
  }
}

DqnLearner::~DqnLearner() = default;

void DqnLearner::after_load() {
  flat_->rebind();
  if (dense_) dense_->forget_weights();
  target_->to(settings_.device);
  nets::optimizer_state_to(*optimizer_, settings_.device);
}

int DqnLearner::greedy_action(const float* obs) {
  if (dense_) {
    q_buf_.resize(static_cast<size_t>(dense_->actions()));
    dense_->forward(*online_, obs, 1, q_buf_.data(), /*keep=*/false);
    return static_cast<int>(std::max_element(q_buf_.begin(), q_buf_.end()) - q_buf_.begin());
  }
  c10::InferenceMode guard;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), obs_shape_1_).to(settings_.device);
  return static_cast<int>(online_->forward(x).argmax(1).item<int64_t>());
}

void DqnLearner::greedy_actions(const torch::Tensor& obs, std::vector<int>& out) {
  if (dense_ && obs.is_cpu() && obs.scalar_type() == torch::kFloat && obs.is_contiguous()) {
    const int64_t n = obs.size(0), num_actions = dense_->actions();
    q_buf_.resize(static_cast<size_t>(n * num_actions));
    dense_->forward(*online_, obs.data_ptr<float>(), n, q_buf_.data(), /*keep=*/false);
    out.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const float* row = q_buf_.data() + i * num_actions;
      out[static_cast<size_t>(i)] = static_cast<int>(std::max_element(row, row + num_actions) - row);
    }
    return;
  }
  c10::InferenceMode guard;
  const torch::Tensor a = online_->forward(obs.to(settings_.device)).argmax(1).to(torch::kCPU).contiguous();
  const int64_t* p = a.data_ptr<int64_t>();
  out.resize(static_cast<size_t>(a.size(0)));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(p[i]);
}

// One step of Algorithm 1 in Mnih et al. 2015, with the switchable extensions. The Q values
// come from the dense kernel or from autograd; the target and the loss (td_loss.h) are the
// same code for both.
UpdateResult DqnLearner::update(const ReplayBatch& b) {
  const LearnerSettings& s = settings_;
  const int64_t n = b.size(), size = n * num_actions_;
  q_buf_.resize(static_cast<size_t>(size));
  dq_buf_.resize(static_cast<size_t>(size));
  y_buf_.resize(static_cast<size_t>(n));
  // Q(s', . ; theta-), for Double DQN Q(s', . ; theta) (it picks a'), and Q(s, . ; theta).
  const float* next_q_target = nullptr;
  const float* next_q_select = nullptr;
  const float* q = nullptr;
  torch::Tensor next_target_t, next_online_t, q_t;  // autograd: the outputs (q_t with its graph)
  if (dense_) {
    q_next_buf_.resize(static_cast<size_t>(size));
    dense_->forward(*target_, b.next_obs.data_ptr<float>(), n, q_next_buf_.data(), /*keep=*/false);
    next_q_target = next_q_select = q_next_buf_.data();
    if (s.double_dqn) {
      q_next_online_buf_.resize(static_cast<size_t>(size));
      dense_->forward(*online_, b.next_obs.data_ptr<float>(), n, q_next_online_buf_.data(), /*keep=*/false);
      next_q_select = q_next_online_buf_.data();
    }
    dense_->forward(*online_, b.obs.data_ptr<float>(), n, q_buf_.data(), /*keep=*/true);  // kept for backward
    q = q_buf_.data();
  } else {
    // The batch is on the CPU; the networks on s.device. The Q values come back to the CPU
    // for the target and the loss (td_loss.h), dL/dQ goes out for the backward pass.
    const torch::Tensor next_obs = b.next_obs.to(s.device);
    {
      // y is a regression target: computed without gradient, from the fixed network theta-.
      torch::NoGradGuard no_grad;
      next_target_t = target_->forward(next_obs).to(torch::kCPU).contiguous();
      next_q_target = next_q_select = next_target_t.data_ptr<float>();
      if (s.double_dqn) {
        next_online_t = online_->forward(next_obs).to(torch::kCPU).contiguous();
        next_q_select = next_online_t.data_ptr<float>();
      }
    }
    q_t = online_->forward(b.obs.to(s.device));
    const torch::Tensor q_values = q_t.detach().to(torch::kCPU).contiguous();
    std::copy_n(q_values.data_ptr<float>(), size, q_buf_.data());
    q = q_buf_.data();
  }
  td_targets(b, next_q_target, next_q_select, num_actions_, s.gamma, y_buf_.data());
  torch::Tensor abs_td = torch::empty({n});
  const TdLoss loss =
      huber_td_loss(b, q, num_actions_, y_buf_.data(), s.huber_delta, dq_buf_.data(), abs_td.data_ptr<float>());
  // dL/dtheta from dL/dQ.
  if (dense_) {
    dense_->backward(*online_, dq_buf_.data());
  } else {
    optimizer_->zero_grad();
    q_t.backward(torch::from_blob(dq_buf_.data(), {n, num_actions_}).to(s.device));
  }
  clip_and_step();

  UpdateResult r;
  r.loss = loss.loss;
  r.q_mean = loss.q_mean;
  r.abs_td_error = abs_td;
  return r;
}

void DqnLearner::clip_and_step() {
  if (settings_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(flat_->flat(), settings_.max_grad_norm);
  nets::optimizer_step(*optimizer_);
}

void DqnLearner::sync_target_hard() { nets::hard_update(*target_, *online_); }

void DqnLearner::sync_target_soft() { nets::soft_update(*target_, *online_, settings_.target_tau); }

}  // namespace tp::agents::dqn
