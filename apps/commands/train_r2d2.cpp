// `torchplay train r2d2`: R2D2 (Kapturowski et al. 2019) and, with --recurrent-state zero
// --burn-in 0, DRQN, on a single-agent env with vector observations
// (agents/r2d2/r2d2_training.h). Parse, call, print.
#include "agents/r2d2/r2d2_options.h"
#include "agents/r2d2/r2d2_training.h"
#include "apps/commands.h"
#include "core/runtime.h"

namespace tp::app {

int train_r2d2(const Args& args) {
  OptionSet set(
      "torchplay train r2d2 --env NAME [--steps N] [--seed S] [options]\n"
      "R2D2: an LSTM Q network trained from replayed sequences with stored start states and burn-in,\n"
      "n-step double Q-learning with value rescaling and prioritized sequence replay, num-envs actors\n"
      "with their own epsilons. DRQN: --recurrent-state zero --burn-in 0. The defaults shown are those\n"
      "of the env given with --env (classic-control preset for vector observations; docs/r2d2.md).\n"
      "--resume RUN_DIR continues a run from its newest checkpoint.");
  set.enable_resume();
  auto options = agents::r2d2::R2d2Options::preset(set.peek(args, "env").value_or("CartPole-v1"));
  CommonOptions common;
  common.threads = 1;
  TrainShow show;
  options.bind(set);
  common.bind(set);
  show.bind(set);
  if (!set.parse(args)) return 0;
  options.validate();
  const ThreadLayout layout = init_runtime(common);
  return print_run_outcome(
      agents::r2d2::train(options, show.attach(run_settings(set, common, layout)), common.seed, common.device), common);
}

}  // namespace tp::app
