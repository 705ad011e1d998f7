#pragma once
// The one loop skeleton that drives an env with a policy: evaluation, the SFML views and
// recording all go through `run_episode` (training loops add learning around the same
// reset/act/step cycle).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "envs/env.h"

namespace tp::agents {

struct EpisodeResult {
  double episode_return = 0.0;
  int length = 0;
  bool truncated = false;
};

// Called after reset (step = 0, action -1, result empty) and after every step with the action
// taken. `action` is -1 for every step of a continuous-action env (the policy's vector went
// to step_continuous; the callback can read the env, not the vector). Return false to stop.
using StepCallback = std::function<bool(const envs::Env& env, int action, const envs::StepResult& result)>;

// Runs one episode from the env's current reset state (the caller resets/seeds). A discrete
// env is driven through Policy::act and Env::step, a continuous-action env
// (has_continuous_actions()) through Policy::act_continuous and Env::step_continuous.
EpisodeResult run_episode(envs::Env& env, Policy& policy, const StepCallback& on_step = nullptr);

struct Summary {
  double mean = 0, std = 0, min = 0, max = 0;
};
Summary summarize(const std::vector<double>& values);

struct EvalReport {
  std::vector<double> returns;
  std::vector<double> lengths;
  Summary return_stats, length_stats;
};

// A report of these episodes, with their summaries.
EvalReport eval_report(std::vector<double> returns, std::vector<double> lengths);

// "eval at step 50000: return 497.66 +- 16.39 over 100 episodes": the line a periodic
// evaluation puts on the screen during training.
std::string evaluation_line(int64_t step, const EvalReport& report);

// `episodes` episodes; episode i is reset with seed `seed + i` so runs are reproducible.
EvalReport evaluate(envs::Env& env, Policy& policy, int episodes, uint64_t seed,
                    const std::function<void(int done)>& on_episode = nullptr);

}  // namespace tp::agents
