#include "agents/alphazero/trainer.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/model.h"
#include "agents/alphazero/network_evaluator.h"
#include "agents/alphazero/replay_window.h"
#include "agents/game_player.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/metrics.h"
#include "core/progress.h"
#include "core/run_dir.h"
#include "core/timer.h"
#include "envs/games/game_registry.h"
#include "nets/optimizer.h"
#include "nets/target_update.h"

namespace tp::agents {

namespace {

struct LossTerms {
  double value = 0, policy = 0, l2 = 0, total = 0;
};

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

void check_options(const AlphaZeroOptions& o) {
  TP_CHECK_AS(UsageError, o.iterations > 0, "--iterations must be > 0");
  TP_CHECK_AS(UsageError, o.games_per_iteration > 0, "--games-per-iteration must be > 0");
  TP_CHECK_AS(UsageError, o.parallel_games > 0, "--parallel-games must be > 0");
  TP_CHECK_AS(UsageError, o.simulations > 0, "--simulations must be > 0");
  TP_CHECK_AS(UsageError, o.arena_simulations >= 0, "--arena-simulations must be >= 0");
  TP_CHECK_AS(UsageError, o.play_simulations >= 0, "--play-simulations must be >= 0");
  TP_CHECK_AS(UsageError, o.c_puct > 0, "--c-puct must be > 0");
  TP_CHECK_AS(UsageError, o.dirichlet_alpha >= 0, "--dirichlet-alpha must be >= 0");
  TP_CHECK_AS(UsageError, o.noise_fraction >= 0 && o.noise_fraction <= 1, "--noise-fraction must be in [0, 1]");
  TP_CHECK_AS(UsageError, o.temperature_moves >= 0 && o.arena_temperature_moves >= 0, "temperature moves must be >= 0");
  TP_CHECK_AS(UsageError, o.random_opening_plies >= 0, "--random-opening-plies must be >= 0");
  TP_CHECK_AS(UsageError, o.blocks >= 0 && o.filters > 0 && o.value_hidden > 0,
              "--blocks must be >= 0, --filters and --value-hidden > 0");
  TP_CHECK_AS(UsageError, o.window_positions > 0 && o.batch_size > 0 && o.steps_per_iteration >= 0,
              "--window-positions and --batch-size must be > 0, --steps-per-iteration >= 0");
  TP_CHECK_AS(UsageError, o.lr > 0 && o.l2 >= 0, "--lr must be > 0 and --l2 >= 0");
  TP_CHECK_AS(UsageError, o.gate_threshold >= 0 && o.gate_threshold <= 1, "--gate-threshold must be in [0, 1]");
  TP_CHECK_AS(UsageError, o.arena_games >= 0 && o.baseline_games >= 0, "game counts must be >= 0");
  TP_CHECK_AS(UsageError, !o.gating || o.arena_games > 0, "--gating needs --arena-games > 0");
  TP_CHECK_AS(UsageError, o.checkpoint_keep > 0, "--checkpoint-keep must be > 0");
}

class Trainer {
 public:
  Trainer(const AlphaZeroOptions& o, const AlphaZeroRun& run)
      : o_(o),
        run_(run),
        registry_(envs::make_game_registry()),
        initial_(registry_.make(o.game, o.game_options)),
        info_(initial_->info()),
        device_(run.common.device),
        rng_(run.common.seed),
        window_(o.window_positions, info_.num_planes * info_.board_height * info_.board_width, info_.num_actions),
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
    GamePlayerContext ctx;
    ctx.seed = run.common.seed + 7;
    ctx.device = run.common.device;
    if (o_.baseline_games > 0 && !o_.baselines.empty())
      for (const auto& spec : split_list(o_.baselines, "--baselines")) {
        baselines_.push_back(make_game_player(spec, *initial_, ctx));
        baseline_names_.push_back(spec);
      }
  }

  int run() {
    RunDir dir = run_.resume ? RunDir::open_existing(run_.run_dir) : RunDir::create("alphazero", o_.game, run_.run_dir);
    if (!run_.resume) dir.write_config(run_.config_ini);
    CheckpointStore store(dir.checkpoints_dir(), o_.checkpoint_keep);
    if (run_.resume) {
      const auto latest = store.latest();
      TP_CHECK_AS(UsageError, latest.has_value(), "--resume ", dir.path(), ": no checkpoint to resume from");
      load(*latest);
      if (!run_.common.quiet)
        std::fprintf(stderr, "resuming %s at iteration %d (%s)\n", dir.path().c_str(), iteration_, latest->c_str());
    }
    std::vector<std::string> columns = {"iteration", "seconds", "selfplay_games", "selfplay_positions", "window",
                                        "selfplay_games_per_s", "selfplay_sims_per_s", "mean_game_length",
                                        "loss_total", "loss_value", "loss_policy", "loss_l2", "lr", "arena_score",
                                        "arena_wins", "arena_draws", "arena_losses", "accepted", "best_generation"};
    for (const auto& b : baseline_names_) columns.push_back("vs_" + b);
    CsvMetrics metrics(dir.metrics_path(), columns,
                       run_.resume ? std::optional<double>(iteration_) : std::nullopt);
    InterruptGuard guard;
    auto stop = [] { return pending_interrupt() != 0; };
    Progress progress("alphazero " + o_.game, o_.iterations, "iterations", run_.common.quiet);
    progress.set_log_interval(0.0);
    if (!run_.common.quiet)
      std::fprintf(stderr, "run directory %s; network %s\n", dir.path().c_str(), net_->signature().c_str());
    progress.update(iteration_);
    // Until the first checkpoint exists, an interrupt saves the state the run started from.
    if (!store.latest()) saved_state_ = std::make_unique<CheckpointWriter>(checkpoint());
    while (iteration_ < o_.iterations) {
      Timer timer;
      const double lr = learning_rate(o_, milestones_, iteration_);
      nets::set_learning_rate(*optimizer_, lr);
      // 1. Self-play with the best network.
      BatchedSearch search{best_eval_.get(), self_play_mcts()};
      BatchedPlayOptions sp;
      sp.games = o_.games_per_iteration;
      sp.parallel = o_.parallel_games;
      sp.temperature_moves = o_.temperature_moves;
      sp.random_opening_plies = o_.random_opening_plies;
      sp.should_stop = stop;
      const BatchedPlayResult games = self_play(*initial_, search, sp, rng_());
      if (games.interrupted) return interrupted(store);
      for (const auto& p : games.positions) window_.add(p);
      games_played_ += static_cast<int64_t>(games.games.size());
      // 2. Learner.
      const LossTerms loss = learn();
      if (pending_interrupt()) return interrupted(store);
      // 3. Arena: candidate against the best.
      MatchScore arena;
      bool accepted = true;
      if (o_.arena_games > 0) {
        BatchedPlayResult r;
        if (!play(*arena_player("candidate", net_eval_), *arena_player("best", best_eval_), o_.arena_games,
                  o_.arena_temperature_moves, r))
          return interrupted(store);
        arena = score_for_a(r);
        accepted = !o_.gating || arena.score() >= o_.gate_threshold;
      }
      if (accepted) {
        nets::hard_update(*best_, *net_);
        ++best_generation_;
      }
      // 4. Baselines.
      std::vector<double> baseline_scores;
      for (auto& b : baselines_) {
        BatchedPlayResult r;
        if (!play(*arena_player("candidate", net_eval_), *b, o_.baseline_games, 0, r)) return interrupted(store);
        baseline_scores.push_back(score_for_a(r).score());
      }
      ++iteration_;
      const double seconds = timer.seconds();
      double plies = 0;
      for (const auto& g : games.games) plies += g.moves.size();
      std::vector<std::pair<std::string, double>> row = {
          {"iteration", iteration_},
          {"seconds", seconds},
          {"selfplay_games", static_cast<double>(games.games.size())},
          {"selfplay_positions", static_cast<double>(games.positions.size())},
          {"window", window_.size()},
          {"selfplay_games_per_s", games.games.size() / std::max(1e-9, games.seconds)},
          {"selfplay_sims_per_s", games.simulations / std::max(1e-9, games.seconds)},
          {"mean_game_length", plies / std::max<size_t>(1, games.games.size())},
          {"loss_total", loss.total},
          {"loss_value", loss.value},
          {"loss_policy", loss.policy},
          {"loss_l2", loss.l2},
          {"lr", lr},
          {"accepted", accepted ? 1.0 : 0.0},
          {"best_generation", best_generation_}};
      if (o_.arena_games > 0) {
        row.push_back({"arena_score", arena.score()});
        row.push_back({"arena_wins", arena.wins});
        row.push_back({"arena_draws", arena.draws});
        row.push_back({"arena_losses", arena.losses});
      }
      std::ostringstream metric;
      metric.precision(3);
      metric << "loss " << loss.total << (o_.arena_games > 0 ? ", arena " : "");
      if (o_.arena_games > 0) metric << arena.score() << (accepted ? " (accepted)" : " (rejected)");
      for (size_t i = 0; i < baseline_scores.size(); ++i) {
        row.push_back({"vs_" + baseline_names_[i], baseline_scores[i]});
        metric << ", " << baseline_names_[i] << " " << baseline_scores[i];
      }
      metrics.write(row);
      store.save(checkpoint(), iteration_);
      progress.update(iteration_, metric.str());
    }
    progress.finish();
    result_.run_dir = dir.path();
    result_.iterations = iteration_;
    result_.best_generation = best_generation_;
    result_.games = games_played_;
    return 0;
  }

  const AlphaZeroResult& result() const { return result_; }

 private:
  MctsOptions self_play_mcts() const {
    MctsOptions m;
    m.simulations = o_.simulations;
    m.c_puct = o_.c_puct;
    m.root_noise = true;
    m.dirichlet_alpha = o_.dirichlet_alpha > 0 ? o_.dirichlet_alpha : info_.dirichlet_alpha;
    m.noise_fraction = o_.noise_fraction;
    return m;
  }

  std::unique_ptr<GamePlayer> arena_player(const std::string& name, const std::unique_ptr<NetworkEvaluator>& ev) {
    MctsOptions m;
    m.simulations = o_.arena_simulations > 0 ? o_.arena_simulations : o_.simulations;
    m.c_puct = o_.c_puct;
    // Non-owning: the evaluator outlives the player (both live in this trainer).
    return std::make_unique<MctsPlayer>(name, std::shared_ptr<Evaluator>(ev.get(), [](Evaluator*) {}), m, rng_());
  }

  bool play(GamePlayer& a, GamePlayer& b, int n, int temperature_moves, BatchedPlayResult& out) {
    BatchedPlayOptions opt;
    opt.games = n;
    opt.parallel = o_.parallel_games;
    opt.temperature_moves = temperature_moves;
    opt.should_stop = [] { return pending_interrupt() != 0; };
    out = play_match(*initial_, a, b, opt, rng_());
    return !out.interrupted;
  }

  LossTerms learn() {
    LossTerms sum;
    if (o_.steps_per_iteration == 0 || window_.size() == 0) return sum;
    const int b = o_.batch_size;
    auto planes = torch::empty({b, info_.num_planes, info_.board_height, info_.board_width});
    auto policy = torch::empty({b, info_.num_actions});
    auto z = torch::empty({b});
    net_->train();
    for (int step = 0; step < o_.steps_per_iteration; ++step) {
      if (pending_interrupt()) break;
      window_.sample(b, *initial_, rng_, planes.data_ptr<float>(), policy.data_ptr<float>(), z.data_ptr<float>());
      auto [logits, v] = net_->forward(planes.to(device_));
      const auto value_loss = torch::mse_loss(v, z.to(device_));
      const auto policy_loss = -(policy.to(device_) * torch::log_softmax(logits, 1)).sum(1).mean();
      auto l2 = torch::zeros({}, logits.options());
      for (const auto& p : net_->named_parameters())
        if (p.key().find("bn") == std::string::npos && p.key().find(".bias") == std::string::npos)
          l2 = l2 + p.value().pow(2).sum();
      l2 = l2 * o_.l2;
      const auto total = value_loss + policy_loss + l2;
      optimizer_->zero_grad();
      total.backward();
      optimizer_->step();
      sum.value += value_loss.item<double>();
      sum.policy += policy_loss.item<double>();
      sum.l2 += l2.item<double>();
      ++train_steps_;
    }
    net_->eval();
    const double n = o_.steps_per_iteration;
    sum.value /= n, sum.policy /= n, sum.l2 /= n;
    sum.total = sum.value + sum.policy + sum.l2;
    return sum;
  }

  CheckpointWriter checkpoint() {
    CheckpointHeader h;
    h.algorithm = "alphazero";
    h.env = o_.game;
    h.architecture = net_->signature();
    h.config = run_.config_ini;
    h.counters = {{"iteration", iteration_},
                  {"games", games_played_},
                  {"train_steps", train_steps_},
                  {"best_generation", best_generation_},
                  {"positions", window_.total_added()}};
    CheckpointWriter w(h);
    w.add_module("net", *net_);
    w.add_module("best", *best_);
    w.add_optimizer("optimizer", *optimizer_);
    window_.save(w);
    w.add_rng("rng", rng_);
    w.add_torch_rng("torch_rng");
    AlphaZeroModelInfo m;
    m.game = o_.game;
    m.game_options = o_.game_options;
    m.blocks = o_.blocks;
    m.filters = o_.filters;
    m.value_hidden = o_.value_hidden;
    m.simulations = o_.play_simulations > 0 ? o_.play_simulations : o_.simulations;
    m.c_puct = o_.c_puct;
    w.add_bytes("player", m.to_json());
    return w;
  }

  void load(const std::string& path) {
    CheckpointReader r(path);
    r.expect("alphazero", net_->signature());
    r.load_module("net", *net_);
    r.load_module("best", *best_);
    r.load_optimizer("optimizer", *optimizer_);
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

  // The iteration in progress is abandoned; the newest checkpoint holds the state at its
  // start (written at the end of the previous iteration, or now for the first one), so
  // --resume repeats it from exactly that state.
  int interrupted(const CheckpointStore& store) {
    const int sig = pending_interrupt();
    if (!store.latest() && saved_state_) store.save(*saved_state_, iteration_);
    if (!run_.common.quiet)
      std::fprintf(stderr, "\ninterrupted: checkpoint at iteration %d kept; continue with --resume\n", iteration_);
    return interrupt_exit_code(sig ? sig : 2);
  }

 private:
  AlphaZeroOptions o_;
  AlphaZeroRun run_;
  envs::GameRegistry registry_;
  std::unique_ptr<envs::GameState> initial_;
  const envs::GameInfo& info_;
  torch::Device device_;
  Rng rng_;
  ReplayWindow window_;
  std::vector<int> milestones_;
  nets::ResidualTower net_{nullptr}, best_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<NetworkEvaluator> net_eval_, best_eval_;
  std::vector<std::unique_ptr<GamePlayer>> baselines_;
  std::vector<std::string> baseline_names_;
  std::unique_ptr<CheckpointWriter> saved_state_;
  int iteration_ = 0, best_generation_ = 0;
  int64_t games_played_ = 0, train_steps_ = 0;
  AlphaZeroResult result_;
};

}  // namespace

int train_alphazero(const AlphaZeroOptions& options, const AlphaZeroRun& run, AlphaZeroResult* result) {
  check_options(options);
  Trainer trainer(options, run);
  const int code = trainer.run();
  if (result) *result = trainer.result();
  return code;
}

}  // namespace tp::agents
