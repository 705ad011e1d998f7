#include "agents/policy_gradient/updates.h"

#include <torch/torch.h>

#include "agents/policy_gradient/gae.h"
#include "agents/policy_gradient/losses.h"
#include "core/process_group.h"
#include "nets/action_distribution.h"
#include "nets/data_parallel.h"
#include "nets/layers.h"

namespace tp::agents::pg {

namespace {

// The rollout flattened to [T * N, ...] on the network's device, with its GAE targets.
struct Batch {
  torch::Tensor obs, actions, log_probs, values, advantages, returns;
  int64_t size() const { return obs.size(0); }
};

Batch flatten(const nets::ActorCritic& net, const Rollout& r, const PgOptions& o) {
  const Advantages gae = compute_gae(r.rewards, r.values, r.episode_ends, r.next_values, o.gamma, o.gae_lambda);
  const torch::Device device = nets::device_of(*net);
  auto flat = [&](const torch::Tensor& t) { return t.flatten(0, 1).to(device); };
  return {flat(r.obs), flat(r.actions), flat(r.log_probs), flat(r.values), flat(gae.advantages), flat(gae.returns)};
}

void gradient_step(nets::ActorCritic& net, torch::optim::Optimizer& optimizer, const torch::Tensor& loss,
                   double max_grad_norm, ProcessGroup* group) {
  optimizer.zero_grad();
  loss.backward();
  if (group) nets::all_reduce_gradients(*group, net->parameters(), 1.0 / group->world_size());
  if (max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(net->parameters(), max_grad_norm);
  optimizer.step();
}

}  // namespace

UpdateStats ppo_update(nets::ActorCritic& net, torch::optim::Optimizer& optimizer, const Rollout& rollout,
                       const PgOptions& o, double clip, ProcessGroup* group) {
  const Batch b = flatten(net, rollout, o);
  const int64_t minibatch = b.size() / o.num_minibatches;
  UpdateStats stats;
  int steps = 0;
  for (int epoch = 0; epoch < o.update_epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(b.size(), torch::TensorOptions().dtype(torch::kLong));
    double epoch_kl = 0;
    int epoch_steps = 0;
    for (int64_t start = 0; start + minibatch <= b.size(); start += minibatch) {
      const torch::Tensor idx = order.slice(0, start, start + minibatch).to(b.obs.device());
      const nets::ActorCriticOutput out = net->forward(b.obs.index_select(0, idx));
      const nets::ActionDistribution dist = net->distribution(out);
      torch::Tensor advantages = b.advantages.index_select(0, idx);
      if (o.norm_adv) advantages = normalize_advantages(advantages);
      const PolicyLoss pl = ppo_policy_loss(dist.log_prob(b.actions.index_select(0, idx)),
                                            b.log_probs.index_select(0, idx), advantages, clip);
      const torch::Tensor vl = value_loss(out.value, b.values.index_select(0, idx), b.returns.index_select(0, idx),
                                          o.clip_vloss ? clip : 0.0);
      const torch::Tensor entropy = dist.entropy().mean();
      gradient_step(net, optimizer, pl.loss - o.ent_coef * entropy + o.vf_coef * vl, o.max_grad_norm, group);
      stats.policy_loss += pl.loss.item<double>();
      stats.value_loss += vl.item<double>();
      stats.entropy += entropy.item<double>();
      stats.approx_kl += pl.approx_kl;
      stats.clip_fraction += pl.clip_fraction;
      epoch_kl += pl.approx_kl;
      ++epoch_steps;
      ++steps;
    }
    stats.epochs = epoch + 1;
    if (group && o.target_kl > 0) {  // every rank stops at the same epoch
      std::vector<torch::Tensor> kl = {torch::tensor({epoch_kl / group->world_size()}, torch::kFloat64)};
      group->all_reduce_sum(kl);
      epoch_kl = kl[0].item<double>();
    }
    // CleanRL stops on the last minibatch's KL; the epoch's mean is less noisy.
    if (o.target_kl > 0 && epoch_kl / epoch_steps > o.target_kl) break;
  }
  for (double* v : {&stats.policy_loss, &stats.value_loss, &stats.entropy, &stats.approx_kl, &stats.clip_fraction})
    *v /= std::max(1, steps);
  stats.explained_variance = explained_variance(b.values, b.returns);
  return stats;
}

A2cLoss a2c_loss(nets::ActorCritic& net, const Rollout& rollout, const PgOptions& o) {
  const Batch b = flatten(net, rollout, o);
  const nets::ActorCriticOutput out = net->forward(b.obs);
  const nets::ActionDistribution dist = net->distribution(out);
  const torch::Tensor advantages = o.norm_adv ? normalize_advantages(b.advantages) : b.advantages;
  const torch::Tensor pl = a2c_policy_loss(dist.log_prob(b.actions), advantages);
  const torch::Tensor vl = value_loss(out.value, b.values, b.returns);
  const torch::Tensor entropy = dist.entropy().mean();
  A2cLoss result{pl - o.ent_coef * entropy + o.vf_coef * vl, {}};
  result.stats.policy_loss = pl.item<double>();
  result.stats.value_loss = vl.item<double>();
  result.stats.entropy = entropy.item<double>();
  result.stats.explained_variance = explained_variance(b.values, b.returns);
  result.stats.epochs = 1;
  return result;
}

UpdateStats a2c_update(nets::ActorCritic& net, torch::optim::Optimizer& optimizer, const Rollout& rollout,
                       const PgOptions& o, ProcessGroup* group) {
  A2cLoss l = a2c_loss(net, rollout, o);
  gradient_step(net, optimizer, l.loss, o.max_grad_norm, group);
  return l.stats;
}

}  // namespace tp::agents::pg
