// `torchplay train pqn`: PQN (Gallici et al. 2024) on a single-agent env with discrete
// actions (agents/pqn/pqn_run.h). Parse, call, print.
#include "agents/pqn/pqn_options.h"
#include "agents/pqn/pqn_run.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/runtime.h"

namespace tp::app {

int train_pqn(const Args& args) {
  OptionSet set(
      "torchplay train pqn --env NAME [--steps N] [--seed S] [options]\n"
      "The defaults shown are those of the env given with --env: purejaxql's CartPole settings for\n"
      "vector observations, its MinAtar settings for MinAtar (docs/pqn.md). --resume RUN_DIR\n"
      "continues a run from its newest checkpoint.");
  set.enable_resume();
  auto options = agents::pqn::PqnOptions::preset(set.peek(args, "env").value_or("CartPole-v1"));
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
      agents::pqn::train(options, show.attach(run_settings(set, common, layout)), common.seed, common.device), common);
}

}  // namespace tp::app
