#include "agents/episode_loop.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "core/error.h"
#include "envs/random_actions.h"

namespace tp::agents {

void Policy::act_continuous(const float*, const envs::Env& env, float*) {
  TP_THROW(Error, "agent '", name(), "' picks discrete actions; ", env.id(), " takes continuous ones");
}

int RandomPolicy::act(const float*, const envs::Env& env) {
  return static_cast<int>(rng_.below(static_cast<uint32_t>(env.action_space().n)));
}

void RandomPolicy::act_continuous(const float*, const envs::Env& env, float* action) {
  const envs::BoxSpace* box = env.continuous_action_space();
  TP_CHECK(box != nullptr, env.id(), " takes discrete actions, not continuous ones");
  envs::sample_uniform(*box, rng_, action);
}

EpisodeResult run_episode(envs::Env& env, Policy& policy, const StepCallback& on_step) {
  std::vector<float> obs(static_cast<size_t>(env.observation_space().size()));
  const envs::BoxSpace* box = env.continuous_action_space();
  std::vector<float> continuous(box ? static_cast<size_t>(box->size()) : 0);
  policy.begin_episode();
  EpisodeResult result;
  if (on_step && !on_step(env, -1, envs::StepResult{})) return result;
  while (true) {
    env.observe(obs.data());
    int action = -1;  // what the callback sees for a continuous step
    envs::StepResult r;
    if (box) {
      policy.act_continuous(obs.data(), env, continuous.data());
      r = env.step_continuous(continuous.data());
    } else {
      action = policy.act(obs.data(), env);
      r = env.step(action);
    }
    result.episode_return += r.reward;
    ++result.length;
    if (on_step && !on_step(env, action, r)) break;
    if (r.done()) {
      result.truncated = r.truncated && !r.terminated;
      break;
    }
  }
  return result;
}

Summary summarize(const std::vector<double>& v) {
  Summary s;
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  double sq = 0;
  for (double x : v) sq += (x - s.mean) * (x - s.mean);
  s.std = std::sqrt(sq / static_cast<double>(v.size()));
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  return s;
}

EvalReport eval_report(std::vector<double> returns, std::vector<double> lengths) {
  EvalReport rep;
  rep.returns = std::move(returns);
  rep.lengths = std::move(lengths);
  rep.return_stats = summarize(rep.returns);
  rep.length_stats = summarize(rep.lengths);
  return rep;
}

EvalReport evaluate(envs::Env& env, Policy& policy, int episodes, uint64_t seed,
                    const std::function<void(int)>& on_episode) {
  std::vector<double> returns, lengths;
  for (int i = 0; i < episodes; ++i) {
    env.reset(seed + static_cast<uint64_t>(i));
    EpisodeResult r = run_episode(env, policy);
    returns.push_back(r.episode_return);
    lengths.push_back(r.length);
    if (on_episode) on_episode(i + 1);
  }
  return eval_report(std::move(returns), std::move(lengths));
}

std::string evaluation_line(int64_t step, const EvalReport& report) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "eval at step %lld: return %.2f +- %.2f over %zu episodes",
                static_cast<long long>(step), report.return_stats.mean, report.return_stats.std, report.returns.size());
  return buf;
}

}  // namespace tp::agents
