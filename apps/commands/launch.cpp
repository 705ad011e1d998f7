// `torchplay launch --nproc N -- COMMAND...`: N local ranks of one distributed run
// (core/rank_launcher.h), like `torchrun --standalone --nproc-per-node N`.
#include "apps/commands.h"
#include "core/error.h"
#include "core/rank_launcher.h"

namespace tp::app {

int cmd_launch(const Args& given) {
  LaunchOptions o;
  bool no_pin = false;
  Args args;
  auto dashes = given.begin();
  while (dashes != given.end() && *dashes != "--") args.push_back(*dashes++);
  OptionSet set(
      "torchplay launch --nproc N [options] -- COMMAND...\n"
      "Starts N ranks of one distributed run on this machine, with MASTER_ADDR, MASTER_PORT, WORLD_SIZE,\n"
      "RANK, LOCAL_RANK set as torchrun sets them (`torchplay` as COMMAND is this executable). Each\n"
      "rank's lines are prefixed [rank R]; signals go to every rank; if a rank fails the others are\n"
      "stopped and launch exits with its code. docs/distributed.md has the rest.");
  set.add("nproc", &o.nproc, "number of ranks to start")
      .add("master-addr", &o.master_addr, "address rank 0 serves the rendezvous on")
      .add("master-port", &o.master_port, "its port (0: a free one)")
      .add("grace", &o.grace_s, "seconds the other ranks get to stop after one failed, before SIGKILL")
      .add_transient("no-pin", &no_pin, "let every rank run on every core (default: each its own share)");
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, dashes != given.end(),
              "launch: put the command after --, e.g. torchplay launch --nproc 2 -- torchplay train vae");
  o.command.assign(dashes + 1, given.end());
  o.pin_cores = !no_pin;
  return launch_local_ranks(o);
}

}  // namespace tp::app
