#include "agents/greedy_q.h"

#include <torch/torch.h>

#include <utility>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/rng.h"

namespace tp::agents {

GreedyQPolicy::GreedyQPolicy(QFunction q, std::vector<int64_t> obs_shape, torch::Device device, std::string name)
    : q_(std::move(q)), device_(device), name_(std::move(name)) {
  shape_ = {1};
  shape_.insert(shape_.end(), obs_shape.begin(), obs_shape.end());
}

int GreedyQPolicy::act(const float* obs, const envs::Env&) {
  c10::InferenceMode guard;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(obs), shape_).to(device_);
  return static_cast<int>(q_(x).argmax(1).item<int64_t>());
}

void check_network_fits(const CheckpointReader& reader, const std::vector<int64_t>& input_shape, int64_t num_actions,
                        const std::string& signature, const envs::Env& env) {
  std::vector<int64_t> shape;
  for (int d : env.observation_space().shape) shape.push_back(d);
  TP_CHECK_AS(CheckpointError, input_shape == shape && num_actions == env.action_space().n, "checkpoint '",
              reader.path(), "' does not fit the spaces of ", env.id());
  TP_CHECK_AS(CheckpointError, reader.header().architecture == signature, "checkpoint '", reader.path(),
              "' has architecture '", reader.header().architecture, "', which its network spec does not rebuild");
}

EvalReport evaluate_greedy_q(const QFunction& q, torch::Device device, const envs::Env& prototype, int episodes,
                             uint64_t seed, double epsilon) {
  TP_CHECK(episodes > 0, "evaluation needs at least one episode");
  c10::InferenceMode guard;
  const auto n = static_cast<size_t>(episodes);
  const int64_t obs_size = prototype.observation_space().size();
  const auto n_actions = static_cast<uint32_t>(prototype.action_space().n);
  std::vector<std::unique_ptr<envs::Env>> envs;
  envs.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    envs.push_back(prototype.clone());
    envs.back()->reset(seed + i);
  }
  std::vector<int64_t> shape{static_cast<int64_t>(episodes)};
  for (int d : prototype.observation_space().shape) shape.push_back(d);
  torch::Tensor obs = torch::zeros(shape);  // on the CPU, where the envs write; moved per step
  float* obs_ptr = obs.data_ptr<float>();
  std::vector<size_t> active(n);
  for (size_t i = 0; i < n; ++i) active[i] = i;
  std::vector<double> returns(n, 0.0), lengths(n, 0.0);
  Rng rng(seed ^ 0x5eed5eedULL);
  while (!active.empty()) {
    // Rows 0..k-1 hold the observations of the k running episodes.
    for (size_t k = 0; k < active.size(); ++k) envs[active[k]]->observe(obs_ptr + static_cast<int64_t>(k) * obs_size);
    const torch::Tensor rows = obs.narrow(0, 0, static_cast<int64_t>(active.size())).to(device);
    const torch::Tensor actions = q(rows).argmax(1).to(torch::kCPU).contiguous();
    const int64_t* a = actions.data_ptr<int64_t>();
    std::vector<size_t> still;
    still.reserve(active.size());
    for (size_t k = 0; k < active.size(); ++k) {
      const size_t i = active[k];
      int action = static_cast<int>(a[k]);
      if (epsilon > 0 && rng.uniform() < epsilon) action = static_cast<int>(rng.below(n_actions));
      const envs::StepResult r = envs[i]->step(action);
      returns[i] += r.reward;
      lengths[i] += 1;
      if (!r.done()) still.push_back(i);
    }
    active.swap(still);
  }
  return eval_report(std::move(returns), std::move(lengths));
}

}  // namespace tp::agents
