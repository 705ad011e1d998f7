#include "agents/r2d2/sequence_loss.h"

#include <algorithm>
#include <cmath>

#include "agents/r2d2/r2d2_options.h"
#include "agents/r2d2/value_rescale.h"
#include "core/error.h"

namespace tp::agents::r2d2 {

LossSettings loss_settings(const R2d2Options& o) {
  LossSettings s;
  s.burn_in = o.burn_in;
  s.n_step = o.n_step;
  s.gamma = o.gamma;
  s.eta = o.priority_eta;
  s.rescale_eps = o.rescale_eps;
  s.stored_state = o.recurrent_state == "stored";
  return s;
}

Targets rescaled_double_q_targets(const torch::Tensor& rewards, const torch::Tensor& lengths,
                                  const torch::Tensor& terminal, const torch::Tensor& online_q,
                                  const torch::Tensor& target_q, const LossSettings& s) {
  torch::NoGradGuard guard;
  const int64_t m = rewards.size(0), b = rewards.size(1);
  TP_CHECK(online_q.size(0) == m + 1 && target_q.size(0) == m + 1, "targets need m + 1 frames of Q values");
  const torch::Tensor a_star = online_q.argmax(2, true);
  const torch::Tensor boot =
      value_rescale_inverse(target_q.gather(2, a_star).squeeze(2).to(torch::kFloat64), s.rescale_eps)
          .to(torch::kCPU)
          .contiguous();
  const torch::Tensor r = rewards.to(torch::kCPU, torch::kFloat64).contiguous();
  const torch::Tensor len = lengths.to(torch::kCPU, torch::kInt64).contiguous();
  const torch::Tensor term = terminal.to(torch::kCPU, torch::kFloat32).contiguous();
  torch::Tensor values = torch::zeros({m, b}, torch::kFloat64), mask = torch::zeros({m, b});
  const double* rp = r.data_ptr<double>();
  const double* bp = boot.data_ptr<double>();
  double* vp = values.data_ptr<double>();
  float* mp = mask.data_ptr<float>();
  for (int64_t j = 0; j < b; ++j) {
    const int64_t n_valid = len.data_ptr<int64_t>()[j];
    const bool is_terminal = term.data_ptr<float>()[j] > 0.5f;
    for (int64_t t = s.burn_in; t < std::min(n_valid, m); ++t) {
      const int64_t k = std::min<int64_t>(s.n_step, n_valid - t);
      double ret = 0.0, discount = 1.0;
      for (int64_t i = 0; i < k; ++i, discount *= s.gamma) ret += discount * rp[(t + i) * b + j];
      if (!(is_terminal && t + k == n_valid)) ret += discount * bp[(t + k) * b + j];
      vp[t * b + j] = value_rescale(ret, s.rescale_eps);
      mp[t * b + j] = 1.0f;
    }
  }
  return {values.to(torch::kFloat32).to(online_q.device()), mask.to(online_q.device())};
}

torch::Tensor sequence_priorities(const torch::Tensor& abs_td, const torch::Tensor& mask, double eta) {
  const torch::Tensor masked = abs_td * mask;
  const torch::Tensor count = mask.sum(0).clamp_min(1.0);
  return eta * std::get<0>(masked.max(0)) + (1.0 - eta) * masked.sum(0) / count;
}

LossOutput sequence_loss(R2d2Network& online, R2d2Network& target, const SequenceBatch& batch,
                         const torch::Tensor& weights, const LossSettings& s) {
  const int64_t m = batch.actions.size(0), b = batch.actions.size(1);
  const int64_t h = online->options().lstm_size;
  const torch::Device device = batch.obs.device();
  const RecurrentState start = s.stored_state ? batch.state : RecurrentState::zeros(b, h, device);
  // Burn-in: unrolled from the start state without gradient; the rest with gradient.
  torch::Tensor q_burn;
  RecurrentState state = start;
  if (s.burn_in > 0) {
    torch::NoGradGuard guard;
    auto [q, st] = online->forward(batch.obs.narrow(0, 0, s.burn_in), start);
    q_burn = q;
    state = st;
  }
  torch::Tensor q_rest = online->forward(batch.obs.narrow(0, s.burn_in, m + 1 - s.burn_in), state).first;
  const torch::Tensor q_online = s.burn_in > 0 ? torch::cat({q_burn, q_rest}, 0) : q_rest;
  torch::Tensor q_target;
  {
    torch::NoGradGuard guard;
    q_target = target->forward(batch.obs, start).first;
  }
  const Targets y =
      rescaled_double_q_targets(batch.rewards, batch.lengths, batch.terminal, q_online.detach(), q_target, s);
  const torch::Tensor q_taken = q_online.narrow(0, 0, m).gather(2, batch.actions.unsqueeze(2)).squeeze(2);
  const torch::Tensor td = (y.values - q_taken) * y.mask;
  const torch::Tensor count = y.mask.sum(0).clamp_min(1.0);
  const torch::Tensor per_sequence = 0.5 * td.square().sum(0) / count;
  LossOutput out;
  out.loss = (weights.to(device) * per_sequence).mean();
  out.priorities = sequence_priorities(td.detach().abs(), y.mask, s.eta).to(torch::kCPU);
  out.q_mean = ((q_taken.detach() * y.mask).sum() / y.mask.sum().clamp_min(1.0)).item<double>();
  return out;
}

torch::Tensor initial_priorities(R2d2Network& net, const SequenceBatch& batch, const LossSettings& s) {
  torch::NoGradGuard guard;
  const int64_t m = batch.actions.size(0), b = batch.actions.size(1);
  const torch::Device device = batch.obs.device();
  const RecurrentState start =
      s.stored_state ? batch.state : RecurrentState::zeros(b, net->options().lstm_size, device);
  // Unrolled in one piece: the burn-in steps carry no gradient here anyway.
  const torch::Tensor q = net->forward(batch.obs, start).first;
  const Targets y = rescaled_double_q_targets(batch.rewards, batch.lengths, batch.terminal, q, q, s);
  const torch::Tensor q_taken = q.narrow(0, 0, m).gather(2, batch.actions.unsqueeze(2)).squeeze(2);
  return sequence_priorities(((y.values - q_taken) * y.mask).abs(), y.mask, s.eta).to(torch::kCPU);
}

}  // namespace tp::agents::r2d2
