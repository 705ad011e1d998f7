#pragma once
// A trained AlphaGo policy network (SL or RL checkpoint) with the feature set it reads, and
// loading one: what the agents and the RL trainer share.
#include <torch/types.h>

#include <string>

#include "agents/alphago/features.h"
#include "nets/go_policy.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents::alphago {

struct PolicyNetwork {
  nets::GoPolicyNet net{nullptr};
  FeatureSet features = FeatureSet::kFull;
  int size = 9;
  int planes() const { return num_feature_planes(features, false); }
};

// True for the algorithms whose checkpoints hold a policy network ("policy"): alphago-sl and
// alphago-rl.
bool is_policy_algorithm(const std::string& algorithm);
// The network of an SL or RL checkpoint file, in eval mode on `device`; CheckpointError for
// another algorithm, an unknown architecture or (when size > 0) another board size.
PolicyNetwork load_policy_network(const std::string& path, const torch::Device& device, int size = 0);
PolicyNetwork load_policy_network(CheckpointReader& reader, const torch::Device& device, int size = 0);
// A network of the same shape (fresh weights).
PolicyNetwork same_shape(const PolicyNetwork& net);
// Copies the weights of `from` into `to` (same shape).
void copy_weights(const PolicyNetwork& from, PolicyNetwork& to);

}  // namespace tp::agents::alphago
