#pragma once
// Greedy evaluation of a recurrent Q network: many episodes at once, one batched forward per
// step, each episode carrying its own LSTM state from a zero state at its reset. Episode i is
// reset with seed `seed + i`, as in agents::evaluate and agents::evaluate_greedy_q.
#include <cstdint>

#include "agents/episode_loop.h"
#include "agents/r2d2/r2d2_network.h"
#include "envs/env.h"

namespace tp::agents::r2d2 {

EvalReport evaluate_recurrent(R2d2Network& net, const envs::Env& prototype, int episodes, uint64_t seed);

}  // namespace tp::agents::r2d2
