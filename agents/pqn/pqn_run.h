#pragma once
// `torchplay train pqn` as a run of the one training skeleton (core/training_run.h): PQN
// (Gallici et al. 2024). Each skeleton step is one rollout of num_envs x num_steps
// epsilon-greedy steps over envs::VecEnv, Q(lambda) targets computed backwards over it
// (agents/pqn/q_lambda.h) with the network that acted, then update_epochs passes of
// num_minibatches minibatches regressing Q(s, a) on the targets (Adam, gradient-norm clip,
// lr annealed linearly). No replay buffer, no target network: the LayerNorm network
// (agents/pqn/pqn_network.h) keeps it stable. Metrics rows per finished episode, per update
// and per greedy evaluation; the final evaluation uses `torchplay eval`'s seeds.
#include <cstdint>
#include <string>

#include "agents/pqn/pqn_options.h"
#include "core/training_run.h"

namespace tp::agents::pqn {

// `options` bound from PqnOptions::preset and validated; `seed` seeds the envs (LibTorch's
// generator, which draws the exploration and the minibatches, is seeded by init_runtime);
// `device` is where the network learns.
RunOutcome train(const PqnOptions& options, RunSettings settings, uint64_t seed, const std::string& device = "cpu");

}  // namespace tp::agents::pqn
