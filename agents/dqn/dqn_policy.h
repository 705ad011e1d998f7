#pragma once
// A `train dqn` checkpoint's hand-out network ("policy": the best evaluated or the last
// weights, per --final-policy), for eval/watch/play and export.
#include <torch/types.h>

#include <memory>
#include <string>

#include "agents/greedy_q.h"
#include "nets/q_networks.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents::dqn {

// The algorithm name in the header of every `train dqn` checkpoint.
inline constexpr char kDqnAlgorithm[] = "dqn";

// The network, on `device` (CheckpointError when it is not a DQN checkpoint or does not fit
// the env's spaces).
nets::QNetwork load_dqn_network(CheckpointReader& reader, const envs::Env& env, torch::Device device);

// The network acting greedily, named "dqn:PATH".
std::unique_ptr<GreedyQPolicy> load_dqn_policy(const std::string& path, const envs::Env& env,
                                               torch::Device device = torch::kCPU);

}  // namespace tp::agents::dqn
