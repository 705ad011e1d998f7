#include "agents/dqn/dqn_learner.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "nets/target_update.h"

namespace tp::agents::dqn {

DqnLearner::DqnLearner(const nets::QNetworkOptions& net, const nets::OptimizerOptions& opt, LearnerSettings settings)
    : settings_(settings) {
  online_ = nets::QNetwork(net);
  target_ = nets::clone_q_network(online_);  // a deep copy: theta- <- theta
  target_->eval();
  for (auto& p : target_->parameters()) p.set_requires_grad(false);
  flat_ = std::make_unique<nets::FlatParameters>(*online_);
  optimizer_ = nets::make_optimizer({flat_->flat()}, opt);
  obs_shape_1_ = {1};
  obs_shape_1_.insert(obs_shape_1_.end(), net.input_shape.begin(), net.input_shape.end());
  // DQN's networks stay on the CPU in float32 (the kernel checks each call).
  if (settings_.dense_kernel && nets::DenseQKernel::supports(net)) dense_ = std::make_unique<nets::DenseQKernel>(net);
}

DqnLearner::~DqnLearner() = default;

int DqnLearner::greedy_action(const float* obs) {
  if (dense_) {
    q_buf_.resize(static_cast<size_t>(dense_->actions()));
    dense_->forward(*online_, obs, 1, q_buf_.data(), /*keep=*/false);
    return static_cast<int>(std::max_element(q_buf_.begin(), q_buf_.end()) - q_buf_.begin());
  }
  c10::InferenceMode guard;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), obs_shape_1_);
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
  const torch::Tensor a = online_->forward(obs).argmax(1).contiguous();
  const int64_t* p = a.data_ptr<int64_t>();
  out.resize(static_cast<size_t>(a.size(0)));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(p[i]);
}

// One step of Algorithm 1 in Mnih et al. 2015, with the switchable extensions.
UpdateResult DqnLearner::update(const ReplayBatch& b) {
  if (dense_) return update_dense(b);
  const LearnerSettings& s = settings_;
  torch::Tensor y;
  {
    // y_j is a regression target: computed without gradient, from the fixed network theta-.
    torch::NoGradGuard no_grad;
    const torch::Tensor next_q_target = target_->forward(b.next_obs);  // Q(s', . ; theta-)
    torch::Tensor next_q;
    if (s.double_dqn) {
      // Double DQN (van Hasselt et al. 2016, eq. 4): theta picks a', theta- evaluates it.
      const torch::Tensor a_star = online_->forward(b.next_obs).argmax(1, /*keepdim=*/true);
      next_q = next_q_target.gather(1, a_star).squeeze(1);
    } else {
      next_q = std::get<0>(next_q_target.max(1));  // max_a' Q(s', a'; theta-)
    }
    // y = r + gamma^n max_a' Q(s', a'; theta-), and y = r when s' is terminal. A truncated
    // (time-limit) s' is not terminal, so it bootstraps like any other state.
    const torch::Tensor gamma_n = torch::pow(s.gamma, b.n_steps);
    y = b.rewards + gamma_n * (1.0 - b.terminated) * next_q;
  }
  const torch::Tensor q = online_->forward(b.obs).gather(1, b.actions.unsqueeze(1)).squeeze(1);  // Q(s, a; theta)
  // Huber loss on the TD error y - Q (the paper's error clipping to [-1, 1] for delta = 1),
  // weighted by the importance weights (all 1 without prioritized replay).
  const torch::Tensor per_sample = torch::huber_loss(q, y, at::Reduction::None, s.huber_delta);
  const torch::Tensor loss = (b.weights * per_sample).mean();
  optimizer_->zero_grad();
  loss.backward();
  clip_and_step();

  UpdateResult r;
  r.loss = loss.item<double>();
  const torch::Tensor q_detached = q.detach();
  r.q_mean = q_detached.mean().item<double>();
  r.abs_td_error = (y - q_detached).abs().contiguous();
  return r;
}

// update() line by line, by hand: the same target, loss and gradient (tests compare them).
UpdateResult DqnLearner::update_dense(const ReplayBatch& b) {
  const LearnerSettings& s = settings_;
  const int64_t n = b.size(), num_actions = dense_->actions();
  const float* obs = b.obs.data_ptr<float>();
  const float* next_obs = b.next_obs.data_ptr<float>();
  const int64_t* actions = b.actions.data_ptr<int64_t>();
  const float* rewards = b.rewards.data_ptr<float>();
  const float* terminated = b.terminated.data_ptr<float>();
  const float* n_steps = b.n_steps.data_ptr<float>();
  const float* weights = b.weights.data_ptr<float>();
  auto row_argmax = [&](const float* row) { return std::max_element(row, row + num_actions) - row; };

  // y = r + gamma^n max_a' Q(s', a'; theta-) (Double DQN: a' from theta), y = r at terminal s'.
  q_next_buf_.resize(static_cast<size_t>(n * num_actions));
  dense_->forward(*target_, next_obs, n, q_next_buf_.data(), /*keep=*/false);
  if (s.double_dqn) {
    q_next_online_buf_.resize(q_next_buf_.size());
    dense_->forward(*online_, next_obs, n, q_next_online_buf_.data(), /*keep=*/false);
  }
  // Q(s, . ; theta), activations kept for the backward pass.
  q_buf_.resize(q_next_buf_.size());
  dense_->forward(*online_, obs, n, q_buf_.data(), /*keep=*/true);

  torch::Tensor abs_td = torch::empty({n});
  float* abs_td_p = abs_td.data_ptr<float>();
  dq_buf_.assign(q_buf_.size(), 0.f);
  double loss = 0.0, q_sum = 0.0;
  const double delta = s.huber_delta;
  for (int64_t i = 0; i < n; ++i) {
    const float* next_target = q_next_buf_.data() + i * num_actions;
    const int64_t a_star = row_argmax(s.double_dqn ? q_next_online_buf_.data() + i * num_actions : next_target);
    const float y = static_cast<float>(rewards[i] + std::pow(s.gamma, static_cast<double>(n_steps[i])) *
                                                        (1.0 - terminated[i]) * next_target[a_star]);
    const float q = q_buf_[static_cast<size_t>(i * num_actions + actions[i])];
    const double d = static_cast<double>(q) - y;
    const double ad = std::abs(d);
    // Huber loss and its derivative (the TD error clipped to [-delta, delta]), IS-weighted.
    loss += weights[i] * (ad <= delta ? 0.5 * d * d : delta * (ad - 0.5 * delta));
    dq_buf_[static_cast<size_t>(i * num_actions + actions[i])] =
        static_cast<float>(weights[i] * std::max(-delta, std::min(delta, d)) / static_cast<double>(n));
    q_sum += q;
    abs_td_p[i] = static_cast<float>(ad);
  }
  dense_->backward(*online_, dq_buf_.data());
  clip_and_step();

  UpdateResult r;
  r.loss = loss / static_cast<double>(n);
  r.q_mean = q_sum / static_cast<double>(n);
  r.abs_td_error = abs_td;
  return r;
}

void DqnLearner::clip_and_step() {
  if (settings_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(flat_->flat(), settings_.max_grad_norm);
  optimizer_->step();
}

void DqnLearner::sync_target_hard() { nets::hard_update(*target_, *online_); }

void DqnLearner::sync_target_soft() { nets::soft_update(*target_, *online_, settings_.target_tau); }

}  // namespace tp::agents::dqn
