#pragma once
// A self-play actor of distributed AlphaZero (docs/distributed.md): connects to a learner
// (`train alphazero --actors-port P`), takes its options and each new best network, plays
// self-play games with them and sends the finished games back, until the learner ends the
// run. An actor may start, die or restart at any time; when the learner goes away (killed,
// restarted with --resume) the actor keeps the games it holds and reconnects.
#include <cstdint>
#include <string>

#include "agents/actor_link.h"
#include "core/key_value_store.h"

namespace tp::agents {

struct SelfPlayActorOptions {
  TcpAddress learner;
  double learner_timeout_s = 300;  // how long to try to reach the learner, at start and after losing it
  int max_queued = 2;              // batches sent but not yet taken before the actor waits
  int games_per_batch = 0;         // games played and sent together (0: the learner's --parallel-games)
  int64_t max_games = 0;           // stop after this many games (0: when the learner ends the run)
  uint64_t seed = 0;
  int workers = 1;  // self-play threads, each with its own games and evaluator
  std::string device = "cpu";
  bool quiet = false;
};

struct SelfPlayActorSummary : ActorTraffic {
  int64_t games = 0, positions = 0;
  double play_seconds = 0;
};

// Runs until the learner ends the run, max_games, or a signal. Error when the learner cannot
// be reached within learner_timeout_s, or its options are not an AlphaZero run's.
SelfPlayActorSummary run_self_play_actor(const SelfPlayActorOptions& options);

}  // namespace tp::agents
