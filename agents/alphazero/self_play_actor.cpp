#include "agents/alphazero/self_play_actor.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "agents/alphazero/actor_protocol.h"
#include "agents/alphazero/model.h"
#include "agents/alphazero/network_evaluator.h"
#include "agents/alphazero/options.h"
#include "agents/alphazero/self_play_batch.h"
#include "agents/alphazero/self_play_config.h"
#include "core/checkpoint.h"
#include "core/interrupt.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/timer.h"
#include "envs/games/game_registry.h"

namespace tp::agents {

namespace {

namespace keys = actor_keys;

class SelfPlayActor {
 public:
  explicit SelfPlayActor(const SelfPlayActorOptions& o)
      : a_(o), rng_(o.seed), progress_("actor", o.max_games, "games", o.quiet) {}

  SelfPlayActorSummary run() {
    Timer wall;
    join(a_.learner_timeout_s);
    SelfPlayBatch unsent;  // played, not yet stored on the learner
    bool holding = false;
    while (true) {
      try {
        if (holding) {
          send(unsent);
          holding = false;
          if (a_.max_games > 0 && summary_.games >= a_.max_games) break;
        }
        if (!wait_for_room() || !refresh_network()) break;
        if (!play(unsent)) break;
        holding = true;
      } catch (const ConnectionLost& e) {
        note(std::string("lost the learner (") + e.what() + "); reconnecting for up to " +
             std::to_string(static_cast<int>(a_.learner_timeout_s)) + " s" +
             (holding ? ", holding " + std::to_string(unsent.games) + " games" : ""));
        rejoin();
      }
    }
    summary_.interrupted_by = pending_interrupt();
    summary_.wall_seconds = wall.seconds();
    progress_.finish(metric(), summary_.interrupted_by == 0 && a_.max_games > 0);
    return summary_;
  }

 private:
  // Connects, reads the learner's options and registers for an id.
  void join(double timeout_s) {
    store_ = KeyValueStore::connect(a_.learner, timeout_s);
    // A learner publishes its options right after it starts serving: give it a moment.
    std::optional<std::string> config;
    for (Timer waited; !(config = store_->get(keys::kConfig)) && waited.seconds() < 10;)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    TP_CHECK(config.has_value(), "the server at ", a_.learner.str(), " is not a torchplay AlphaZero learner");
    AlphaZeroOptions o;
    OptionSet set("the learner's options");
    o.bind(set);
    set.parse_config_text(*config, "the learner at " + a_.learner.str());
    o.validate();
    o.self_play_workers = a_.workers;
    build(o);
    id_ = store_->add(keys::kActors, 1) - 1;
    sequence_ = 0;
    generation_ = -1;  // fetch the network again: the learner may have moved on
    note("actor " + std::to_string(id_) + " joined the learner at " + a_.learner.str() + " (" + o_.game + ")");
  }

  // Connects again until the learner answers or learner_timeout_s passes: a learner that is
  // restarting may accept a connection and drop it while it comes up.
  void rejoin() {
    store_.reset();
    ++summary_.reconnects;
    Timer waited;
    while (true) {
      try {
        join(std::max(1.0, a_.learner_timeout_s - waited.seconds()));
        return;
      } catch (const ConnectionLost&) {
        store_.reset();
        if (waited.seconds() >= a_.learner_timeout_s)
          TP_THROW(ConnectionLost, "the learner at ", a_.learner.str(), " did not come back within ",
                   a_.learner_timeout_s, " s");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }
  }

  // The game, network and evaluators for the learner's options, made at every join (a few
  // milliseconds): a learner restarted with --resume may run another game or network, and the
  // weights are fetched again anyway.
  void build(const AlphaZeroOptions& o) {
    o_ = o;
    initial_ = registry_.make(o_.game, o_.game_options);
    const envs::GameInfo& info = initial_->info();
    net_ = make_alphazero_net(info, o_);
    net_->to(torch::Device(a_.device));
    net_->eval();
    evaluators_.clear();
    for (int w = 0; w < std::max(1, a_.workers); ++w)
      evaluators_.push_back(
          std::make_unique<NetworkEvaluator>(net_, info, torch::Device(a_.device), o_.parallel_games));
    shape_ = {info.num_planes * info.board_height * info.board_width, info.num_actions,
              o_.auxiliary_heads() ? info.board_height * info.board_width : 0};
  }

  // Waits while max_queued of this actor's batches are still on the learner. False: stop.
  bool wait_for_room() {
    while (sequence_ - store_->add(keys::taken(id_), 0) >= a_.max_queued) {
      if (should_end()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !should_end();
  }

  // Loads the learner's newest best network when its generation changed. False: stop.
  bool refresh_network() {
    std::optional<std::string> generation;
    while (!(generation = store_->get(keys::kGeneration))) {  // a learner publishes before its first iteration
      if (should_end()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (std::stoll(*generation) == generation_) return true;
    Timer fetch;
    const auto image = store_->get(keys::kNetwork);
    summary_.fetch_seconds += fetch.seconds();
    TP_CHECK(image.has_value(), "the learner published no network");
    CheckpointReader reader = CheckpointReader::from_image(*image, "the learner's network");
    reader.expect(kAlphaZeroAlgorithm, net_->signature());
    reader.load_module("best", *net_);
    net_->to(torch::Device(a_.device));
    net_->eval();
    generation_ = reader.header().counter("generation");
    store_->add(keys::kFetchedBytes, static_cast<int64_t>(image->size()));
    ++summary_.networks;
    summary_.bytes_fetched += static_cast<int64_t>(image->size());
    return true;
  }

  // One batch of self-play games into `out`. False: the run ended (or a signal) meanwhile.
  bool play(SelfPlayBatch& out) {
    const MctsOptions search = self_play_search(o_, initial_->info());
    std::vector<BatchedSearch> searches;
    for (const auto& e : evaluators_) searches.push_back({e.get(), search});
    int games = a_.games_per_batch > 0 ? a_.games_per_batch : o_.parallel_games;
    if (a_.max_games > 0) games = static_cast<int>(std::min<int64_t>(games, a_.max_games - summary_.games));
    BatchedPlayOptions sp = self_play_options(o_, games);
    Timer since_poll;
    bool ended = false;
    sp.should_stop = [&] {
      if (pending_interrupt()) return true;
      if (since_poll.seconds() < 0.5) return false;
      since_poll.reset();
      if (!store_) return false;
      try {
        ended = store_->has(keys::kStop);
      } catch (const ConnectionLost&) {
        // The learner is away: finish the games and send them once it is back. The dead
        // connection goes now (c10d's watcher thread spins on a closed socket until then).
        store_.reset();
      }
      return ended;
    };
    sp.on_game_done = [&](int finished) { progress_.update(summary_.games + finished, metric()); };
    // Actors started with the same --seed still play different games: the id is mixed in.
    const uint64_t seed = rng_() + static_cast<uint64_t>(id_) * 0x9E3779B97F4A7C15ULL;
    const BatchedPlayResult r = self_play(*initial_, searches, sp, seed);
    if (r.interrupted) {
      if (ended) acknowledge_stop();
      return false;
    }
    out = SelfPlayBatch{};
    out.generation = generation_;
    out.games = static_cast<int64_t>(r.games.size());
    out.seconds = r.seconds;
    out.simulations = r.simulations;
    for (const auto& g : r.games) out.plies += static_cast<int64_t>(g.moves.size());
    out.positions = r.positions;
    return true;
  }

  void send(const SelfPlayBatch& batch) {
    if (!store_) TP_THROW(ConnectionLost, "the connection dropped while playing");
    const std::string bytes = batch.encode(shape_);
    store_->set(keys::batch(id_, sequence_), bytes);
    store_->add(keys::sent(id_), 1);
    store_->add(keys::kSentTotal, 1);
    ++sequence_;
    ++summary_.batches;
    summary_.games += batch.games;
    summary_.positions += static_cast<int64_t>(batch.positions.size());
    summary_.play_seconds += batch.seconds;
    summary_.bytes_sent += static_cast<int64_t>(bytes.size());
    progress_.update(summary_.games, metric());
  }

  bool should_end() {
    if (pending_interrupt()) return true;
    if (!store_->has(keys::kStop)) return false;
    acknowledge_stop();
    return true;
  }

  void acknowledge_stop() {
    if (acknowledged_) return;
    acknowledged_ = true;
    store_->add(keys::kStopped, 1);
    note("the learner ended the run");
  }

  std::string metric() const {
    char line[160];
    std::snprintf(line, sizeof line, "actor %lld, network generation %lld, %.2f games/s while playing",
                  static_cast<long long>(id_), static_cast<long long>(generation_),
                  summary_.games / std::max(1e-9, summary_.play_seconds));
    return line;
  }

  void note(const std::string& line) {
    if (!a_.quiet) progress_.note(line);
  }

  SelfPlayActorOptions a_;
  const InterruptGuard interrupts_;
  Rng rng_;
  Progress progress_;
  std::unique_ptr<KeyValueStore> store_;
  AlphaZeroOptions o_;
  envs::GameRegistry registry_ = envs::make_game_registry();
  std::unique_ptr<envs::GameState> initial_;
  nets::ResidualTower net_{nullptr};
  std::vector<std::unique_ptr<NetworkEvaluator>> evaluators_;
  PositionShape shape_;
  int64_t id_ = -1, sequence_ = 0, generation_ = -1;
  bool acknowledged_ = false;
  SelfPlayActorSummary summary_;
};

}  // namespace

SelfPlayActorSummary run_self_play_actor(const SelfPlayActorOptions& options) {
  SelfPlayActor actor(options);
  return actor.run();
}

}  // namespace tp::agents
