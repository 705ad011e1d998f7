#include "agents/dqn/dqn_policy.h"

#include <torch/torch.h>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/layers.h"

namespace tp::agents::dqn {

DqnPolicy::DqnPolicy(nets::QNetwork net, std::string name) : net_(std::move(net)), name_(std::move(name)) {
  net_->eval();
  device_ = nets::device_of(*net_);
  shape_ = {1};
  const auto& in = net_->options().input_shape;
  shape_.insert(shape_.end(), in.begin(), in.end());
}

int DqnPolicy::act(const float* obs, const envs::Env&) {
  c10::InferenceMode guard;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), shape_).to(device_);
  return static_cast<int>(net_->forward(x).argmax(1).item<int64_t>());
}

std::unique_ptr<DqnPolicy> load_dqn_policy(const std::string& path, const envs::Env& env, torch::Device device) {
  CheckpointReader reader(path);
  return load_dqn_policy(reader, env, device);
}

std::unique_ptr<DqnPolicy> load_dqn_policy(CheckpointReader& reader, const envs::Env& env, torch::Device device) {
  const std::string& path = reader.path();
  reader.expect(kDqnAlgorithm);
  const nets::QNetworkOptions options =
      reader.interpret([&] { return nets::q_network_options_from_spec(reader.bytes("net")); });
  std::vector<int64_t> shape;
  for (int d : env.observation_space().shape) shape.push_back(d);
  TP_CHECK_AS(CheckpointError, options.input_shape == shape && options.num_actions == env.action_space().n,
              "checkpoint '", path, "' does not fit the spaces of ", env.id());
  nets::QNetwork net(options);
  TP_CHECK_AS(CheckpointError, reader.header().architecture == net->signature(), "checkpoint '", path,
              "' has architecture '", reader.header().architecture, "', which its network spec does not rebuild");
  reader.load_module("policy", *net);  // onto the CPU (core/checkpoint.h), then to the device
  net->to(device);
  return std::make_unique<DqnPolicy>(net, "dqn:" + path);
}

}  // namespace tp::agents::dqn
