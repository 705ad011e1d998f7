#pragma once
// An actor of distributed R2D2 (Kapturowski et al. 2019; docs/distributed.md): connects to a
// learner (`train r2d2 --actors-port P`), takes its options and, every --actor-sync-every
// learner updates, its online network; runs the learner's --num-envs env copies with their
// epsilons (recurrent_actors.h), cuts the experience into sequences with stored start
// states, computes their initial priorities with its copy of the network and sends them in
// batches. Like the other actors it may start, die or restart at any time, and reconnects to
// a learner restarted with --resume.
#include <cstdint>
#include <string>

#include "agents/actor_link.h"
#include "core/key_value_store.h"

namespace tp::agents::r2d2 {

struct R2d2ActorOptions {
  TcpAddress learner;
  double learner_timeout_s = 300;
  int max_queued =
      2;  // batches sent but not yet taken before the actor waits (each one ages the network it acted with)
  int64_t max_steps = 0;  // stop after this many env steps (0: when the learner ends the run)
  uint64_t seed = 0;
  bool quiet = false;
};

struct R2d2ActorSummary : ActorTraffic {
  int64_t steps = 0, sequences = 0, episodes = 0;
  int envs = 0;
  double act_seconds = 0;
  double mean_return = 0;  // of its episodes (NaN when none ended)
};

// Runs until the learner ends the run, max_steps, or a signal. Error when the learner cannot
// be reached within learner_timeout_s.
R2d2ActorSummary run_r2d2_actor(const R2d2ActorOptions& options);

}  // namespace tp::agents::r2d2
