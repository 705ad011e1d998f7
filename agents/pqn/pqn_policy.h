#pragma once
// A `train pqn` checkpoint's hand-out network ("policy": the best evaluated or the last
// weights, per --final-policy), for eval/watch/play and export.
#include <torch/types.h>

#include <memory>
#include <string>

#include "agents/greedy_q.h"
#include "agents/pqn/pqn_network.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents::pqn {

// The network, on `device` (CheckpointError when it is not a PQN checkpoint or does not fit
// the env's spaces).
PqnNetwork load_pqn_network(CheckpointReader& reader, const envs::Env& env, torch::Device device);

// The network acting greedily, named "pqn:PATH".
std::unique_ptr<GreedyQPolicy> load_pqn_policy(const std::string& path, const envs::Env& env,
                                               torch::Device device = torch::kCPU);

}  // namespace tp::agents::pqn
