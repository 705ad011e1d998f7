// `torchplay train alphago-sl`: the AlphaGo-Lee pipeline's supervised policy network
// (agents/alphago/sl_policy.h). Parse, call, print.
#include "agents/alphago/sl_policy.h"
#include "apps/commands.h"
#include "core/runtime.h"

namespace tp::app {

int train_alphago_sl(const Args& args) {
  OptionSet set(
      "torchplay train alphago-sl --data DIR [--epochs N] [--features full|stones] [options]\n"
      "Trains AlphaGo's SL policy network to predict the expert's move in the SGF games under DIR\n"
      "(torchplay engine-games writes them to RUN/sgf), held-out games split off by game\n"
      "(docs/go.md). --resume RUN_DIR continues a run from its newest checkpoint.");
  set.enable_resume();
  agents::alphago::SlPolicyOptions options;
  CommonOptions common;
  common.threads = 1;
  options.bind(set);
  common.bind(set, /*with_device=*/false);
  if (!set.parse(args)) return 0;
  options.validate();
  const ThreadLayout layout = init_runtime(common);
  return print_run_outcome(agents::alphago::train_sl_policy(options, run_settings(set, common, layout), common.seed),
                           common);
}

}  // namespace tp::app
