// `torchplay train ppo|a2c|a3c`: the policy-gradient agents on a single-agent env
// (agents/policy_gradient/pg_training.h). Parse, call, print.
#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/pg_training.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/process_group.h"
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
  DistOptions dist;
  options.bind(set);
  common.bind(set);
  show.bind(set);
  dist.bind(set);
  if (!set.parse(args)) return 0;
  options.validate();
  const ThreadLayout layout = init_runtime(common);
  // PPO and A2C as ranks of one run (docs/distributed.md): --num-envs is split over them.
  const DistPlace place = resolve_dist_place(dist);
  agents::pg::check_distributable(options, place.world_size);  // before connecting to the others
  const auto group = ProcessGroup::connect_if_distributed(place);
  RunSettings settings = show.attach(run_settings(set, common, layout));
  join_run(settings, group.get(), "--num-envs split over them");
  return print_run_outcome(agents::pg::train(options, settings, common.seed, common.device), common);
}

}  // namespace tp::app
