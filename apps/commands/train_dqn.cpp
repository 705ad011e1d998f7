// `torchplay train dqn`: DQN (Mnih et al. 2015) and its extensions on a single-agent env
// (agents/dqn/dqn_training.h). Parse, call, print.
#include "agents/dqn/dqn_options.h"
#include "agents/dqn/dqn_training.h"
#include "apps/commands.h"
#include "core/runtime.h"

namespace tp::app {

int train_dqn(const Args& args) {
  OptionSet set(
      "torchplay train dqn --env NAME [--steps N] [--seed S] [options]\n"
      "The defaults shown are those of the env given with --env: the MinAtar paper's settings\n"
      "(Young & Tian 2019, after Mnih et al. 2015), or for vector observations (classic control)\n"
      "the tuned preset in docs/dqn.md. --resume RUN_DIR continues a run from its newest checkpoint.");
  set.enable_resume();
  auto options = agents::dqn::DqnOptions::preset(set.peek(args, "env").value_or("CartPole-v1"));
  CommonOptions common;
  common.threads = 1;  // DQN's networks are small: LibTorch's per-op overhead dominates (core_use)
  TrainShow show;
  options.bind(set);
  common.bind(set);
  show.bind(set);
  if (!set.parse(args)) return 0;
  options.validate();
  const ThreadLayout layout = init_runtime(common, options.core_use());
  return print_run_outcome(
      agents::dqn::train(options, show.attach(run_settings(set, common, layout)), common.seed, common.device), common);
}

}  // namespace tp::app
