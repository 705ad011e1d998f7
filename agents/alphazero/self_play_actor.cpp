#include "agents/alphazero/self_play_actor.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "agents/actor_link.h"
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

class SelfPlayActor : public ActorLoop {
 public:
  explicit SelfPlayActor(const SelfPlayActorOptions& o)
      : a_(o), link_(o.learner, "alphazero"), rng_(o.seed), progress_("actor", o.max_games, "games", o.quiet) {}

  SelfPlayActorSummary run() {
    static_cast<ActorTraffic&>(summary_) = ActorLoop::run(link_, a_.learner_timeout_s, a_.max_queued);
    progress_.finish(metric(), summary_.interrupted_by == 0 && a_.max_games > 0);
    return summary_;
  }

 private:
  // Builds what the learner's options (`config`) ask for, at every join: a learner restarted
  // with --resume may run another game or network, and the weights are fetched again anyway.
  void joined(const std::string& config) override {
    AlphaZeroOptions o;
    OptionSet set("the learner's options");
    o.bind(set);
    set.parse_config_text(config, "the learner at " + a_.learner.str());
    o.validate();
    o.self_play_workers = a_.workers;
    build(o);
    note("actor " + std::to_string(link_.id()) + " joined the learner at " + a_.learner.str() + " (" + o_.game + ")");
  }

  // The game, network and evaluators for the learner's options (a few milliseconds).
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

  void load_network(CheckpointReader& image) override {
    image.expect(kAlphaZeroAlgorithm, net_->signature());
    image.load_module("best", *net_);
    net_->to(torch::Device(a_.device));
    net_->eval();
  }

  bool produce(std::string& batch) override {
    if (!play(unsent_)) return false;
    batch = unsent_.encode(shape_);
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
      if (!link_.connected()) return false;
      try {
        ended = link_.run_ended();
      } catch (const ConnectionLost&) {
        link_.drop();  // the learner is away: finish the games, send them once it is back
      }
      return ended;
    };
    sp.on_game_done = [&](int finished) { progress_.update(summary_.games + finished, metric()); };
    // Actors started with the same --seed still play different games: the id is mixed in.
    const uint64_t seed = rng_() + static_cast<uint64_t>(link_.id()) * 0x9E3779B97F4A7C15ULL;
    const BatchedPlayResult r = self_play(*initial_, searches, sp, seed);
    if (r.interrupted) return false;
    out = SelfPlayBatch{};
    out.generation = generation();
    out.games = static_cast<int64_t>(r.games.size());
    out.seconds = r.seconds;
    out.simulations = r.simulations;
    for (const auto& g : r.games) out.plies += static_cast<int64_t>(g.moves.size());
    out.positions = r.positions;
    return true;
  }

  bool sent() override {
    const SelfPlayBatch& batch = unsent_;
    summary_.games += batch.games;
    summary_.positions += static_cast<int64_t>(batch.positions.size());
    summary_.play_seconds += batch.seconds;
    progress_.update(summary_.games, metric());
    return a_.max_games > 0 && summary_.games >= a_.max_games;
  }

  std::string metric() const {
    char line[160];
    std::snprintf(line, sizeof line, "actor %lld, network generation %lld, %.2f games/s while playing",
                  static_cast<long long>(link_.id()), static_cast<long long>(generation()),
                  summary_.games / std::max(1e-9, summary_.play_seconds));
    return line;
  }

  void note(const std::string& line) override {
    if (!a_.quiet) progress_.note(line);
  }

  SelfPlayActorOptions a_;
  ActorLink link_;
  const InterruptGuard interrupts_;
  Rng rng_;
  Progress progress_;
  AlphaZeroOptions o_;
  envs::GameRegistry registry_ = envs::make_game_registry();
  std::unique_ptr<envs::GameState> initial_;
  nets::ResidualTower net_{nullptr};
  std::vector<std::unique_ptr<NetworkEvaluator>> evaluators_;
  PositionShape shape_;
  SelfPlayBatch unsent_;  // the batch played last
  SelfPlayActorSummary summary_;
};

}  // namespace

SelfPlayActorSummary run_self_play_actor(const SelfPlayActorOptions& options) {
  SelfPlayActor actor(options);
  return actor.run();
}

}  // namespace tp::agents
