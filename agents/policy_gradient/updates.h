#pragma once
// One learning update from one rollout, for the synchronous agents: PPO's epochs of
// shuffled minibatches on the clipped surrogate, or A2C's single gradient step.
#include <torch/optim/optimizer.h>

#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/rollout.h"
#include "nets/actor_critic.h"

namespace tp {
class ProcessGroup;
}

namespace tp::agents::pg {

// What the update logs (means over its gradient steps).
struct UpdateStats {
  double policy_loss = 0, value_loss = 0, entropy = 0;
  double approx_kl = 0, clip_fraction = 0;  // PPO; 0 for A2C
  double explained_variance = 0;
  int epochs = 0;  // PPO: epochs run (fewer when --target-kl stopped the update)
};

// `clip`: the clip range of this update (the caller anneals it). With `group` (a distributed
// run, docs/distributed.md) each rank updates from its own rollout, and every gradient step
// takes the ranks' mean gradient (clipped after the mean), so the ranks' networks stay equal;
// --target-kl stops on the ranks' mean KL.
UpdateStats ppo_update(nets::ActorCritic& net, torch::optim::Optimizer& optimizer, const Rollout& rollout,
                       const PgOptions& options, double clip, ProcessGroup* group = nullptr);
UpdateStats a2c_update(nets::ActorCritic& net, torch::optim::Optimizer& optimizer, const Rollout& rollout,
                       const PgOptions& options, ProcessGroup* group = nullptr);

// The loss of one rollout for A2C/A3C (-A log pi - ent H + vf V-loss), with its parts; the
// caller runs backward and applies the gradients.
struct A2cLoss {
  torch::Tensor loss;
  UpdateStats stats;
};
A2cLoss a2c_loss(nets::ActorCritic& net, const Rollout& rollout, const PgOptions& options);

}  // namespace tp::agents::pg
