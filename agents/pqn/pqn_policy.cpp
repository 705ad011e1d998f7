#include "agents/pqn/pqn_policy.h"

#include <torch/torch.h>

#include "agents/pqn/pqn_options.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/layers.h"

namespace tp::agents::pqn {

PqnPolicy::PqnPolicy(PqnNetwork net, std::string name) : net_(std::move(net)), name_(std::move(name)) {
  net_->eval();
  device_ = nets::device_of(*net_);
  shape_ = {1};
  const auto& in = net_->options().input_shape;
  shape_.insert(shape_.end(), in.begin(), in.end());
}

int PqnPolicy::act(const float* obs, const envs::Env&) {
  c10::InferenceMode guard;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), shape_).to(device_);
  return static_cast<int>(net_->forward(x).argmax(1).item<int64_t>());
}

std::unique_ptr<PqnPolicy> load_pqn_policy(const std::string& path, const envs::Env& env, torch::Device device) {
  CheckpointReader reader(path);
  reader.expect(kPqnAlgorithm);
  const PqnNetworkOptions options =
      reader.interpret([&] { return pqn_network_options_from_spec(reader.bytes("net")); });
  std::vector<int64_t> shape;
  for (int d : env.observation_space().shape) shape.push_back(d);
  TP_CHECK_AS(CheckpointError, options.input_shape == shape && options.num_actions == env.action_space().n,
              "checkpoint '", path, "' does not fit the spaces of ", env.id());
  PqnNetwork net(options);
  TP_CHECK_AS(CheckpointError, reader.header().architecture == net->signature(), "checkpoint '", path,
              "' has architecture '", reader.header().architecture, "', which its network spec does not rebuild");
  reader.load_module("policy", *net);
  net->to(device);
  return std::make_unique<PqnPolicy>(net, "pqn:" + path);
}

}  // namespace tp::agents::pqn
