#pragma once
// `torchplay watch --env NAME --agent random|human|CHECKPOINT`: episodes driven by the one
// loop skeleton (agents::run_episode) with the view drawing every step. No SFML types here,
// so the command compiles in headless builds.
#include <cstdint>
#include <string>

namespace tp::view {

struct EnvWatchOptions {
  std::string env_id = "CartPole-v1";
  std::string env_options;       // key=value,... for the env
  std::string agent = "random";  // random | human | checkpoint file
  int episodes = 0;              // 0: until the window is closed
  double fps = 30;               // 0: as fast as possible
  std::string record_dir;        // "": no recording
  uint64_t seed = 1;
  std::string device = "cpu";
  bool quiet = false;
  bool hold_at_end = false;  // interactive runs: keep the last frame up (WindowOptions)
};

struct EnvWatchSummary {
  int episodes_finished = 0;
  int frames_recorded = 0;
  bool closed_by_user = false;
  int exit_code = 0;  // 130/143 when SIGINT/SIGTERM closed the window
};

// Runs the window until the episodes are done or it is closed (close button or Escape).
// Episode i is reset with evaluation_seed(seed) + i (core/seeds.h), the seeds `torchplay eval` uses.
EnvWatchSummary watch_env(const EnvWatchOptions& options);

}  // namespace tp::view
