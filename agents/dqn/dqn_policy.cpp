#include "agents/dqn/dqn_policy.h"

#include <torch/torch.h>

#include "core/checkpoint.h"

namespace tp::agents::dqn {

nets::QNetwork load_dqn_network(CheckpointReader& reader, const envs::Env& env, torch::Device device) {
  reader.expect(kDqnAlgorithm);
  const nets::QNetworkOptions options =
      reader.interpret([&] { return nets::q_network_options_from_spec(reader.bytes("net")); });
  nets::QNetwork net(options);
  check_network_fits(reader, options.input_shape, options.num_actions, net->signature(), env);
  reader.load_module("policy", *net);  // onto the CPU (core/checkpoint.h), then to the device
  net->to(device);
  return net;
}

std::unique_ptr<GreedyQPolicy> load_dqn_policy(const std::string& path, const envs::Env& env, torch::Device device) {
  CheckpointReader reader(path);
  return greedy_policy_of(load_dqn_network(reader, env, device), "dqn:" + path);
}

}  // namespace tp::agents::dqn
