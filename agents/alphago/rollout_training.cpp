#include "agents/alphago/rollout_training.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "agents/alphago/expert_games.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/timer.h"

namespace tp::agents::alphago {

void RolloutTrainingOptions::bind(OptionSet& set) {
  ExpertDataOptions::bind(set);
  set.add("epochs", &epochs, "passes over the training positions")
      .add("lr", &lr, "SGD learning rate")
      .add("timed-playouts", &timed_playouts, "playouts from held-out positions timed at the end (0: none)");
}

void RolloutTrainingOptions::validate() const {
  ExpertDataOptions::validate();
  TP_CHECK_AS(UsageError, epochs >= 1, "--epochs must be >= 1");
  TP_CHECK_AS(UsageError, lr > 0 && std::isfinite(lr), "--lr must be > 0");
  TP_CHECK_AS(UsageError, timed_playouts >= 0, "--timed-playouts must be >= 0");
}

namespace {

// Every position's candidates as slot lists, flattened.
struct Examples {
  std::vector<int> position_begin{0};  // candidate range of position i: [begin[i], begin[i + 1])
  std::vector<int> target;             // index of the expert's move among the candidates
  std::vector<int> candidate_begin{0};
  std::vector<int> slots;
  size_t positions() const { return target.size(); }
};

class RolloutRun final : public TrainingAlgorithm {
 public:
  RolloutRun(const RolloutTrainingOptions& o, uint64_t seed) : o_(o), seed_(seed) {
    games_ = load_expert_games(o_.data, o_.size, o_.test_fraction, o_.skip_moves);
    extract(games_.split.train, true, train_);
    extract(games_.split.test, false, test_);
    TP_CHECK_AS(UsageError, train_.positions() > 0 && test_.positions() > 0, "--data ", o_.data,
                ": no position where the expert's move is a rollout candidate");
  }

  std::string setup_line() const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "; %zu training and %zu held-out positions (%d passes or eye fills left out), %d keys",
                  train_.positions(), test_.positions(), left_out_, policy_.num_slots());
    return "alphago-rollout on " + o_.data + ": " + games_.describe(o_.size) + buf;
  }

  ProgressPlan progress_plan() const override { return {"alphago-rollout", "epochs", o_.epochs, 5.0}; }
  int64_t progress_done() const override { return epoch_; }
  std::string progress_metric() const override {
    if (std::isnan(test_accuracy_)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "held-out top-1 %.3f", test_accuracy_);
    return buf;
  }
  std::vector<std::string> metric_columns() const override {
    return {"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "wall_s"};
  }
  double metrics_position() const override { return static_cast<double>(epoch_); }

  StepStatus step(RunContext& /*run*/) override {
    std::vector<size_t> order(train_.positions());
    std::iota(order.begin(), order.end(), size_t{0});
    Rng rng(seed_ * 0xD1B54A32D192ED03ULL + static_cast<uint64_t>(epoch_) + 1);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    double loss = 0, correct = 0;
    std::vector<double> probs;
    auto& w = policy_.weights();
    const auto lr = static_cast<float>(o_.lr);
    for (size_t i : order) {
      const Scored s = score(train_, i, probs);
      loss += s.loss;
      correct += s.correct;
      // d(-log p_target)/d logit_c = p_c - [c == target]; a slot's gradient sums its candidates'.
      const int begin = train_.position_begin[i];
      for (int c = begin; c < train_.position_begin[i + 1]; ++c) {
        const double g = probs[static_cast<size_t>(c - begin)] - (c - begin == train_.target[i] ? 1.0 : 0.0);
        for (int k = train_.candidate_begin[c]; k < train_.candidate_begin[c + 1]; ++k)
          w[static_cast<size_t>(train_.slots[k])] -= lr * static_cast<float>(g);
      }
    }
    train_loss_ = loss / static_cast<double>(order.size());
    train_accuracy_ = correct / static_cast<double>(order.size());
    ++epoch_;
    return StepStatus::Completed;
  }

  bool evaluation_due() const override { return true; }
  void evaluate(RunContext& run) override {
    double loss = 0, correct = 0;
    std::vector<double> probs;
    for (size_t i = 0; i < test_.positions(); ++i) {
      const Scored s = score(test_, i, probs);
      loss += s.loss;
      correct += s.correct;
    }
    test_loss_ = loss / static_cast<double>(test_.positions());
    test_accuracy_ = correct / static_cast<double>(test_.positions());
    run.log({{"epoch", static_cast<double>(epoch_)},
             {"train_loss", train_loss_},
             {"train_accuracy", train_accuracy_},
             {"test_loss", test_loss_},
             {"test_accuracy", test_accuracy_},
             {"wall_s", run.wall_seconds()}});
    char line[160];
    std::snprintf(line, sizeof line, "epoch %lld: train loss %.3f acc %.3f, held-out loss %.3f top-1 %.3f",
                  static_cast<long long>(epoch_), train_loss_, train_accuracy_, test_loss_, test_accuracy_);
    run.note(line);
  }

  void finish(RunContext& run) override {
    if (o_.timed_playouts == 0) return;
    // Playouts from held-out positions, spread over the games' lengths.
    Rng rng(seed_ + 99);
    Timer timer;
    for (int i = 0; i < o_.timed_playouts; ++i) {
      const ExpertPosition& p = games_.test[rng() % games_.test.size()];
      const envs::go::GoState state = replay_sgf(*p.game, 1, p.move);
      timer.reset();
      policy_.playout(state, rng);
      playout_seconds_ += timer.seconds();
    }
    playouts_per_s_ = o_.timed_playouts / playout_seconds_;
    char line[160];
    std::snprintf(line, sizeof line, "%d playouts from held-out positions: %.0f playouts/s on one core",
                  o_.timed_playouts, playouts_per_s_);
    run.note(line);
  }

  bool checkpoint_due() const override { return true; }
  int64_t checkpoint_number() const override { return epoch_; }
  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = kRolloutPolicyAlgorithm;
    h.env = "go" + std::to_string(o_.size);
    h.architecture = "rollout:s" + std::to_string(o_.size);
    return h;
  }
  void save(CheckpointWriter& w) const override {
    w.header().counters["epoch"] = epoch_;
    std::vector<int64_t> keys(policy_.slot_keys().begin(), policy_.slot_keys().end());
    w.add_tensor("keys", torch::tensor(keys, torch::kInt64));
    w.add_tensor("weights", torch::tensor(policy_.weights(), torch::kFloat32));
    w.add_tensor("running", torch::tensor({train_loss_, train_accuracy_, test_loss_, test_accuracy_}, torch::kFloat64));
  }
  void load(CheckpointReader& r) override {
    epoch_ = r.header().counter("epoch");
    // The slots come from the same games in the same order: the checkpoint's must match.
    const RolloutPolicy saved = read_policy(r);
    TP_CHECK_AS(CheckpointError, saved.slot_keys() == policy_.slot_keys(), "checkpoint '", r.path(),
                "' was trained on other games than --data ", o_.data);
    policy_.weights() = saved.weights();
    const std::vector<double> running = r.doubles("running");
    TP_CHECK_AS(CheckpointError, running.size() == 4, "checkpoint '", r.path(), "': malformed running sums");
    train_loss_ = running[0];
    train_accuracy_ = running[1];
    test_loss_ = running[2];
    test_accuracy_ = running[3];
  }

  std::string summary() const override {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "alphago-rollout: %lld epochs, %d weights; held-out top-1 accuracy %.3f, loss %.3f on %zu positions",
                  static_cast<long long>(epoch_), policy_.num_slots(), test_accuracy_, test_loss_, test_.positions());
    std::string line = buf;
    if (!std::isnan(playouts_per_s_)) line += "; " + std::to_string(std::lround(playouts_per_s_)) + " playouts/s";
    return line;
  }
  void describe(Json& j) const override {
    j["algorithm"] = kRolloutPolicyAlgorithm;
    j["data"] = o_.data;
    j["epochs"] = static_cast<long long>(epoch_);
    j["weights"] = policy_.num_slots();
    j["train_positions"] = static_cast<long long>(train_.positions());
    j["test_positions"] = static_cast<long long>(test_.positions());
    j["test_accuracy"] = test_accuracy_;
    j["test_loss"] = test_loss_;
    j["train_accuracy"] = train_accuracy_;
    if (!std::isnan(playouts_per_s_)) j["playouts_per_s"] = playouts_per_s_;
  }

  static RolloutPolicy read_policy(CheckpointReader& r) {
    const torch::Tensor keys = r.tensor("keys").to(torch::kInt64).contiguous();
    const torch::Tensor weights = r.tensor("weights").to(torch::kFloat32).contiguous();
    TP_CHECK_AS(CheckpointError, keys.dim() == 1 && weights.dim() == 1 && keys.numel() == weights.numel(),
                "checkpoint '", r.path(), "': rollout keys and weights differ in shape");
    std::vector<uint32_t> k;
    for (int64_t i = 0; i < keys.numel(); ++i) {
      const int64_t v = keys.data_ptr<int64_t>()[i];
      TP_CHECK_AS(CheckpointError, v >= 0 && v <= 0xFFFFFFFFLL && canonical_pattern_key(static_cast<uint32_t>(v)) == v,
                  "checkpoint '", r.path(), "': malformed rollout key ", v);
      k.push_back(static_cast<uint32_t>(v));
    }
    const float* wp = weights.data_ptr<float>();
    RolloutPolicy policy;
    try {
      policy.assign(k, std::vector<float>(wp, wp + weights.numel()));
    } catch (const Error& e) {
      TP_THROW(CheckpointError, "checkpoint '", r.path(), "': ", e.what());
    }
    return policy;
  }

 private:
  struct Scored {
    double loss;
    double correct;
  };

  // Softmax over position i's candidates into probs; its loss and whether the argmax is right.
  Scored score(const Examples& ex, size_t i, std::vector<double>& probs) const {
    const auto& w = policy_.weights();
    const int begin = ex.position_begin[i], end = ex.position_begin[i + 1];
    probs.assign(static_cast<size_t>(end - begin), 0.0);
    double best = -1e300;
    int arg = 0;
    for (int c = begin; c < end; ++c) {
      double l = 0;
      for (int k = ex.candidate_begin[c]; k < ex.candidate_begin[c + 1]; ++k) l += w[static_cast<size_t>(ex.slots[k])];
      probs[static_cast<size_t>(c - begin)] = l;
      if (l > best) {
        best = l;
        arg = c - begin;
      }
    }
    double total = 0;
    for (double& p : probs) total += (p = std::exp(p - best));
    for (double& p : probs) p /= total;
    const double pt = std::max(probs[static_cast<size_t>(ex.target[i])], 1e-12);
    return {-std::log(pt), arg == ex.target[i] ? 1.0 : 0.0};
  }

  void extract(const std::vector<const SgfGame*>& games, bool make_slots, Examples& out) {
    std::vector<envs::Action> candidates;
    RolloutPosition pos;
    uint32_t keys[kMaxRolloutKeys];
    for (const SgfGame* g : games) {
      const int first = g->random_opening + o_.skip_moves;
      if (first >= static_cast<int>(g->moves.size())) continue;
      envs::go::GoState state = replay_sgf(*g, 1, first);
      for (int m = first; m < static_cast<int>(g->moves.size()); ++m) {
        const envs::Action expert = g->moves[static_cast<size_t>(m)];
        rollout_candidates(state, candidates);
        const auto hit = std::find(candidates.begin(), candidates.end(), expert);
        if (hit == candidates.end()) {
          ++left_out_;
        } else {
          prepare_position(state, pos);
          for (envs::Action a : candidates) {
            const int n = rollout_feature_keys(pos, state.board_point(a), keys);
            for (int k = 0; k < n; ++k) {
              const int slot = make_slots ? policy_.slot_for(keys[k]) : policy_.find_slot(keys[k]);
              if (slot >= 0) out.slots.push_back(slot);
            }
            out.candidate_begin.push_back(static_cast<int>(out.slots.size()));
          }
          out.target.push_back(static_cast<int>(hit - candidates.begin()));
          out.position_begin.push_back(static_cast<int>(out.candidate_begin.size()) - 1);
        }
        state.apply(expert);
      }
    }
  }

  RolloutTrainingOptions o_;
  uint64_t seed_;
  ExpertGames games_;
  RolloutPolicy policy_;
  Examples train_, test_;
  int left_out_ = 0;
  int64_t epoch_ = 0;
  double train_loss_ = std::nan(""), train_accuracy_ = std::nan("");
  double test_loss_ = std::nan(""), test_accuracy_ = std::nan("");
  double playout_seconds_ = 0, playouts_per_s_ = std::nan("");
};

}  // namespace

RunOutcome train_rollout_policy(const RolloutTrainingOptions& options, RunSettings settings, uint64_t seed) {
  options.validate();
  RolloutRun run(options, seed);
  settings.algorithm = kRolloutPolicyAlgorithm;
  settings.env = "go" + std::to_string(options.size);
  if (!settings.quiet) std::fprintf(stderr, "%s\n", run.setup_line().c_str());
  return run_training(run, settings);
}

RolloutPolicy load_rollout_policy(const std::string& path) {
  CheckpointReader reader(path);
  reader.expect(kRolloutPolicyAlgorithm);
  return RolloutRun::read_policy(reader);
}

}  // namespace tp::agents::alphago
