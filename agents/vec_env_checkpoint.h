#pragma once
// The state of every copy of a VecEnv in a checkpoint: one float64 tensor holding each copy's
// get_state() after its length, so copies of any env (and wrapper) round-trip. Used by the
// trainers that step a VecEnv (the policy-gradient rollout collector, PQN).
#include <string>

#include "envs/vec_env.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
}  // namespace tp

namespace tp::agents {

void save_env_states(CheckpointWriter& writer, const std::string& key, const envs::VecEnv& vec);
// CheckpointError when the entry is truncated or holds more copies than `vec` has (the run's
// --num-envs differs).
void load_env_states(CheckpointReader& reader, const std::string& key, envs::VecEnv& vec);

}  // namespace tp::agents
