#pragma once
// Env throughput with random actions, as `torchplay bench` reports it: how many steps an env
// (or a VecEnv of copies) takes per second, the observation written every step as a learner
// would read it.
#include <cstdint>

#include "envs/env.h"

namespace tp::envs {

struct StepRate {
  int64_t steps = 0;
  double per_second = 0;      // steps per wall-clock second
  double per_cpu_second = 0;  // steps per CPU second of the stepping thread (one core, other load aside)
};

// Steps `env` with uniform random actions (reset when an episode ends) for about `seconds`.
StepRate env_step_rate(Env& env, double seconds, uint64_t seed);

// A VecEnv of `num_envs` copies of `prototype` on `threads` threads, stepped with random
// actions for about `seconds`: env steps (copies x batches) per wall-clock second.
double vec_env_steps_per_second(const Env& prototype, int num_envs, int threads, double seconds, uint64_t seed);

}  // namespace tp::envs
