#include <cstdio>
#include <iostream>

#include "agents/episode_loop.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/seeds.h"
#include "core/json.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/runtime.h"
#include "envs/registry.h"

namespace tp::app {

int cmd_eval(const Args& given) {
  // The target picks the variant: --game (board games), --model (generative), else --env
  // (the one a checkpoint agent was trained on when none is given).
  const Args args = with_agent_target(given);
  if (OptionSet("target").peek(args, "game")) return eval_game(args);
  if (OptionSet("target").peek(args, "model")) return eval_model(args);
  return eval_env(args);
}

int eval_env(const Args& args) {
  CommonOptions common;
  std::string env_id = "CartPole-v1", agent = "random", env_options;
  int episodes = 100;
  bool sample_actions = false;
  OptionSet set(
      "torchplay eval --env NAME --agent random|CHECKPOINT [options]\n"
      "       torchplay eval --game NAME --agent A --opponent B [options]\n"
      "       torchplay eval --model CHECKPOINT [options]");
  set.add("env", &env_id, "environment (see torchplay envs)")
      .add("env-options", &env_options, "env settings as key=value,... (e.g. sticky_action_prob=0)")
      .add("agent", &agent,
           "random, a checkpoint file, a run directory (its newest checkpoint), a shipped model (models/: "
           "cartpole-dqn, ...; the env then comes from it) or torchscript:FILE.pt (docs/export.md)")
      .add("episodes", &episodes, "episodes to run (episode i is seeded with seed + i)")
      .add("sample-actions", &sample_actions,
           "actor-critic agents (ppo, a2c, a3c): draw actions from the policy instead of taking the most likely");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, episodes > 0, "--episodes must be > 0");
  init_runtime(common);

  const auto registry = envs::make_env_registry();
  auto env = registry.make(env_id, envs::parse_env_kwargs(env_options));
  auto policy = agents::make_policy(agent, *env, {common.seed, common.device, sample_actions});
  Progress progress("eval " + env_id, episodes, "episodes", common.quiet);
  const agents::EvalReport rep =
      agents::evaluate(*env, *policy, episodes, evaluation_seed(common.seed), [&](int done) { progress.update(done); });
  progress.finish();
  const auto& r = rep.return_stats;
  const auto& l = rep.length_stats;
  std::printf("%s on %s, %d episodes: return %.2f +- %.2f (min %.1f, max %.1f), length %.1f +- %.1f\n",
              policy->name().c_str(), env_id.c_str(), episodes, r.mean, r.std, r.min, r.max, l.mean, l.std);
  if (common.json) {
    Json j = Json::object();
    j["env"] = env_id;
    j["agent"] = agent;
    j["episodes"] = episodes;
    j["return_mean"] = r.mean;
    j["return_std"] = r.std;
    j["return_min"] = r.min;
    j["return_max"] = r.max;
    j["length_mean"] = l.mean;
    j["length_std"] = l.std;
    j["length_min"] = l.min;
    j["length_max"] = l.max;
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace tp::app
