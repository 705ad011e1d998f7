// `torchplay train alphago-sl` and `alphago-rollout`: the AlphaGo-Lee pipeline's supervised
// policy network (agents/alphago/sl_policy.h) and rollout policy (rollout_training.h).
// Parse, call, print.
#include "agents/alphago/rollout_training.h"
#include "agents/alphago/sl_policy.h"
#include "apps/commands.h"
#include "core/runtime.h"

namespace tp::app {

namespace {
// Both stages train from SGF games the same way: parse, train (or --resume), print.
template <typename Options, typename Train>
int train_stage(const Args& args, const char* usage, Train train) {
  OptionSet set(usage);
  set.enable_resume();
  Options options;
  CommonOptions common;
  common.threads = 1;
  options.bind(set);
  common.bind(set, /*with_device=*/false);
  if (!set.parse(args)) return 0;
  options.validate();
  const ThreadLayout layout = init_runtime(common);
  return print_run_outcome(train(options, run_settings(set, common, layout), common.seed), common);
}
}  // namespace

int train_alphago_sl(const Args& args) {
  return train_stage<agents::alphago::SlPolicyOptions>(
      args,
      "torchplay train alphago-sl --data DIR [--epochs N] [--features full|stones] [options]\n"
      "Trains AlphaGo's SL policy network to predict the expert's move in the SGF games under DIR\n"
      "(torchplay engine-games writes them to RUN/sgf), held-out games split off by game\n"
      "(docs/go.md). --resume RUN_DIR continues a run from its newest checkpoint.",
      agents::alphago::train_sl_policy);
}

int train_alphago_rollout(const Args& args) {
  return train_stage<agents::alphago::RolloutTrainingOptions>(
      args,
      "torchplay train alphago-rollout --data DIR [--epochs N] [options]\n"
      "Trains AlphaGo's fast rollout policy (a linear softmax over 3x3 and response patterns and\n"
      "capture/atari features) to predict the expert's move in the SGF games under DIR, held-out\n"
      "games split off by game, and times its playouts (docs/go.md). --resume RUN_DIR continues.",
      agents::alphago::train_rollout_policy);
}

}  // namespace tp::app
