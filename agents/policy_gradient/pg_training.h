#pragma once
// `torchplay train ppo|a2c|a3c` as runs of the one training skeleton (core/training_run.h).
// PPO and A2C: each skeleton step is one rollout of num_envs x num_steps and one update.
// A3C: worker threads collect and apply their updates asynchronously; each skeleton step
// waits for the workers' next batch of env steps. A metrics row per finished episode, per
// update and per evaluation; the final evaluation uses `torchplay eval`'s seeds.
#include <cstdint>
#include <string>

#include "agents/policy_gradient/pg_options.h"
#include "core/training_run.h"

namespace tp::agents::pg {

// `options` bound from PgOptions::preset and validated; `seed` seeds the envs (LibTorch's
// generator is seeded by init_runtime); `device` is where the network learns.
// settings.group: PPO and A2C as ranks of a distributed run (docs/distributed.md): --num-envs
// and --steps are the whole run's, each rank steps num_envs / world size of the envs (those a
// single process would have, by seed), and every gradient step takes the ranks' mean. A3C is
// refused.
RunOutcome train(const PgOptions& options, RunSettings settings, uint64_t seed, const std::string& device = "cpu");
// UsageError when `options` cannot train as a run of `world_size` > 1 processes (a3c).
void check_distributable(const PgOptions& options, int world_size);

}  // namespace tp::agents::pg
