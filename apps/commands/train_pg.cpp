// `torchplay train ppo|a2c|a3c`: the policy-gradient agents on a single-agent env
// (agents/policy_gradient/pg_training.h). Parse, call, print.
#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/pg_training.h"
#include "apps/commands.h"
#include "core/runtime.h"

namespace tp::app {

int train_policy_gradient(const std::string& algorithm, const Args& args) {
  OptionSet set("torchplay train " + algorithm +
                " --env NAME [--steps N] [--seed S] [options]\n"
                "The defaults shown are those of the env given with --env: tuned presets for classic control,\n"
                "continuous control and MinAtar (docs/policy_gradient.md). --resume RUN_DIR continues a run\n"
                "from its newest checkpoint.");
  set.enable_resume();
  auto options = agents::pg::PgOptions::preset(algorithm, set.peek(args, "env").value_or("CartPole-v1"));
  CommonOptions common;
  common.threads = 1;  // small networks: LibTorch's per-op overhead dominates
  TrainShow show;
  options.bind(set);
  common.bind(set);
  show.bind(set);
  if (!set.parse(args)) return 0;
  options.validate();
  const ThreadLayout layout = init_runtime(common);
  return print_run_outcome(
      agents::pg::train(options, show.attach(run_settings(set, common, layout)), common.seed, common.device), common);
}

}  // namespace tp::app
