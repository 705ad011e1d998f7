// `torchplay actor --learner tcp://HOST:PORT`: a self-play actor of distributed AlphaZero
// (agents/alphazero/self_play_actor.h, docs/distributed.md). Parse, call, print.
#include <cstdio>

#include "agents/alphazero/self_play_actor.h"
#include "apps/commands.h"
#include "core/json.h"
#include "core/runtime.h"

namespace tp::app {

int cmd_actor(const Args& args) {
  OptionSet set(
      "torchplay actor --learner tcp://HOST:PORT [options]\n"
      "Plays self-play games for a distributed AlphaZero run: the learner (train alphazero --actors-port PORT)\n"
      "sends its options and each new best network; the actor sends back finished games until the learner\n"
      "ends the run. Start, stop or restart actors at any time; when the learner goes away the actor keeps\n"
      "its games and reconnects (docs/distributed.md).");
  std::string learner;
  agents::SelfPlayActorOptions o;
  CommonOptions common;
  set.add("learner", &learner, "the learner's tcp://HOST:PORT (its --actors-port)")
      .add("learner-timeout", &o.learner_timeout_s,
           "seconds to keep trying to reach the learner, at start and after losing it")
      .add("max-queued", &o.max_queued, "batches sent but not yet taken by the learner before this actor waits")
      .add("games-per-batch", &o.games_per_batch, "games played and sent together (0: the learner's --parallel-games)")
      .add("max-games", &o.max_games, "stop after this many games (0: when the learner ends the run)")
      .add("seed", &common.seed, "random seed (each actor also mixes in the id the learner gives it)")
      .add("threads", &common.threads, "self-play worker threads (0: one per core)")
      .add("device", &common.device, "cpu | cuda")
      .add("quiet", &common.quiet, "no progress output")
      .add("json", &common.json, "print the summary as JSON");
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !learner.empty(), "actor needs --learner tcp://HOST:PORT");
  o.learner = parse_tcp_url(learner, "--learner");
  TP_CHECK_AS(UsageError, o.learner_timeout_s > 0, "--learner-timeout must be > 0");
  TP_CHECK_AS(UsageError, o.max_queued > 0, "--max-queued must be > 0");
  TP_CHECK_AS(UsageError, o.games_per_batch >= 0 && o.max_games >= 0, "--games-per-batch and --max-games must be >= 0");
  const ThreadLayout layout = init_runtime(common, CoreUse::kWorkers);
  o.workers = layout.workers;
  o.seed = common.seed;
  o.device = common.device;
  o.quiet = common.quiet;
  const agents::SelfPlayActorSummary s = agents::run_self_play_actor(o);
  if (common.json) {
    Json j;
    j["games"] = static_cast<long long>(s.games);
    j["batches"] = static_cast<long long>(s.batches);
    j["positions"] = static_cast<long long>(s.positions);
    j["reconnects"] = static_cast<long long>(s.reconnects);
    j["networks"] = static_cast<long long>(s.networks);
    j["bytes_sent"] = static_cast<long long>(s.bytes_sent);
    j["bytes_fetched"] = static_cast<long long>(s.bytes_fetched);
    j["play_seconds"] = s.play_seconds;
    j["fetch_seconds"] = s.fetch_seconds;
    j["wall_seconds"] = s.wall_seconds;
    j["games_per_s"] = s.games / std::max(1e-9, s.play_seconds);
    j["interrupted"] = s.interrupted_by != 0;
    std::printf("%s\n", j.dump().c_str());
  } else if (!common.quiet) {
    std::printf(
        "actor: %lld games in %lld batches (%.2f games/s while playing), %lld networks fetched, %lld reconnects\n",
        static_cast<long long>(s.games), static_cast<long long>(s.batches), s.games / std::max(1e-9, s.play_seconds),
        static_cast<long long>(s.networks), static_cast<long long>(s.reconnects));
  }
  return s.interrupted_by ? 128 + s.interrupted_by : 0;
}

}  // namespace tp::app
