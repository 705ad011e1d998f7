#pragma once
// An actor of distributed DQN (Ape-X, Horgan et al. 2018; docs/distributed.md): connects to a
// learner (`train dqn --actors-port P`), takes its options and, every --actor-sync-every
// learner updates, its online network; acts in its own env with its own epsilon (one of the
// learner's --actor-epsilons, by actor id), forms n-step transitions, computes their initial
// priorities |TD error| with its copy of the network, and sends them in batches. Like an
// AlphaZero actor it may start, die or restart at any time, and reconnects to a learner
// restarted with --resume.
#include <cstdint>
#include <string>

#include "agents/actor_link.h"
#include "core/key_value_store.h"

namespace tp::agents::dqn {

struct DqnActorOptions {
  TcpAddress learner;
  double learner_timeout_s = 300;
  int max_queued = 4;     // batches sent but not yet taken before the actor waits
  int64_t max_steps = 0;  // stop after this many env steps (0: when the learner ends the run)
  uint64_t seed = 0;
  bool quiet = false;
};

struct DqnActorSummary : ActorTraffic {
  int64_t steps = 0, transitions = 0, episodes = 0;
  double epsilon = 0, act_seconds = 0;
  double mean_return = 0;  // of its episodes (NaN when none ended)
};

// Runs until the learner ends the run, max_steps, or a signal. Error when the learner cannot
// be reached within learner_timeout_s.
DqnActorSummary run_dqn_actor(const DqnActorOptions& options);

}  // namespace tp::agents::dqn
