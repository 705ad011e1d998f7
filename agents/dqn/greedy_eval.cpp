#include "agents/dqn/greedy_eval.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "nets/layers.h"

namespace tp::agents::dqn {

EvalReport evaluate_q_network(nets::QNetwork& net, const envs::Env& prototype, int episodes, uint64_t seed,
                              double epsilon) {
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
  const torch::Device device = nets::device_of(*net);
  float* obs_ptr = obs.data_ptr<float>();
  std::vector<size_t> active(n);
  for (size_t i = 0; i < n; ++i) active[i] = i;
  std::vector<double> returns(n, 0.0), lengths(n, 0.0);
  Rng rng(seed ^ 0x5eed5eedULL);
  while (!active.empty()) {
    // Rows 0..k-1 hold the observations of the k running episodes.
    for (size_t k = 0; k < active.size(); ++k) envs[active[k]]->observe(obs_ptr + static_cast<int64_t>(k) * obs_size);
    const torch::Tensor rows = obs.narrow(0, 0, static_cast<int64_t>(active.size())).to(device);
    const torch::Tensor actions = net->forward(rows).argmax(1).to(torch::kCPU).contiguous();
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
  EvalReport rep;
  rep.returns = returns;
  rep.lengths = lengths;
  rep.return_stats = summarize(returns);
  rep.length_stats = summarize(lengths);
  return rep;
}

}  // namespace tp::agents::dqn
