#pragma once
// Greedy (or epsilon-greedy) evaluation of a Q network on many env copies at once: one
// batched forward pass per time step instead of one per env, so a 100-episode evaluation of
// a small network costs little more than the env steps. Episode i is reset with seed
// `seed + i`, like agents::evaluate, and gives the same returns as DqnPolicy run through it.
// The network runs on the device of its parameters; the envs and the actions stay on the CPU.
#include <cstdint>

#include "agents/episode_loop.h"
#include "envs/env.h"
#include "nets/q_networks.h"

namespace tp::agents::dqn {

// `epsilon` > 0 takes a uniform random action with that probability (generator seeded by `seed`).
EvalReport evaluate_q_network(nets::QNetwork& net, const envs::Env& prototype, int episodes, uint64_t seed,
                              double epsilon = 0.0);

}  // namespace tp::agents::dqn
