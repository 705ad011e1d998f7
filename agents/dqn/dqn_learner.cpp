#include "agents/dqn/dqn_learner.h"

#include <torch/torch.h>

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
}

DqnLearner::~DqnLearner() = default;

int DqnLearner::greedy_action(const float* obs) {
  c10::InferenceMode guard;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), obs_shape_1_);
  return static_cast<int>(online_->forward(x).argmax(1).item<int64_t>());
}

void DqnLearner::greedy_actions(const torch::Tensor& obs, std::vector<int>& out) {
  c10::InferenceMode guard;
  const torch::Tensor a = online_->forward(obs).argmax(1).contiguous();
  const int64_t* p = a.data_ptr<int64_t>();
  out.resize(static_cast<size_t>(a.size(0)));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(p[i]);
}

// One step of Algorithm 1 in Mnih et al. 2015, with the switchable extensions.
UpdateResult DqnLearner::update(const ReplayBatch& b) {
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
  if (s.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(flat_->flat(), s.max_grad_norm);
  optimizer_->step();

  UpdateResult r;
  r.loss = loss.item<double>();
  const torch::Tensor q_detached = q.detach();
  r.q_mean = q_detached.mean().item<double>();
  r.abs_td_error = (y - q_detached).abs().contiguous();
  return r;
}

void DqnLearner::sync_target_hard() { nets::hard_update(*target_, *online_); }

void DqnLearner::sync_target_soft() { nets::soft_update(*target_, *online_, settings_.target_tau); }

}  // namespace tp::agents::dqn
