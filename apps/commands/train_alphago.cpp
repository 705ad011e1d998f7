// `torchplay train alphago-sl`, `alphago-rollout`, `alphago-rl` and `alphago-value`: the
// AlphaGo-Lee pipeline's supervised policy network (agents/alphago/sl_policy.h), rollout
// policy (rollout_training.h), RL policy network (rl_policy.h) and value network
// (value_network.h).
// Parse, call, print.
#include "agents/alphago/rl_policy.h"
#include "agents/alphago/rollout_training.h"
#include "agents/alphago/sl_policy.h"
#include "agents/alphago/value_network.h"
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

int train_alphago_rl(const Args& args) {
  return train_stage<agents::alphago::RlPolicyOptions>(
      args,
      "torchplay train alphago-rl --sl SL_RUN [--iterations N] [options]\n"
      "Improves an SL policy network by REINFORCE in games against earlier versions of itself\n"
      "and reports its win rate against the SL policy (docs/go.md). --resume RUN_DIR continues.",
      agents::alphago::train_rl_policy);
}

int train_alphago_value(const Args& args) {
  return train_stage<agents::alphago::ValueNetworkOptions>(
      args,
      "torchplay train alphago-value --policy RL_RUN [--rollout ROLLOUT_RUN] [--games N] [options]\n"
      "Plays self-play games with the policy, keeps one position of each, and trains AlphaGo's\n"
      "value network on their outcomes; reports held-out MSE beside the rollouts' (docs/go.md).",
      agents::alphago::train_value_network);
}

}  // namespace tp::app
