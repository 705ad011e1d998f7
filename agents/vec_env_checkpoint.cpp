#include "agents/vec_env_checkpoint.h"

#include <torch/torch.h>

#include <vector>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents {

void save_env_states(CheckpointWriter& w, const std::string& key, const envs::VecEnv& vec) {
  std::vector<double> states;
  for (int i = 0; i < vec.size(); ++i) {
    const std::vector<double> s = vec.env(i).get_state();
    states.push_back(static_cast<double>(s.size()));
    states.insert(states.end(), s.begin(), s.end());
  }
  w.add_tensor(key, torch::tensor(states, torch::kFloat64));
}

void load_env_states(CheckpointReader& r, const std::string& key, envs::VecEnv& vec) {
  const std::vector<double> states = r.doubles(key);
  size_t at = 0;
  for (int i = 0; i < vec.size(); ++i) {
    TP_CHECK_AS(CheckpointError, at < states.size(), "checkpoint '", r.path(), "': env states are truncated");
    const size_t len = static_cast<size_t>(states[at]);
    TP_CHECK_AS(CheckpointError, at + 1 + len <= states.size(), "checkpoint '", r.path(),
                "': env states are truncated");
    vec.env(i).set_state(std::vector<double>(states.begin() + static_cast<std::ptrdiff_t>(at + 1),
                                             states.begin() + static_cast<std::ptrdiff_t>(at + 1 + len)));
    at += 1 + len;
  }
  TP_CHECK_AS(CheckpointError, at == states.size(), "checkpoint '", r.path(), "' holds states of more envs than ",
              vec.size(), " (--num-envs differs)");
}

}  // namespace tp::agents
