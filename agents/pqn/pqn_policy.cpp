#include "agents/pqn/pqn_policy.h"

#include <torch/torch.h>

#include "agents/pqn/pqn_options.h"
#include "core/checkpoint.h"

namespace tp::agents::pqn {

PqnNetwork load_pqn_network(CheckpointReader& reader, const envs::Env& env, torch::Device device) {
  reader.expect(kPqnAlgorithm);
  const PqnNetworkOptions options =
      reader.interpret([&] { return pqn_network_options_from_spec(reader.bytes("net")); });
  PqnNetwork net(options);
  check_network_fits(reader, options.input_shape, options.num_actions, net->signature(), env);
  reader.load_module("policy", *net);
  net->to(device);
  return net;
}

std::unique_ptr<GreedyQPolicy> load_pqn_policy(const std::string& path, const envs::Env& env, torch::Device device) {
  CheckpointReader reader(path);
  return greedy_policy_of(load_pqn_network(reader, env, device), "pqn:" + path);
}

}  // namespace tp::agents::pqn
