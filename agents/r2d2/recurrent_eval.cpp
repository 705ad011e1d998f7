#include "agents/r2d2/recurrent_eval.h"

#include <memory>
#include <utility>
#include <vector>

#include "core/error.h"

namespace tp::agents::r2d2 {

EvalReport evaluate_recurrent(R2d2Network& net, const envs::Env& prototype, int episodes, uint64_t seed) {
  TP_CHECK(episodes > 0, "evaluation needs at least one episode");
  c10::InferenceMode guard;
  const auto n = static_cast<int64_t>(episodes);
  const int64_t obs_size = prototype.observation_space().size();
  const torch::Device device = net->parameters().front().device();
  std::vector<std::unique_ptr<envs::Env>> envs;
  for (int64_t i = 0; i < n; ++i) {
    envs.push_back(prototype.clone());
    envs.back()->reset(seed + static_cast<uint64_t>(i));
  }
  torch::Tensor obs = torch::zeros({1, n, obs_size});
  float* o = obs.data_ptr<float>();
  RecurrentState state = RecurrentState::zeros(n, net->options().lstm_size, device);
  std::vector<double> returns(static_cast<size_t>(n), 0.0), lengths(static_cast<size_t>(n), 0.0);
  std::vector<bool> running(static_cast<size_t>(n), true);
  int64_t left = n;
  while (left > 0) {
    // Finished episodes keep their last observation: their rows are computed and ignored.
    for (int64_t i = 0; i < n; ++i)
      if (running[static_cast<size_t>(i)]) envs[static_cast<size_t>(i)]->observe(o + i * obs_size);
    auto [q, next] = net->forward(obs.to(device), state);
    state = next;
    const torch::Tensor actions = q[0].argmax(1).to(torch::kCPU).contiguous();
    const int64_t* a = actions.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      if (!running[k]) continue;
      const envs::StepResult r = envs[k]->step(static_cast<int>(a[i]));
      returns[k] += r.reward;
      lengths[k] += 1;
      if (r.done()) {
        running[k] = false;
        --left;
      }
    }
  }
  return eval_report(std::move(returns), std::move(lengths));
}

}  // namespace tp::agents::r2d2
