#include "agents/alphazero/trainer.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <thread>
#include <sstream>

#include "agents/actor_link.h"
#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/model.h"
#include "agents/alphazero/network_evaluator.h"
#include "agents/alphazero/replay_window.h"
#include "agents/alphazero/self_play_batch.h"
#include "agents/alphazero/mcts_player.h"
#include "agents/alphazero/self_play_config.h"
#include "agents/game_player_factory.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/metrics.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/training_run.h"
#include "core/timer.h"
#include "envs/games/game_registry.h"
#include "nets/optimizer.h"
#include "nets/target_update.h"

namespace tp::agents {

namespace {

// One iteration's self-play, played here or taken from the actors of a distributed run.
struct SelfPlayTally {
  int64_t games = 0, positions = 0, simulations = 0, plies = 0;
  double play_seconds = 0;  // here: the self-play time; actors: the sum of their playing times
  // Distributed runs only:
  std::map<int64_t, std::pair<int64_t, double>> per_actor;  // id -> games, playing seconds
  double age_sum = 0;                                       // generations behind the best network, summed over games
  int64_t age_max = 0;
  double wait_seconds = 0, ingest_seconds = 0;

  // Games per second of the actors together (each at its own rate) or of local self-play.
  double games_per_s() const {
    if (per_actor.empty()) return games / std::max(1e-9, play_seconds);
    double sum = 0;
    for (const auto& [id, gs] : per_actor) sum += gs.first / std::max(1e-9, gs.second);
    return sum;
  }
};

struct LossTerms {
  double value = 0, policy = 0, ownership = 0, score = 0, l2 = 0, total = 0;
};

// The ownership and score targets need a game scored by area (its terminal territory()).
int ownership_cells(const AlphaZeroOptions& o, const envs::GameState& game) {
  if (!o.auxiliary_heads()) return 0;
  const envs::GameInfo& info = game.info();
  TP_CHECK_AS(UsageError, !info.drops && !game.territory().empty(), "--ownership-weight and --score-weight need a ",
              "game scored by area (go), not ", info.name);
  return info.board_height * info.board_width;
}

std::vector<int> parse_milestones(const std::string& text) {
  std::vector<int> out;
  if (text.empty()) return out;
  for (const auto& part : split_list(text, "--lr-milestones")) {
    size_t used = 0;
    int v = -1;
    try {
      v = std::stoi(part, &used);
    } catch (const std::exception&) {
    }
    TP_CHECK_AS(UsageError, used == part.size() && v > 0, "--lr-milestones: '", part, "' is not a positive iteration");
    out.push_back(v);
  }
  return out;
}

double learning_rate(const AlphaZeroOptions& o, const std::vector<int>& milestones, int iteration) {
  double lr = o.lr;
  for (int m : milestones)
    if (iteration >= m) lr *= 0.1;
  return lr;
}

class AlphaZeroTraining : public TrainingAlgorithm {
 public:
  AlphaZeroTraining(const AlphaZeroOptions& o, uint64_t seed, const std::string& device)
      : o_(o),
        registry_(envs::make_game_registry()),
        initial_(registry_.make(o.game, o.game_options)),
        info_(initial_->info()),
        device_(device),
        rng_(seed),
        window_(o.window_positions, info_.num_planes * info_.board_height * info_.board_width, info_.num_actions,
                ownership_cells(o, *initial_)),
        milestones_(parse_milestones(o.lr_milestones)) {
    net_ = make_alphazero_net(info_, o_);
    best_ = make_alphazero_net(info_, o_);
    net_->to(device_);
    best_->to(device_);
    nets::hard_update(*best_, *net_);
    nets::OptimizerOptions oo;
    oo.name = o_.optimizer;
    oo.lr = o_.lr;
    oo.momentum = o_.momentum;
    oo.weight_decay = 0.0;  // the L2 term is part of the loss, so it is reported
    optimizer_ = nets::make_optimizer(net_->parameters(), oo);
    net_eval_ = std::make_unique<NetworkEvaluator>(net_, info_, device_, o_.parallel_games);
    best_eval_ = std::make_unique<NetworkEvaluator>(best_, info_, device_, o_.parallel_games);
    if (o_.actors_port > 0) {  // a learner of distributed actors: it plays no self-play games itself
      OptionSet published("the learner's options");
      AlphaZeroOptions copy = o_;
      copy.bind(published);
      const int cells = info_.board_height * info_.board_width;
      hub_ = std::make_unique<ActorHub>(o_.actors_port, "alphazero", published.to_ini());
      batch_shape_ = {info_.num_planes * cells, info_.num_actions, o_.auxiliary_heads() ? cells : 0};
    } else {
      // Further self-play workers evaluate the same best network through buffers of their own.
      for (int w = 1; w < o_.self_play_workers; ++w)
        worker_evals_.push_back(std::make_unique<NetworkEvaluator>(best_, info_, device_, o_.parallel_games));
    }
    GamePlayerContext ctx;
    ctx.seed = seed + 7;
    ctx.device = device;
    if (o_.baseline_games > 0 && !o_.baselines.empty())
      for (const auto& spec : split_list(o_.baselines, "--baselines")) {
        baselines_.push_back(make_game_player(spec, *initial_, ctx));
        baseline_names_.push_back(spec);
      }
  }

  std::string network() const { return net_->signature(); }

  // Tells the actors of a distributed run that it is over (they exit).
  void release_actors() {
    if (hub_) hub_->release(2.0);
  }

  ProgressPlan progress_plan() const override { return {"alphazero " + o_.game, "iterations", o_.iterations, 0.0}; }
  int64_t progress_done() const override { return iteration_; }
  std::string progress_metric() const override { return metric_; }

  std::vector<std::string> metric_columns() const override {
    std::vector<std::string> columns = {"iteration",
                                        "seconds",
                                        "selfplay_games",
                                        "selfplay_positions",
                                        "window",
                                        "selfplay_games_per_s",
                                        "selfplay_sims_per_s",
                                        "mean_game_length",
                                        "loss_total",
                                        "loss_value",
                                        "loss_policy",
                                        "loss_l2",
                                        "loss_ownership",
                                        "loss_score",
                                        "lr",
                                        "train_steps",
                                        "arena_score",
                                        "arena_wins",
                                        "arena_draws",
                                        "arena_losses",
                                        "accepted",
                                        "best_generation",
                                        "actors",
                                        "actor_games_per_s",
                                        "ingest_games_per_s",
                                        "network_age_mean",
                                        "network_age_max",
                                        "wait_seconds",
                                        "ingest_seconds",
                                        "learn_seconds",
                                        "bytes_in",
                                        "bytes_out"};
    for (const auto& b : baseline_names_) columns.push_back("vs_" + b);
    return columns;
  }
  double metrics_position() const override { return iteration_; }

  // One iteration: self-play with the best network, learning, the arena, the baselines. An
  // interrupt abandons it: the newest checkpoint holds the state at its start.
  StepStatus step(RunContext& run) override {
    const auto stop = [&run] { return run.stop_requested(); };
    Timer timer;
    const double lr = learning_rate(o_, milestones_, iteration_);
    nets::set_learning_rate(*optimizer_, lr);
    // 1. Self-play with the best network, here or by the actors.
    SelfPlayTally games;
    if (!(hub_ ? gather_from_actors(stop, run, games) : play_here(stop, games))) return StepStatus::Abandoned;
    games_played_ += games.games;
    // 2. Learner.
    const int steps = o_.samples_per_position > 0
                          ? static_cast<int>(std::ceil(o_.samples_per_position * games.positions / o_.batch_size))
                          : o_.steps_per_iteration;
    Timer learn_timer;
    const LossTerms loss = learn(steps, stop);
    const double learn_seconds = learn_timer.seconds();
    if (stop()) return StepStatus::Abandoned;
    // 3. Arena: candidate against the best.
    MatchScore arena;
    bool accepted = true;
    if (o_.arena_games > 0) {
      BatchedPlayResult r;
      if (!play(*arena_player("candidate", net_eval_), *arena_player("best", best_eval_), o_.arena_games,
                o_.arena_temperature_moves, stop, r))
        return StepStatus::Abandoned;
      arena = score_for_a(r);
      accepted = !o_.gating || arena.score() >= o_.gate_threshold;
    }
    if (accepted) {
      nets::hard_update(*best_, *net_);
      ++best_generation_;
      publish_best();  // actors switch while the baselines play
    }
    // 4. Baselines.
    std::vector<double> baseline_scores;
    for (auto& b : baselines_) {
      BatchedPlayResult r;
      if (!play(*arena_player("candidate", net_eval_), *b, o_.baseline_games, 0, stop, r)) return StepStatus::Abandoned;
      baseline_scores.push_back(score_for_a(r).score());
    }
    ++iteration_;
    const double seconds = timer.seconds();
    std::vector<std::pair<std::string, double>> row = {
        {"iteration", iteration_},
        {"seconds", seconds},
        {"selfplay_games", static_cast<double>(games.games)},
        {"selfplay_positions", static_cast<double>(games.positions)},
        {"window", window_.size()},
        {"selfplay_games_per_s", games.games_per_s()},
        {"selfplay_sims_per_s", games.simulations / std::max(1e-9, games.play_seconds)},
        {"mean_game_length", static_cast<double>(games.plies) / std::max<int64_t>(1, games.games)},
        {"learn_seconds", learn_seconds},
        {"loss_total", loss.total},
        {"loss_value", loss.value},
        {"loss_policy", loss.policy},
        {"loss_l2", loss.l2},
        {"loss_ownership", loss.ownership},
        {"loss_score", loss.score},
        {"lr", lr},
        {"train_steps", steps},
        {"accepted", accepted ? 1.0 : 0.0},
        {"best_generation", best_generation_}};
    if (o_.arena_games > 0) {
      row.push_back({"arena_score", arena.score()});
      row.push_back({"arena_wins", arena.wins});
      row.push_back({"arena_draws", arena.draws});
      row.push_back({"arena_losses", arena.losses});
    }
    if (hub_) {
      const double actors = static_cast<double>(games.per_actor.size());
      row.push_back({"actors", actors});
      row.push_back({"actor_games_per_s", actors > 0 ? games.games_per_s() / actors : 0.0});
      row.push_back({"ingest_games_per_s", games.games / std::max(1e-9, seconds)});
      row.push_back({"network_age_mean", games.age_sum / std::max<int64_t>(1, games.games)});
      row.push_back({"network_age_max", static_cast<double>(games.age_max)});
      row.push_back({"wait_seconds", games.wait_seconds});
      row.push_back({"ingest_seconds", games.ingest_seconds});
      row.push_back({"bytes_in", static_cast<double>(hub_->bytes_received())});
      row.push_back({"bytes_out", static_cast<double>(hub_->bytes_fetched())});
    }
    std::ostringstream metric;
    metric.precision(3);
    if (hub_) metric << games.games << " games from " << games.per_actor.size() << " actors, ";
    metric << "loss " << loss.total << (o_.arena_games > 0 ? ", arena " : "");
    if (o_.arena_games > 0) metric << arena.score() << (accepted ? " (accepted)" : " (rejected)");
    for (size_t i = 0; i < baseline_scores.size(); ++i) {
      row.push_back({"vs_" + baseline_names_[i], baseline_scores[i]});
      metric << ", " << baseline_names_[i] << " " << baseline_scores[i];
    }
    run.log(row);
    metric_ = metric.str();
    run.note("iteration " + std::to_string(iteration_) + ": " + metric_ + " (" + std::to_string(std::lround(seconds)) +
             " s)");
    return StepStatus::Completed;
  }

  bool checkpoint_due() const override { return true; }
  int64_t checkpoint_number() const override { return iteration_; }
  bool steps_can_be_abandoned() const override { return true; }

  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = kAlphaZeroAlgorithm;
    h.env = o_.game;
    h.architecture = net_->signature();
    h.counters = {{"iteration", iteration_},
                  {"games", games_played_},
                  {"train_steps", train_steps_},
                  {"best_generation", best_generation_},
                  {"positions", window_.total_added()}};
    return h;
  }

  void save(CheckpointWriter& w) const override {
    w.add_module("net", *net_);
    w.add_module("best", *best_);
    w.add_optimizer("optimizer", *optimizer_);
    window_.save(w);
    w.add_rng("rng", rng_);
    w.add_torch_rng("torch_rng");
    w.add_bytes(kAlphaZeroPlayerEntry, model_info().to_json());
  }

  void load(CheckpointReader& r) override {
    r.load_module("net", *net_);
    r.load_module("best", *best_);
    r.load_optimizer("optimizer", *optimizer_);
    // Loaded onto the CPU (core/checkpoint.h): back to the device the run trains on.
    net_->to(device_);
    best_->to(device_);
    nets::optimizer_state_to(*optimizer_, device_);
    window_.load(r);
    r.load_rng("rng", rng_);
    r.load_torch_rng("torch_rng");
    iteration_ = static_cast<int>(r.header().counter("iteration"));
    games_played_ = r.header().counter("games");
    train_steps_ = r.header().counter("train_steps");
    best_generation_ = static_cast<int>(r.header().counter("best_generation"));
    net_->eval();
    best_->eval();
  }

  std::string summary() const override {
    std::ostringstream os;
    os << "trained " << o_.game << " for " << iteration_ << " iterations (" << games_played_
       << " self-play games, best network generation " << best_generation_ << ")";
    return os.str();
  }
  void describe(Json& j) const override {
    j["algorithm"] = kAlphaZeroAlgorithm;
    j["game"] = o_.game;
    j["iterations"] = iteration_;
    j["games"] = static_cast<long long>(games_played_);
    j["best_generation"] = best_generation_;
  }

 private:
  AlphaZeroModelInfo model_info() const { return model_info_of(o_); }

  // The arena searches as the trained player does, at its own budget.
  MctsOptions search_options(int simulations) const { return model_info().play_options(simulations); }

  std::unique_ptr<GamePlayer> arena_player(const std::string& name, const std::unique_ptr<NetworkEvaluator>& ev) {
    const MctsOptions m = search_options(o_.arena_simulations > 0 ? o_.arena_simulations : o_.simulations);
    // Non-owning: the evaluator outlives the player (both live in this trainer).
    return std::make_unique<MctsPlayer>(name, std::shared_ptr<Evaluator>(ev.get(), [](Evaluator*) {}), m, rng_());
  }

  bool play(GamePlayer& a, GamePlayer& b, int n, int temperature_moves, const std::function<bool()>& stop,
            BatchedPlayResult& out) {
    BatchedPlayOptions opt;
    opt.games = n;
    opt.parallel = o_.parallel_games;
    opt.temperature_moves = temperature_moves;
    opt.should_stop = stop;
    out = play_match(*initial_, a, b, opt, rng_());
    return !out.interrupted;
  }

  // Self-play in this process, with --threads workers. False: interrupted.
  bool play_here(const std::function<bool()>& stop, SelfPlayTally& t) {
    const MctsOptions search = self_play_search(o_, info_);
    std::vector<BatchedSearch> searches{{best_eval_.get(), search}};
    for (const auto& eval : worker_evals_) searches.push_back({eval.get(), search});
    BatchedPlayOptions sp = self_play_options(o_, o_.games_per_iteration);
    sp.should_stop = stop;
    const BatchedPlayResult r = self_play(*initial_, searches, sp, rng_());
    if (r.interrupted) return false;
    for (const auto& p : r.positions) window_.add(p);
    t.games = static_cast<int64_t>(r.games.size());
    t.positions = static_cast<int64_t>(r.positions.size());
    t.simulations = r.simulations;
    t.play_seconds = r.seconds;
    for (const auto& g : r.games) t.plies += static_cast<int64_t>(g.moves.size());
    return true;
  }

  // Makes the best network the one the actors play with, when it changed.
  void publish_best() {
    if (!hub_ || published_generation_ == best_generation_) return;
    CheckpointHeader h;
    h.algorithm = kAlphaZeroAlgorithm;
    h.env = o_.game;
    h.architecture = best_->signature();
    h.counters = {{"generation", best_generation_}};
    CheckpointWriter w(h);
    w.add_module("best", *best_);
    hub_->publish_network(best_generation_, w.encode());
    published_generation_ = best_generation_;
  }

  // Takes the actors' games until this iteration has --games-per-iteration of them. Games the
  // actors finished while the learner trained are already waiting. False: interrupted.
  bool gather_from_actors(const std::function<bool()>& stop, RunContext& run, SelfPlayTally& t) {
    publish_best();
    Timer quiet, waiting;
    while (t.games < o_.games_per_iteration) {
      if (stop()) return false;
      Timer ingest;
      std::vector<std::string> dropped;
      std::vector<std::pair<int64_t, SelfPlayBatch>> received;
      for (const auto& r : hub_->take(dropped)) try {
          received.emplace_back(r.actor,
                                SelfPlayBatch::decode(r.bytes, batch_shape_, "actor " + std::to_string(r.actor)));
        } catch (const DataError& e) {
          dropped.push_back(e.what());
        }
      for (const auto& d : dropped) run.note("dropped a batch: " + d);
      for (const auto& [actor_id, batch] : received) {
        for (const auto& p : batch.positions) window_.add(p);
        const int64_t age = std::max<int64_t>(0, best_generation_ - batch.generation);
        t.games += batch.games;
        t.positions += static_cast<int64_t>(batch.positions.size());
        t.simulations += batch.simulations;
        t.plies += batch.plies;
        t.play_seconds += batch.seconds;
        t.age_sum += static_cast<double>(age * batch.games);
        t.age_max = std::max(t.age_max, age);
        auto& actor = t.per_actor[actor_id];
        actor.first += batch.games;
        actor.second += batch.seconds;
      }
      t.ingest_seconds += ingest.seconds();
      if (!received.empty()) {
        quiet.reset();
        continue;
      }
      if (quiet.seconds() > 30) {
        run.note("waiting for self-play actors: " + std::to_string(t.games) + " of " +
                 std::to_string(o_.games_per_iteration) + " games so far (start one with: " + hub_->actor_command() +
                 ")");
        quiet.reset();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    t.wait_seconds = waiting.seconds() - t.ingest_seconds;
    return true;
  }

  // AlphaGo Zero's loss, (z - v)^2 - pi^T log p + c ||theta||^2, plus KataGo's auxiliary
  // terms when enabled: per-cell ownership cross-entropy and the score's squared error.
  LossTerms learn(int steps, const std::function<bool()>& stop) {
    LossTerms sum;
    if (steps == 0 || window_.size() == 0) return sum;
    const int b = o_.batch_size;
    const int cells = info_.board_height * info_.board_width;
    auto planes = torch::empty({b, info_.num_planes, info_.board_height, info_.board_width});
    auto policy = torch::empty({b, info_.num_actions});
    auto z = torch::empty({b});
    auto ownership = torch::empty({b, o_.auxiliary_heads() ? cells : 0});
    auto score = torch::empty({o_.auxiliary_heads() ? b : 0});
    const ReplayBatch batch{planes.data_ptr<float>(), policy.data_ptr<float>(), z.data_ptr<float>(),
                            ownership.data_ptr<float>(), score.data_ptr<float>()};
    net_->train();
    for (int step = 0; step < steps; ++step) {
      if (stop()) break;
      window_.sample(b, *initial_, rng_, batch);
      const nets::TowerOutputs out = net_->forward_all(planes.to(device_));
      const auto value_loss = torch::mse_loss(out.value, z.to(device_));
      const auto policy_loss = -(policy.to(device_) * torch::log_softmax(out.policy_logits, 1)).sum(1).mean();
      auto ownership_loss = torch::zeros({}, out.value.options());
      auto score_loss = torch::zeros({}, out.value.options());
      if (o_.auxiliary_heads()) {
        // Targets in [-1, 1] become probabilities of "the side to move owns it".
        ownership_loss = o_.ownership_weight * torch::binary_cross_entropy_with_logits(
                                                   out.ownership_logits, (ownership.to(device_) + 1) * 0.5);
        score_loss = o_.score_weight * torch::mse_loss(out.score, score.to(device_));
      }
      auto l2 = torch::zeros({}, out.value.options());
      for (const auto& p : net_->named_parameters())
        if (p.key().find("bn") == std::string::npos && p.key().find(".bias") == std::string::npos)
          l2 = l2 + p.value().pow(2).sum();
      l2 = l2 * o_.l2;
      const auto total = value_loss + policy_loss + ownership_loss + score_loss + l2;
      optimizer_->zero_grad();
      total.backward();
      optimizer_->step();
      sum.value += value_loss.item<double>();
      sum.policy += policy_loss.item<double>();
      sum.ownership += ownership_loss.item<double>();
      sum.score += score_loss.item<double>();
      sum.l2 += l2.item<double>();
      ++train_steps_;
    }
    net_->eval();
    const double n = steps;
    sum.value /= n, sum.policy /= n, sum.ownership /= n, sum.score /= n, sum.l2 /= n;
    sum.total = sum.value + sum.policy + sum.ownership + sum.score + sum.l2;
    return sum;
  }

 private:
  AlphaZeroOptions o_;
  envs::GameRegistry registry_;
  std::unique_ptr<envs::GameState> initial_;
  const envs::GameInfo& info_;
  torch::Device device_;
  mutable Rng rng_;  // arena players draw their seeds from it
  ReplayWindow window_;
  std::vector<int> milestones_;
  nets::ResidualTower net_{nullptr}, best_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<NetworkEvaluator> net_eval_, best_eval_;
  std::vector<std::unique_ptr<NetworkEvaluator>> worker_evals_;  // self-play workers 2, 3, ...
  std::vector<std::unique_ptr<GamePlayer>> baselines_;
  std::unique_ptr<ActorHub> hub_;  // a distributed run's actors (--actors-port)
  PositionShape batch_shape_;      // of the games they send
  int published_generation_ = -1;
  std::vector<std::string> baseline_names_;
  int iteration_ = 0, best_generation_ = 0;
  int64_t games_played_ = 0, train_steps_ = 0;
  std::string metric_;
};

}  // namespace

RunOutcome train_alphazero(const AlphaZeroOptions& options, RunSettings settings, uint64_t seed,
                           const std::string& device) {
  AlphaZeroTraining training(options, seed, device);
  settings.algorithm = kAlphaZeroAlgorithm;
  settings.env = options.game;
  settings.keep_checkpoints = options.checkpoint_keep;
  if (!settings.quiet)
    std::fprintf(stderr, "alphazero on %s, network %s\n", options.game.c_str(), training.network().c_str());
  RunOutcome outcome = run_training(training, settings);
  // An interrupted learner leaves its actors waiting: restarted with --resume, it takes them back.
  if (outcome.interrupted_by == 0) training.release_actors();
  return outcome;
}

}  // namespace tp::agents
