// `torchplay actor --learner tcp://HOST:PORT`: an actor of a distributed run
// (docs/distributed.md), of whichever algorithm the learner trains: AlphaZero self-play
// (agents/alphazero/self_play_actor.h), Ape-X DQN (agents/dqn/dqn_actor.h) or R2D2
// (agents/r2d2/r2d2_actor.h). Parse, call, print.
#include <cmath>
#include <cstdio>

#include "agents/actor_link.h"
#include "agents/alphazero/self_play_actor.h"
#include "agents/dqn/dqn_actor.h"
#include "agents/r2d2/r2d2_actor.h"
#include "apps/commands.h"
#include "core/json.h"
#include "core/runtime.h"

namespace tp::app {

namespace {

// Prints the actor's own figures (`j`) with the exchange with the learner every actor has.
void print_json(Json& j, const agents::ActorTraffic& t) {
  j["batches"] = static_cast<long long>(t.batches);
  j["reconnects"] = static_cast<long long>(t.reconnects);
  j["networks"] = static_cast<long long>(t.networks);
  j["bytes_sent"] = static_cast<long long>(t.bytes_sent);
  j["bytes_fetched"] = static_cast<long long>(t.bytes_fetched);
  j["fetch_seconds"] = t.fetch_seconds;
  j["wall_seconds"] = t.wall_seconds;
  j["interrupted"] = t.interrupted_by != 0;
  std::printf("%s\n", j.dump().c_str());
}

int exit_code(const agents::ActorTraffic& t) { return t.interrupted_by ? 128 + t.interrupted_by : 0; }

}  // namespace

int cmd_actor(const Args& args) {
  OptionSet set(
      "torchplay actor --learner tcp://HOST:PORT [options]\n"
      "Acts for a distributed run: the learner (train alphazero|dqn|r2d2 --actors-port PORT) sends its options\n"
      "and its networks; the actor sends back experience until the learner ends the run: AlphaZero's finished\n"
      "self-play games, DQN's n-step transitions with their priorities (Ape-X, each actor with its own\n"
      "epsilon), or R2D2's replay sequences with their priorities (the learner's --num-envs env copies, each\n"
      "with its epsilon). Start, stop or restart actors at any time; when the learner goes away the actor keeps\n"
      "what it holds and reconnects (docs/distributed.md).");
  std::string learner;
  agents::SelfPlayActorOptions o;
  int64_t max_steps = 0;
  int max_queued = 0;
  CommonOptions common;
  set.add("learner", &learner, "the learner's tcp://HOST:PORT (its --actors-port)")
      .add("learner-timeout", &o.learner_timeout_s,
           "seconds to keep trying to reach the learner, at start and after losing it")
      .add("max-queued", &max_queued,
           "batches sent but not yet taken by the learner before this actor waits (0: 2 for alphazero, 8 for dqn, 2 "
           "for r2d2)")
      .add("games-per-batch", &o.games_per_batch,
           "alphazero: games played and sent together (0: the learner's --parallel-games)")
      .add("max-games", &o.max_games, "alphazero: stop after this many games (0: when the learner ends the run)")
      .add("max-steps", &max_steps, "dqn, r2d2: stop after this many env steps (0: when the learner ends the run)")
      .add("seed", &common.seed, "random seed (each actor also mixes in the id the learner gives it)")
      .add("threads", &common.threads, "self-play worker threads (0: one per core)")
      .add("device", &common.device, "cpu | cuda")
      .add("quiet", &common.quiet, "no progress output")
      .add("json", &common.json, "print the summary as JSON");
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !learner.empty(), "actor needs --learner tcp://HOST:PORT");
  o.learner = parse_tcp_url(learner, "--learner");
  TP_CHECK_AS(UsageError, o.learner_timeout_s > 0, "--learner-timeout must be > 0");
  TP_CHECK_AS(UsageError, max_queued >= 0, "--max-queued must be >= 0");
  TP_CHECK_AS(UsageError, o.games_per_batch >= 0 && o.max_games >= 0, "--games-per-batch and --max-games must be >= 0");
  TP_CHECK_AS(UsageError, max_steps >= 0, "--max-steps must be >= 0");
  const std::string kind = agents::learner_kind(o.learner, o.learner_timeout_s);
  if (kind == "r2d2") {
    TP_CHECK_AS(UsageError, common.device == "cpu", "an r2d2 actor acts on the cpu (--device ", common.device,
                " is for alphazero actors)");
    init_runtime(common, CoreUse::kIntraOp);
    agents::r2d2::R2d2ActorOptions r;
    r.learner = o.learner;
    r.learner_timeout_s = o.learner_timeout_s;
    r.max_queued = max_queued > 0 ? max_queued : 2;
    r.max_steps = max_steps;
    r.seed = common.seed;
    r.quiet = common.quiet;
    const agents::r2d2::R2d2ActorSummary s = agents::r2d2::run_r2d2_actor(r);
    if (common.json) {
      Json j;
      j["algorithm"] = "r2d2";
      j["envs"] = s.envs;
      j["steps"] = static_cast<long long>(s.steps);
      j["sequences"] = static_cast<long long>(s.sequences);
      j["episodes"] = static_cast<long long>(s.episodes);
      if (std::isfinite(s.mean_return)) j["mean_return"] = s.mean_return;
      j["act_seconds"] = s.act_seconds;
      j["steps_per_s"] = s.steps / std::max(1e-9, s.act_seconds);
      print_json(j, s);
    } else if (!common.quiet) {
      std::printf(
          "actor: %lld env steps in %d envs, %lld sequences, %lld episodes (%.0f steps/s while acting), %lld "
          "networks fetched, %lld reconnects\n",
          static_cast<long long>(s.steps), s.envs, static_cast<long long>(s.sequences),
          static_cast<long long>(s.episodes), s.steps / std::max(1e-9, s.act_seconds),
          static_cast<long long>(s.networks), static_cast<long long>(s.reconnects));
    }
    return exit_code(s);
  }
  if (kind == "dqn") {
    TP_CHECK_AS(UsageError, common.device == "cpu", "a dqn actor acts on the cpu (--device ", common.device,
                " is for alphazero actors)");
    init_runtime(common, CoreUse::kIntraOp);
    agents::dqn::DqnActorOptions d;
    d.learner = o.learner;
    d.learner_timeout_s = o.learner_timeout_s;
    d.max_queued = max_queued > 0 ? max_queued : 8;
    d.max_steps = max_steps;
    d.seed = common.seed;
    d.quiet = common.quiet;
    const agents::dqn::DqnActorSummary s = agents::dqn::run_dqn_actor(d);
    if (common.json) {
      Json j;
      j["algorithm"] = "dqn";
      j["steps"] = static_cast<long long>(s.steps);
      j["transitions"] = static_cast<long long>(s.transitions);
      j["episodes"] = static_cast<long long>(s.episodes);
      j["epsilon"] = s.epsilon;
      if (std::isfinite(s.mean_return)) j["mean_return"] = s.mean_return;
      j["act_seconds"] = s.act_seconds;
      j["steps_per_s"] = s.steps / std::max(1e-9, s.act_seconds);
      print_json(j, s);
    } else if (!common.quiet) {
      std::printf(
          "actor: %lld env steps, %lld episodes (epsilon %.4g, %.0f steps/s while acting), %lld networks "
          "fetched, %lld reconnects\n",
          static_cast<long long>(s.steps), static_cast<long long>(s.episodes), s.epsilon,
          s.steps / std::max(1e-9, s.act_seconds), static_cast<long long>(s.networks),
          static_cast<long long>(s.reconnects));
    }
    return exit_code(s);
  }
  o.max_queued = max_queued > 0 ? max_queued : 2;
  const ThreadLayout layout = init_runtime(common, CoreUse::kWorkers);
  o.workers = layout.workers;
  o.seed = common.seed;
  o.device = common.device;
  o.quiet = common.quiet;
  const agents::SelfPlayActorSummary s = agents::run_self_play_actor(o);
  if (common.json) {
    Json j;
    j["algorithm"] = "alphazero";
    j["games"] = static_cast<long long>(s.games);
    j["positions"] = static_cast<long long>(s.positions);
    j["play_seconds"] = s.play_seconds;
    j["games_per_s"] = s.games / std::max(1e-9, s.play_seconds);
    print_json(j, s);
  } else if (!common.quiet) {
    std::printf(
        "actor: %lld games in %lld batches (%.2f games/s while playing), %lld networks fetched, %lld reconnects\n",
        static_cast<long long>(s.games), static_cast<long long>(s.batches), s.games / std::max(1e-9, s.play_seconds),
        static_cast<long long>(s.networks), static_cast<long long>(s.reconnects));
  }
  return exit_code(s);
}

}  // namespace tp::app
