#pragma once
// `torchplay launch`: N ranks of one distributed run on this machine, as `torchrun
// --standalone --nproc-per-node N` starts them (docs/distributed.md).
#include <string>
#include <vector>

namespace tp {

struct LaunchOptions {
  int nproc = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;               // 0: a free port
  bool pin_cores = true;             // rank i runs on its own share of the cores
  double grace_s = 10;               // after a rank failed, how long the others get to stop
  std::vector<std::string> command;  // argv of every rank; "torchplay" means this executable
};

// Starts the ranks with MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK and
// LOCAL_WORLD_SIZE set, prefixes every line they print with "[rank R] " (stdout to stdout,
// stderr to stderr), forwards SIGINT, SIGTERM and SIGHUP to all of them, and waits. When a
// rank fails (and no signal was forwarded: then all are stopping already) the others are sent
// SIGTERM (SIGKILL after grace_s). Returns 0 when every rank
// succeeded, else the first failing rank's exit code (128 + signal for a rank killed by one).
int launch_local_ranks(const LaunchOptions& options);

// A TCP port on `addr` that nothing listens on now (the kernel's choice).
int free_port(const std::string& addr);

}  // namespace tp
