#include "agents/alphago/sl_policy.h"

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
#include "envs/games/board_util.h"
#include "nets/go_policy.h"
#include "nets/optimizer.h"

namespace tp::agents::alphago {

void SlPolicyOptions::bind(OptionSet& set) {
  ExpertDataOptions::bind(set);
  set.add("features", &features, "input planes: full (AlphaGo's 48) | stones (stones and ones, 4)")
      .add("filters", &filters, "convolution filters (k)")
      .add("layers", &layers, "convolutions before the 1x1 output layer")
      .add("epochs", &epochs, "passes over the training positions")
      .add("batch-size", &batch_size, "positions per minibatch")
      .add("lr", &lr, "Adam learning rate");
}

void SlPolicyOptions::validate() const {
  ExpertDataOptions::validate();
  TP_CHECK_AS(UsageError, features == "full" || features == "stones", "--features must be full or stones, not '",
              features, "'");
  TP_CHECK_AS(UsageError, filters >= 1 && layers >= 1, "--filters and --layers must be >= 1");
  TP_CHECK_AS(UsageError, epochs >= 1 && batch_size >= 1, "--epochs and --batch-size must be >= 1");
  TP_CHECK_AS(UsageError, lr > 0 && std::isfinite(lr), "--lr must be > 0");
}

namespace {

using Position = ExpertPosition;

class SlPolicyRun final : public TrainingAlgorithm {
 public:
  SlPolicyRun(const SlPolicyOptions& o, uint64_t seed) : o_(o), seed_(seed) {
    games_ = load_expert_games(o_.data, o_.size, o_.test_fraction, o_.skip_moves);
    train_ = games_.train;
    test_ = games_.test;
    planes_ = num_feature_planes(o_.feature_set(), false);
    net_ = nets::GoPolicyNet(
        nets::GoPolicyNetOptions().planes(planes_).size(o_.size).filters(o_.filters).layers(o_.layers));
    nets::OptimizerOptions opt;
    opt.name = "adam";
    opt.lr = o_.lr;
    optimizer_ = nets::make_optimizer(net_->parameters(), opt);
    steps_per_epoch_ = (static_cast<int64_t>(train_.size()) + o_.batch_size - 1) / o_.batch_size;
  }

  std::string setup_line() const {
    return "alphago-sl on " + o_.data + ": " + games_.describe(o_.size) + "; network " + net_->signature();
  }

  ProgressPlan progress_plan() const override { return {"alphago-sl", "batches", steps_per_epoch_ * o_.epochs, 5.0}; }
  int64_t progress_done() const override { return steps_; }
  std::string progress_metric() const override {
    char buf[96];
    if (seen_ == 0) {
      if (std::isnan(test_accuracy_)) return "";
      std::snprintf(buf, sizeof buf, "held-out top-1 %.3f", test_accuracy_);
    } else {
      std::snprintf(buf, sizeof buf, "epoch %lld, train acc %.3f", static_cast<long long>(epoch_ + 1),
                    correct_ / seen_);
    }
    return buf;
  }
  std::vector<std::string> metric_columns() const override {
    return {"epoch",         "step",      "train_loss",      "train_accuracy", "test_loss",
            "test_accuracy", "positions", "positions_per_s", "wall_s"};
  }
  double metrics_position() const override { return static_cast<double>(epoch_); }

  StepStatus step(RunContext& /*run*/) override {
    const int64_t in_epoch = steps_ - epoch_ * steps_per_epoch_;
    if (order_epoch_ != epoch_) shuffle_epoch();
    const int64_t begin = in_epoch * o_.batch_size;
    const int64_t end = std::min<int64_t>(begin + o_.batch_size, static_cast<int64_t>(train_.size()));
    // Symmetries from (seed, step): a resumed run draws the same ones.
    Rng rng(seed_ * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(steps_) + 17);
    std::vector<const Position*> batch;
    std::vector<int> symmetries;
    for (int64_t i = begin; i < end; ++i) {
      batch.push_back(&train_[order_[static_cast<size_t>(i)]]);
      symmetries.push_back(static_cast<int>(rng() % 8));
    }
    torch::Tensor targets;
    const torch::Tensor x = encode(batch, symmetries, targets);
    net_->train();
    const torch::Tensor logits = net_->forward(x);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, targets);
    optimizer_->zero_grad();
    loss.backward();
    optimizer_->step();
    const auto n = static_cast<double>(batch.size());
    loss_sum_ += loss.item<double>() * n;
    correct_ += logits.argmax(1).eq(targets).sum().item<double>();
    seen_ += n;
    positions_ += static_cast<int64_t>(batch.size());
    ++steps_;
    if (steps_ == (epoch_ + 1) * steps_per_epoch_) {
      ++epoch_;
      epoch_ended_ = true;
    } else {
      epoch_ended_ = false;
    }
    return StepStatus::Completed;
  }

  bool evaluation_due() const override { return epoch_ended_; }
  void evaluate(RunContext& run) override {
    evaluate_test();
    const double seconds = clock_.seconds();
    run.log({{"epoch", static_cast<double>(epoch_)},
             {"step", static_cast<double>(steps_)},
             {"train_loss", seen_ ? loss_sum_ / seen_ : std::nan("")},
             {"train_accuracy", seen_ ? correct_ / seen_ : std::nan("")},
             {"test_loss", test_loss_},
             {"test_accuracy", test_accuracy_},
             {"positions", static_cast<double>(positions_)},
             {"positions_per_s", seconds > 0 ? (positions_ - start_positions_) / seconds : 0.0},
             {"wall_s", run.wall_seconds()}});
    char line[160];
    std::snprintf(line, sizeof line, "epoch %lld: train loss %.3f acc %.3f, held-out loss %.3f top-1 %.3f",
                  static_cast<long long>(epoch_), seen_ ? loss_sum_ / seen_ : 0.0, seen_ ? correct_ / seen_ : 0.0,
                  test_loss_, test_accuracy_);
    run.note(line);
    last_train_accuracy_ = seen_ ? correct_ / seen_ : std::nan("");
    loss_sum_ = correct_ = seen_ = 0;
  }

  bool checkpoint_due() const override { return epoch_ended_; }
  int64_t checkpoint_number() const override { return steps_; }
  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = kSlPolicyAlgorithm;
    h.env = "go" + std::to_string(o_.size);
    h.architecture = net_->signature();
    return h;
  }
  void save(CheckpointWriter& w) const override {
    w.header().counters["steps"] = steps_;
    w.header().counters["epoch"] = epoch_;
    w.header().counters["positions"] = positions_;
    w.add_module("policy", *net_);
    w.add_optimizer("optimizer", *optimizer_);
    w.add_tensor("running", torch::tensor({loss_sum_, correct_, seen_, test_accuracy_, test_loss_}, torch::kFloat64));
    w.add_torch_rng("torch_rng");
  }
  void load(CheckpointReader& r) override {
    steps_ = r.header().counter("steps");
    epoch_ = r.header().counter("epoch");
    positions_ = start_positions_ = r.header().counter("positions");
    r.load_module("policy", *net_);
    r.load_optimizer("optimizer", *optimizer_);
    const std::vector<double> running = r.doubles("running");
    TP_CHECK_AS(CheckpointError, running.size() == 5, "checkpoint '", r.path(), "': malformed running sums");
    loss_sum_ = running[0];
    correct_ = running[1];
    seen_ = running[2];
    test_accuracy_ = running[3];
    test_loss_ = running[4];
    r.load_torch_rng("torch_rng");
  }

  void steps_ended() override { train_seconds_ = clock_.seconds(); }
  std::string summary() const override {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "alphago-sl: %lld epochs, %lld positions trained (%.0f/s); held-out top-1 accuracy %.3f, loss %.3f "
                  "on %zu positions of %d games",
                  static_cast<long long>(epoch_), static_cast<long long>(positions_),
                  train_seconds_ > 0 ? (positions_ - start_positions_) / train_seconds_ : 0.0, test_accuracy_,
                  test_loss_, test_.size(), static_cast<int>(games_.split.test.size()));
    return buf;
  }
  void describe(Json& j) const override {
    j["algorithm"] = kSlPolicyAlgorithm;
    j["data"] = o_.data;
    j["features"] = o_.features;
    j["network"] = net_->signature();
    j["epochs"] = static_cast<long long>(epoch_);
    j["positions"] = static_cast<long long>(positions_);
    j["train_games"] = static_cast<long long>(games_.split.train.size());
    j["test_games"] = static_cast<long long>(games_.split.test.size());
    j["train_positions"] = static_cast<long long>(train_.size());
    j["test_positions"] = static_cast<long long>(test_.size());
    j["test_accuracy"] = test_accuracy_;
    j["test_loss"] = test_loss_;
    j["train_accuracy"] = last_train_accuracy_;
    j["train_seconds"] = train_seconds_;
  }

 private:
  void shuffle_epoch() {
    order_.resize(train_.size());
    std::iota(order_.begin(), order_.end(), size_t{0});
    Rng rng(seed_ * 0xD1B54A32D192ED03ULL + static_cast<uint64_t>(epoch_) + 1);
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng() % i]);
    order_epoch_ = epoch_;
  }

  // Planes (N, P, n, n) of the positions under their symmetries, and the expert's moves.
  torch::Tensor encode(const std::vector<const Position*>& batch, const std::vector<int>& symmetries,
                       torch::Tensor& targets) const {
    const int n = o_.size, area = n * n;
    const auto count = static_cast<int64_t>(batch.size());
    torch::Tensor x = torch::empty({count, planes_, n, n});
    targets = torch::empty({count}, torch::kLong);
    float* out = x.data_ptr<float>();
    int64_t* t = targets.data_ptr<int64_t>();
    std::vector<float> plain(static_cast<size_t>(planes_) * area);
    for (int64_t i = 0; i < count; ++i) {
      const Position& p = *batch[static_cast<size_t>(i)];
      const envs::go::GoState s = replay_sgf(*p.game, 1, p.move);
      float* dst = out + i * planes_ * area;
      const int k = symmetries[static_cast<size_t>(i)];
      if (k == 0) {
        encode_features(s, o_.feature_set(), false, dst);
      } else {
        encode_features(s, o_.feature_set(), false, plain.data());
        envs::transform_board_planes(k, planes_, n, n, plain.data(), dst);
      }
      t[i] = s.symmetry_action(k, p.game->moves[static_cast<size_t>(p.move)]);
    }
    return x;
  }

  void evaluate_test() {
    torch::NoGradGuard no_grad;
    net_->eval();
    double loss = 0, correct = 0;
    constexpr size_t kBatch = 512;
    for (size_t b = 0; b < test_.size(); b += kBatch) {
      std::vector<const Position*> batch;
      for (size_t i = b; i < std::min(test_.size(), b + kBatch); ++i) batch.push_back(&test_[i]);
      torch::Tensor targets;
      const torch::Tensor logits = net_->forward(encode(batch, std::vector<int>(batch.size(), 0), targets));
      loss += torch::nn::functional::cross_entropy(
                  logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                  .item<double>();
      correct += logits.argmax(1).eq(targets).sum().item<double>();
    }
    test_loss_ = loss / static_cast<double>(test_.size());
    test_accuracy_ = correct / static_cast<double>(test_.size());
  }

  SlPolicyOptions o_;
  uint64_t seed_;
  ExpertGames games_;
  std::vector<Position> train_, test_;
  int64_t planes_ = 0;
  nets::GoPolicyNet net_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  int64_t steps_per_epoch_ = 0;
  int64_t steps_ = 0, epoch_ = 0, positions_ = 0, start_positions_ = 0;
  bool epoch_ended_ = false;
  std::vector<size_t> order_;
  int64_t order_epoch_ = -1;
  double loss_sum_ = 0, correct_ = 0, seen_ = 0;
  double test_accuracy_ = std::nan(""), test_loss_ = std::nan(""), last_train_accuracy_ = std::nan("");
  double train_seconds_ = 0;
  Timer clock_;
};

}  // namespace

RunOutcome train_sl_policy(const SlPolicyOptions& options, RunSettings settings, uint64_t seed) {
  options.validate();
  SlPolicyRun run(options, seed);
  settings.algorithm = kSlPolicyAlgorithm;
  settings.env = "go" + std::to_string(options.size);
  if (!settings.quiet) std::fprintf(stderr, "%s\n", run.setup_line().c_str());
  return run_training(run, settings);
}

}  // namespace tp::agents::alphago
