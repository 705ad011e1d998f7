#include "agents/policy_gradient/pg_policy.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "agents/policy_gradient/pg_options.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/action_distribution.h"
#include "nets/layers.h"

namespace tp::agents::pg {

ActorCriticPolicy::ActorCriticPolicy(nets::ActorCritic net, Settings settings)
    : net_(std::move(net)), s_(std::move(settings)), generator_(at::make_generator<at::CPUGeneratorImpl>(s_.seed)) {
  net_->eval();
  device_ = nets::device_of(*net_);
  shape_ = {1};
  const auto& in = net_->options().input_shape;
  shape_.insert(shape_.end(), in.begin(), in.end());
}

torch::Tensor ActorCriticPolicy::action_for(const float* obs) {
  c10::InferenceMode guard;
  torch::Tensor x = torch::from_blob(const_cast<float*>(obs), shape_).clone();
  if (s_.obs_stats) s_.obs_stats->normalize(x.data_ptr<float>(), 1, s_.obs_clip);
  const nets::ActorCriticOutput out = net_->forward(x.to(device_));
  // Samples are drawn on the CPU so one generator serves every device.
  const nets::ActionDistribution dist = net_->distribution({out.policy.cpu(), out.value.cpu(), out.features.cpu()});
  return s_.sample ? dist.sample(generator_) : dist.mode();
}

int ActorCriticPolicy::act(const float* obs, const envs::Env& env) {
  TP_CHECK(!net_->options().continuous(), name(), " picks continuous actions; ", env.id(), " takes discrete ones");
  return static_cast<int>(action_for(obs).item<float>());
}

void ActorCriticPolicy::act_continuous(const float* obs, const envs::Env& env, float* action) {
  TP_CHECK(net_->options().continuous(), name(), " picks discrete actions; ", env.id(), " takes continuous ones");
  const torch::Tensor a = action_for(obs).contiguous();
  std::copy(a.data_ptr<float>(), a.data_ptr<float>() + a.numel(), action);
}

std::unique_ptr<ActorCriticPolicy> load_pg_policy(const std::string& path, const envs::Env& env, torch::Device device,
                                                  bool sample, uint64_t seed) {
  CheckpointReader reader(path);
  return load_pg_policy(reader, env, device, sample, seed);
}

std::unique_ptr<ActorCriticPolicy> load_pg_policy(CheckpointReader& reader, const envs::Env& env, torch::Device device,
                                                  bool sample, uint64_t seed) {
  const std::string& path = reader.path();
  TP_CHECK_AS(CheckpointError, is_policy_gradient_algorithm(reader.header().algorithm), "checkpoint '", path,
              "' holds a '", reader.header().algorithm, "' model, not ppo, a2c or a3c");
  const nets::ActorCriticOptions options =
      reader.interpret([&] { return nets::actor_critic_options_from_spec(reader.bytes("net")); });
  std::vector<int64_t> shape;
  for (int d : env.observation_space().shape) shape.push_back(d);
  const envs::BoxSpace* box = env.continuous_action_space();
  const bool fits = options.input_shape == shape &&
                    (box ? options.action_dim == box->size() : options.num_actions == env.action_space().n);
  TP_CHECK_AS(CheckpointError, fits, "checkpoint '", path, "' does not fit the spaces of ", env.id());
  nets::ActorCritic net(options);
  TP_CHECK_AS(CheckpointError, reader.header().architecture == net->signature(), "checkpoint '", path,
              "' has architecture '", reader.header().architecture, "', which its network spec does not rebuild");
  reader.load_module("policy", *net);
  net->to(device);
  ActorCriticPolicy::Settings s;
  s.sample = sample;
  s.seed = seed;
  s.name = reader.header().algorithm + ":" + path;
  if (reader.has("obs_stats")) {
    s.obs_stats.emplace(env.observation_space().size());
    reader.interpret([&] { s.obs_stats->set_state(reader.doubles("obs_stats")); });
    s.obs_clip = reader.tensor("obs_clip").item<double>();
  }
  return std::make_unique<ActorCriticPolicy>(net, std::move(s));
}

}  // namespace tp::agents::pg
