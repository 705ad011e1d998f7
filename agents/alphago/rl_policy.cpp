#include "agents/alphago/rl_policy.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "agents/agent_spec.h"
#include "agents/alphago/policy_games.h"
#include "agents/alphago/policy_network.h"
#include "agents/alphago/sl_policy.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/timer.h"
#include "envs/games/board_util.h"
#include "nets/optimizer.h"

namespace tp::agents::alphago {

using envs::go::GoState;

void RlPolicyOptions::bind(OptionSet& set) {
  set.add("sl", &sl, "the SL policy to start from: an alphago-sl checkpoint or run directory")
      .add("iterations", &iterations, "iterations (each: --games games, one gradient step)")
      .add("games", &games, "games per iteration, played in parallel")
      .add("lr", &lr, "Adam learning rate")
      .add("snapshot-every", &snapshot_every, "iterations between snapshots added to the opponent pool")
      .add("eval-every", &eval_every, "iterations between evaluations against the SL policy")
      .add("eval-games", &eval_games, "games of each evaluation (both sides sample their moves)")
      .add("komi", &komi, "komi of the self-play games");
}

void RlPolicyOptions::validate() const {
  TP_CHECK_AS(UsageError, !sl.empty(), "--sl is required (an alphago-sl checkpoint or run directory)");
  TP_CHECK_AS(UsageError, iterations >= 1 && games >= 2, "--iterations must be >= 1 and --games >= 2");
  TP_CHECK_AS(UsageError, lr > 0 && std::isfinite(lr), "--lr must be > 0");
  TP_CHECK_AS(UsageError, snapshot_every >= 1 && eval_every >= 1, "--snapshot-every and --eval-every must be >= 1");
  TP_CHECK_AS(UsageError, eval_games >= 2, "--eval-games must be >= 2");
  TP_CHECK_AS(UsageError, std::isfinite(komi), "--komi must be a number");
}

namespace {

// The learner's moves of one iteration: planes, the sensible moves it chose among, its move.
struct Trajectories {
  std::vector<float> planes, masks;
  std::vector<int64_t> actions;
  std::vector<float> returns;
};

class RlRun final : public TrainingAlgorithm {
 public:
  RlRun(const RlPolicyOptions& o, uint64_t seed) : o_(o), seed_(seed) {
    sl_path_ = agent_checkpoint(o_.sl, {});
    CheckpointReader reader(sl_path_);
    sl_ = load_policy_network(reader, torch::kCPU);
    TP_CHECK_AS(UsageError, reader.header().algorithm == kSlPolicyAlgorithm, "--sl ", o_.sl,
                " is not an alphago-sl checkpoint");
    learner_ = same_shape(sl_);
    copy_weights(sl_, learner_);
    pool_.push_back(sl_);
    nets::OptimizerOptions opt;
    opt.name = "adam";
    opt.lr = o_.lr;
    optimizer_ = nets::make_optimizer(learner_.net->parameters(), opt);
    params_.size = sl_.size;
    params_.komi = o_.komi;
    params_.history = 1;
  }

  int size() const { return sl_.size; }
  std::string setup_line() const {
    return "alphago-rl from " + sl_path_ + ": network " + learner_.net->signature() + ", " + std::to_string(o_.games) +
           " games per iteration";
  }

  ProgressPlan progress_plan() const override { return {"alphago-rl", "iterations", o_.iterations, 5.0}; }
  int64_t progress_done() const override { return iteration_; }
  std::string progress_metric() const override {
    if (std::isnan(win_rate_vs_sl_)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "vs SL %.2f", win_rate_vs_sl_);
    return buf;
  }
  std::vector<std::string> metric_columns() const override {
    return {"iteration", "games",          "train_win_rate",  "opponent", "loss",
            "pool",      "win_rate_vs_sl", "positions_per_s", "wall_s"};
  }
  double metrics_position() const override { return static_cast<double>(iteration_); }

  StepStatus step(RunContext& run) override {
    Rng rng(seed_ * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(iteration_) + 3);
    const size_t opponent = rng() % pool_.size();
    Trajectories t;
    const Timer clock;
    const int wins = play(learner_, pool_[opponent], o_.games, rng, &t);
    const double loss = reinforce(t, rng);
    games_ += o_.games;
    ++iteration_;
    if (iteration_ % o_.snapshot_every == 0) {
      PolicyNetwork snapshot = same_shape(learner_);
      copy_weights(learner_, snapshot);
      snapshot.net->eval();
      pool_.push_back(snapshot);
    }
    evaluated_ = false;
    if (iteration_ % o_.eval_every == 0 || iteration_ == o_.iterations) evaluate_vs_sl();
    run.log({{"iteration", static_cast<double>(iteration_)},
             {"games", static_cast<double>(games_)},
             {"train_win_rate", static_cast<double>(wins) / o_.games},
             {"opponent", static_cast<double>(opponent)},
             {"loss", loss},
             {"pool", static_cast<double>(pool_.size())},
             {"win_rate_vs_sl", evaluated_ ? win_rate_vs_sl_ : std::nan("")},
             {"positions_per_s", static_cast<double>(t.actions.size()) / clock.seconds()},
             {"wall_s", run.wall_seconds()}});
    if (evaluated_) {
      char line[128];
      std::snprintf(line, sizeof line, "iteration %lld: wins %.3f of %d games against the SL policy",
                    static_cast<long long>(iteration_), win_rate_vs_sl_, o_.eval_games);
      run.note(line);
    }
    return StepStatus::Completed;
  }

  bool checkpoint_due() const override { return evaluated_; }
  int64_t checkpoint_number() const override { return iteration_; }
  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = kRlPolicyAlgorithm;
    h.env = "go" + std::to_string(sl_.size);
    h.architecture = learner_.net->signature();
    return h;
  }
  void save(CheckpointWriter& w) const override {
    w.header().counters["iteration"] = iteration_;
    w.header().counters["games"] = games_;
    w.header().counters["pool"] = static_cast<int64_t>(pool_.size());
    w.add_module("policy", *learner_.net);
    w.add_optimizer("optimizer", *optimizer_);
    for (size_t i = 1; i < pool_.size(); ++i) w.add_module("pool-" + std::to_string(i), *pool_[i].net);
    w.add_tensor("running", torch::tensor({win_rate_vs_sl_}, torch::kFloat64));
  }
  void load(CheckpointReader& r) override {
    iteration_ = r.header().counter("iteration");
    games_ = r.header().counter("games");
    const int64_t pool = r.header().counter("pool");
    TP_CHECK_AS(CheckpointError, pool >= 1 && pool < 1000000, "checkpoint '", r.path(), "': malformed pool size");
    r.load_module("policy", *learner_.net);
    r.load_optimizer("optimizer", *optimizer_);
    pool_.resize(1);
    for (int64_t i = 1; i < pool; ++i) {
      PolicyNetwork p = same_shape(learner_);
      r.load_module("pool-" + std::to_string(i), *p.net);
      p.net->eval();
      pool_.push_back(p);
    }
    const std::vector<double> running = r.doubles("running");
    TP_CHECK_AS(CheckpointError, running.size() == 1, "checkpoint '", r.path(), "': malformed running values");
    win_rate_vs_sl_ = running[0];
  }

  std::string summary() const override {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "alphago-rl: %lld iterations, %lld games, %zu policies in the pool; wins %.3f against the SL policy "
                  "(%d games, both sampling)",
                  static_cast<long long>(iteration_), static_cast<long long>(games_), pool_.size(), win_rate_vs_sl_,
                  o_.eval_games);
    return buf;
  }
  void describe(Json& j) const override {
    j["algorithm"] = kRlPolicyAlgorithm;
    j["sl"] = sl_path_;
    j["network"] = learner_.net->signature();
    j["iterations"] = static_cast<long long>(iteration_);
    j["games"] = static_cast<long long>(games_);
    j["pool"] = static_cast<long long>(pool_.size());
    j["win_rate_vs_sl"] = win_rate_vs_sl_;
    j["eval_games"] = o_.eval_games;
  }

 private:
  void evaluate_vs_sl() {
    // Fixed games: the same seed every time, so evaluations differ by the policy alone.
    Rng rng(seed_ + 0xe7a1ULL);
    win_rate_vs_sl_ = static_cast<double>(play(learner_, sl_, o_.eval_games, rng, nullptr)) / o_.eval_games;
    evaluated_ = true;
  }

  // Plays n games of `a` against `b`; returns a's wins and, when asked, records a's moves.
  int play(PolicyNetwork& a, PolicyNetwork& b, int n, Rng& rng, Trajectories* record) {
    std::vector<std::vector<size_t>> record_index(static_cast<size_t>(n));
    const int64_t plane_floats = int64_t{a.planes()} * a.size * a.size;
    const int actions = a.size * a.size + 1;
    const std::vector<double> results = play_policy_games(a, b, n, params_, rng, [&](const PolicyGameMove& m) {
      if (!record || !m.by_a) return;
      record_index[static_cast<size_t>(m.game)].push_back(record->actions.size());
      record->planes.insert(record->planes.end(), m.planes, m.planes + plane_floats);
      record->masks.insert(record->masks.end(), m.sensible, m.sensible + actions);
      record->actions.push_back(m.action);
      record->returns.push_back(0.f);
    });
    int wins = 0;
    for (size_t g = 0; g < results.size(); ++g) {
      wins += results[g] > 0;
      if (record)
        for (size_t k : record_index[g]) record->returns[k] = static_cast<float>(results[g]);
    }
    return wins;
  }

  // One gradient step on -z log p(a|s) (p over the sensible moves), each position under a
  // random symmetry. Returns the mean loss.
  double reinforce(const Trajectories& t, Rng& rng) {
    const int size = sl_.size, area = size * size, actions = area + 1, planes = sl_.planes();
    const auto n = static_cast<int64_t>(t.actions.size());
    if (n == 0) return 0.0;
    torch::Tensor x = torch::empty({n, planes, size, size});
    torch::Tensor mask = torch::empty({n, actions});
    torch::Tensor a = torch::empty({n}, torch::kLong);
    const GoState shape(params_);
    for (int64_t i = 0; i < n; ++i) {
      const int k = static_cast<int>(rng() % 8);
      envs::transform_board_planes(k, planes, size, size, t.planes.data() + i * planes * area,
                                   x.data_ptr<float>() + i * planes * area);
      envs::transform_board_planes(k, 1, size, size, t.masks.data() + i * actions,
                                   mask.data_ptr<float>() + i * actions);
      mask.data_ptr<float>()[i * actions + area] = t.masks[static_cast<size_t>(i * actions + area)];
      a.data_ptr<int64_t>()[i] = shape.symmetry_action(k, t.actions[static_cast<size_t>(i)]);
    }
    const torch::Tensor z = torch::tensor(t.returns);
    learner_.net->train();
    optimizer_->zero_grad();
    double loss_sum = 0;
    constexpr int64_t kChunk = 1024;
    for (int64_t b = 0; b < n; b += kChunk) {
      const int64_t m = std::min(kChunk, n - b);
      const torch::Tensor logits = learner_.net->forward(x.narrow(0, b, m));
      const torch::Tensor masked = logits.masked_fill(mask.narrow(0, b, m) <= 0, -1e9);
      const torch::Tensor logp = torch::log_softmax(masked, 1).gather(1, a.narrow(0, b, m).unsqueeze(1)).squeeze(1);
      const torch::Tensor loss = -(z.narrow(0, b, m) * logp).sum() / static_cast<double>(n);
      loss.backward();
      loss_sum += loss.item<double>();
    }
    optimizer_->step();
    learner_.net->eval();
    return loss_sum;
  }

  RlPolicyOptions o_;
  uint64_t seed_;
  std::string sl_path_;
  PolicyNetwork sl_, learner_;
  std::vector<PolicyNetwork> pool_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  envs::go::GoParams params_;
  int64_t iteration_ = 0, games_ = 0;
  double win_rate_vs_sl_ = std::nan("");
  bool evaluated_ = false;
};

}  // namespace

RunOutcome train_rl_policy(const RlPolicyOptions& options, RunSettings settings, uint64_t seed) {
  options.validate();
  RlRun run(options, seed);
  settings.algorithm = kRlPolicyAlgorithm;
  settings.env = "go" + std::to_string(run.size());
  if (!settings.quiet) std::fprintf(stderr, "%s\n", run.setup_line().c_str());
  return run_training(run, settings);
}

}  // namespace tp::agents::alphago
