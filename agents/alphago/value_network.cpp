#include "agents/alphago/value_network.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <vector>

#include "agents/agent_spec.h"
#include "agents/alphago/features.h"
#include "agents/alphago/policy_games.h"
#include "agents/alphago/policy_network.h"
#include "agents/alphago/rollout_training.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/text.h"
#include "envs/games/board_util.h"
#include "nets/go_value.h"
#include "nets/optimizer.h"

namespace tp::agents::alphago {

using envs::go::GoState;

void ValueNetworkOptions::bind(OptionSet& set) {
  set.add("policy", &policy, "the self-play policy: an alphago-rl (or alphago-sl) checkpoint or run directory")
      .add("rollout", &rollout, "an alphago-rollout checkpoint or run: the MSE of its playouts as a baseline")
      .add("games", &games, "self-play games, one position from each")
      .add("batch-games", &batch_games, "games played in parallel")
      .add("filters", &filters, "convolution filters (k)")
      .add("layers", &layers, "convolutions before the 1x1 layer")
      .add("epochs", &epochs, "passes over the training positions")
      .add("batch-size", &batch_size, "positions per minibatch")
      .add("lr", &lr, "Adam learning rate")
      .add("test-fraction", &test_fraction, "share of the positions (games) held out")
      .add("komi", &komi, "komi of the self-play games");
}

void ValueNetworkOptions::validate() const {
  TP_CHECK_AS(UsageError, !policy.empty(), "--policy is required (an alphago-rl or alphago-sl checkpoint)");
  TP_CHECK_AS(UsageError, games >= 10 && batch_games >= 1, "--games must be >= 10 and --batch-games >= 1");
  TP_CHECK_AS(UsageError, filters >= 1 && layers >= 1, "--filters and --layers must be >= 1");
  TP_CHECK_AS(UsageError, epochs >= 1 && batch_size >= 1, "--epochs and --batch-size must be >= 1");
  TP_CHECK_AS(UsageError, lr > 0 && std::isfinite(lr), "--lr must be > 0");
  TP_CHECK_AS(UsageError, test_fraction > 0 && test_fraction < 1, "--test-fraction must be in (0, 1)");
  TP_CHECK_AS(UsageError, std::isfinite(komi), "--komi must be a number");
}

namespace {

constexpr int64_t kValuePlanes = 49;

class ValueRun final : public TrainingAlgorithm {
 public:
  ValueRun(const ValueNetworkOptions& o, uint64_t seed) : o_(o), seed_(seed) {
    policy_path_ = agent_checkpoint(o_.policy, {});
    policy_ = load_policy_network(policy_path_, torch::kCPU);
    if (!o_.rollout.empty()) rollout_ = load_rollout_policy(agent_checkpoint(o_.rollout, {}));
    params_.size = policy_.size;
    params_.komi = o_.komi;
    params_.history = 1;
    area_ = policy_.size * policy_.size;
    net_ = nets::GoValueNet(
        nets::GoValueNetOptions().planes(kValuePlanes).size(policy_.size).filters(o_.filters).layers(o_.layers));
    nets::OptimizerOptions opt;
    opt.name = "adam";
    opt.lr = o_.lr;
    optimizer_ = nets::make_optimizer(net_->parameters(), opt);
    generation_steps_ = (o_.games + o_.batch_games - 1) / o_.batch_games;
  }

  int size() const { return policy_.size; }
  std::string setup_line() const {
    return "alphago-value: " + std::to_string(o_.games) + " self-play games of " + policy_path_ + ", network " +
           net_->signature();
  }

  ProgressPlan progress_plan() const override { return {"alphago-value", "steps", generation_steps_ + o_.epochs, 5.0}; }
  int64_t progress_done() const override { return steps_; }
  std::string progress_metric() const override {
    if (steps_ < generation_steps_) return std::to_string(z_.size()) + " positions";
    if (std::isnan(test_mse_)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "held-out MSE %.3f", test_mse_);
    return buf;
  }
  std::vector<std::string> metric_columns() const override {
    return {"epoch", "train_mse", "test_mse", "rollout_mse", "positions", "wall_s"};
  }
  double metrics_position() const override { return static_cast<double>(epoch_); }

  StepStatus step(RunContext& /*run*/) override {
    epoch_ended_ = false;
    if (steps_ < generation_steps_) {
      generate();
      if (++steps_ == generation_steps_) finish_generation();
      return StepStatus::Completed;
    }
    train_epoch();
    ++epoch_;
    ++steps_;
    epoch_ended_ = true;
    return StepStatus::Completed;
  }

  bool evaluation_due() const override { return epoch_ended_; }
  void evaluate(RunContext& run) override {
    test_mse_ = mse(test_);
    run.log({{"epoch", static_cast<double>(epoch_)},
             {"train_mse", train_mse_},
             {"test_mse", test_mse_},
             {"rollout_mse", rollout_mse_},
             {"positions", static_cast<double>(z_.size())},
             {"wall_s", run.wall_seconds()}});
    char line[160];
    std::snprintf(line, sizeof line, "epoch %lld: train MSE %.3f, held-out MSE %.3f (rollouts %.3f)",
                  static_cast<long long>(epoch_), train_mse_, test_mse_, rollout_mse_);
    run.note(line);
  }

  bool checkpoint_due() const override { return epoch_ended_; }
  int64_t checkpoint_number() const override { return steps_; }
  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = kValueNetworkAlgorithm;
    h.env = "go" + std::to_string(policy_.size);
    h.architecture = net_->signature();
    return h;
  }
  void save(CheckpointWriter& w) const override {
    w.header().counters["steps"] = steps_;
    w.header().counters["epoch"] = epoch_;
    w.add_module("value", *net_);
    w.add_optimizer("optimizer", *optimizer_);
    const auto n = static_cast<int64_t>(z_.size());
    w.add_tensor(
        "planes",
        torch::from_blob(const_cast<uint8_t*>(planes_.data()), {n, kValuePlanes * area_}, torch::kUInt8).clone());
    w.add_tensor("z", torch::tensor(z_, torch::kFloat32));
    std::vector<int64_t> test(test_.begin(), test_.end());
    w.add_tensor("test", torch::tensor(test, torch::kInt64));
    w.add_tensor("running", torch::tensor({train_mse_, test_mse_, rollout_mse_}, torch::kFloat64));
  }
  void load(CheckpointReader& r) override {
    steps_ = r.header().counter("steps");
    epoch_ = r.header().counter("epoch");
    r.load_module("value", *net_);
    r.load_optimizer("optimizer", *optimizer_);
    const torch::Tensor planes = r.tensor("planes").contiguous();
    const torch::Tensor z = r.tensor("z").to(torch::kFloat32).contiguous();
    const torch::Tensor test = r.tensor("test").to(torch::kInt64).contiguous();
    TP_CHECK_AS(CheckpointError,
                planes.scalar_type() == torch::kUInt8 && planes.dim() == 2 && planes.size(1) == kValuePlanes * area_ &&
                    z.dim() == 1 && z.size(0) == planes.size(0),
                "checkpoint '", r.path(), "': malformed value positions");
    planes_.assign(planes.data_ptr<uint8_t>(), planes.data_ptr<uint8_t>() + planes.numel());
    z_.assign(z.data_ptr<float>(), z.data_ptr<float>() + z.numel());
    test_.clear();
    train_.clear();
    std::vector<char> held(z_.size(), 0);
    for (int64_t i = 0; i < test.numel(); ++i) {
      const int64_t k = test.data_ptr<int64_t>()[i];
      TP_CHECK_AS(CheckpointError, k >= 0 && k < static_cast<int64_t>(z_.size()), "checkpoint '", r.path(),
                  "': malformed held-out index");
      held[static_cast<size_t>(k)] = 1;
      test_.push_back(static_cast<size_t>(k));
    }
    for (size_t i = 0; i < z_.size(); ++i)
      if (!held[i]) train_.push_back(i);
    const std::vector<double> running = r.doubles("running");
    TP_CHECK_AS(CheckpointError, running.size() == 3, "checkpoint '", r.path(), "': malformed running values");
    train_mse_ = running[0];
    test_mse_ = running[1];
    rollout_mse_ = running[2];
  }

  std::string summary() const override {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "alphago-value: %zu positions from as many games (%zu held out), %lld epochs; held-out MSE %.3f "
                  "(train %.3f); one rollout per position: MSE %.3f",
                  z_.size(), test_.size(), static_cast<long long>(epoch_), test_mse_, train_mse_, rollout_mse_);
    return buf;
  }
  void describe(Json& j) const override {
    j["algorithm"] = kValueNetworkAlgorithm;
    j["policy"] = policy_path_;
    j["network"] = net_->signature();
    j["positions"] = static_cast<long long>(z_.size());
    j["test_positions"] = static_cast<long long>(test_.size());
    j["epochs"] = static_cast<long long>(epoch_);
    j["test_mse"] = test_mse_;
    j["train_mse"] = train_mse_;
    if (!std::isnan(rollout_mse_)) j["rollout_mse"] = rollout_mse_;
  }

 private:
  // One batch of self-play games; one position of each, drawn uniformly (reservoir sampling).
  void generate() {
    const int first = static_cast<int>(steps_) * o_.batch_games;
    const int n = std::min(o_.batch_games, o_.games - first);
    Rng rng(seed_ * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(steps_) + 5);
    std::vector<GoState> chosen(static_cast<size_t>(n), GoState(params_));
    std::vector<int> seen(static_cast<size_t>(n), 0);
    const std::vector<double> results =
        play_policy_games(policy_, policy_, n, params_, rng, [&](const PolicyGameMove& m) {
          const auto g = static_cast<size_t>(m.game);
          if (rng.below(static_cast<uint64_t>(++seen[g])) == 0) chosen[g] = *m.state;
        });
    std::vector<float> planes(static_cast<size_t>(kValuePlanes * area_));
    for (int g = 0; g < n; ++g) {
      const GoState& s = chosen[static_cast<size_t>(g)];
      const int a_player = g % 2 == 0 ? 0 : 1;  // results are side a's, Black in even games
      const double z =
          s.current_player() == a_player ? results[static_cast<size_t>(g)] : -results[static_cast<size_t>(g)];
      encode_features(s, FeatureSet::kFull, true, planes.data());
      for (float p : planes) planes_.push_back(static_cast<uint8_t>(p > 0.5f));
      const size_t index = z_.size();
      z_.push_back(static_cast<float>(z));
      // Held out by a hash of the game's number, so the split does not depend on batching.
      Rng pick(seed_ ^ (0xC0FFEEULL + static_cast<uint64_t>(first + g) * 0x9E3779B97F4A7C15ULL));
      if (pick.uniform() < o_.test_fraction) {
        test_.push_back(index);
        if (rollout_) test_states_.push_back(s);
      } else {
        train_.push_back(index);
      }
    }
  }

  void finish_generation() {
    TP_CHECK_AS(UsageError, !train_.empty() && !test_.empty(), "--games ", o_.games,
                " leave no training or no held-out position (more games, or another --test-fraction)");
    if (!rollout_) return;
    Rng rng(seed_ + 77);
    double sum = 0;
    for (size_t i = 0; i < test_states_.size(); ++i) {
      const GoState& s = test_states_[i];
      const double d = rollout_->playout_outcome(s, rng) - z_[test_[i]];
      sum += d * d;
    }
    rollout_mse_ = sum / static_cast<double>(test_states_.size());
    test_states_.clear();
  }

  torch::Tensor batch_planes(const std::vector<size_t>& idx, size_t begin, size_t end, Rng* rng) const {
    const int size = policy_.size;
    const auto count = static_cast<int64_t>(end - begin);
    torch::Tensor x = torch::empty({count, kValuePlanes, size, size});
    std::vector<float> plain(static_cast<size_t>(kValuePlanes * area_));
    for (size_t i = begin; i < end; ++i) {
      const uint8_t* src = planes_.data() + idx[i] * static_cast<size_t>(kValuePlanes * area_);
      for (size_t k = 0; k < plain.size(); ++k) plain[k] = src[k];
      float* dst = x.data_ptr<float>() + static_cast<int64_t>(i - begin) * kValuePlanes * area_;
      const int sym = rng ? static_cast<int>((*rng)() % 8) : 0;
      envs::transform_board_planes(sym, static_cast<int>(kValuePlanes), size, size, plain.data(), dst);
    }
    return x;
  }

  torch::Tensor batch_z(const std::vector<size_t>& idx, size_t begin, size_t end) const {
    std::vector<float> z;
    for (size_t i = begin; i < end; ++i) z.push_back(z_[idx[i]]);
    return torch::tensor(z);
  }

  void train_epoch() {
    std::vector<size_t> order = train_;
    Rng rng(seed_ * 0xD1B54A32D192ED03ULL + static_cast<uint64_t>(epoch_) + 1);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    net_->train();
    double sum = 0;
    for (size_t b = 0; b < order.size(); b += static_cast<size_t>(o_.batch_size)) {
      const size_t e = std::min(order.size(), b + static_cast<size_t>(o_.batch_size));
      const torch::Tensor loss = torch::mse_loss(net_->forward(batch_planes(order, b, e, &rng)), batch_z(order, b, e));
      optimizer_->zero_grad();
      loss.backward();
      optimizer_->step();
      sum += loss.item<double>() * static_cast<double>(e - b);
    }
    train_mse_ = sum / static_cast<double>(order.size());
  }

  double mse(const std::vector<size_t>& idx) {
    torch::NoGradGuard no_grad;
    net_->eval();
    double sum = 0;
    for (size_t b = 0; b < idx.size(); b += 512) {
      const size_t e = std::min(idx.size(), b + 512);
      sum += torch::mse_loss(net_->forward(batch_planes(idx, b, e, nullptr)), batch_z(idx, b, e), torch::Reduction::Sum)
                 .item<double>();
    }
    return sum / static_cast<double>(idx.size());
  }

  ValueNetworkOptions o_;
  uint64_t seed_;
  std::string policy_path_;
  PolicyNetwork policy_;
  std::optional<RolloutPolicy> rollout_;
  envs::go::GoParams params_;
  int64_t area_ = 0;
  nets::GoValueNet net_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  int64_t generation_steps_ = 0, steps_ = 0, epoch_ = 0;
  bool epoch_ended_ = false;
  std::vector<uint8_t> planes_;
  std::vector<float> z_;
  std::vector<size_t> train_, test_;
  std::vector<GoState> test_states_;
  double train_mse_ = std::nan(""), test_mse_ = std::nan(""), rollout_mse_ = std::nan("");
};

}  // namespace

RunOutcome train_value_network(const ValueNetworkOptions& options, RunSettings settings, uint64_t seed) {
  options.validate();
  ValueRun run(options, seed);
  settings.algorithm = kValueNetworkAlgorithm;
  settings.env = "go" + std::to_string(run.size());
  if (!settings.quiet) std::fprintf(stderr, "%s\n", run.setup_line().c_str());
  return run_training(run, settings);
}

ValueFunction load_value_function(const std::string& path, int size, const std::string& device) {
  CheckpointReader reader(path);
  reader.expect(kValueNetworkAlgorithm);
  const std::string& arch = reader.header().architecture;
  int planes = 0, board = 0, filters = 0, layers = 0, hidden = 0;
  char tail = 0;
  TP_CHECK_AS(CheckpointError,
              std::sscanf(arch.c_str(), "govalue:p%d:s%d:k%d:l%d:h%d%c", &planes, &board, &filters, &layers, &hidden,
                          &tail) == 5 &&
                  planes == kValuePlanes && filters > 0 && layers > 0 && hidden > 0,
              "checkpoint '", path, "': unknown value network '", printable(arch), "'");
  TP_CHECK_AS(CheckpointError, board == size, "checkpoint '", path, "' plays ", board, "x", board, " Go, not ", size,
              "x", size);
  nets::GoValueNet net(
      nets::GoValueNetOptions().planes(planes).size(board).filters(filters).layers(layers).hidden(hidden));
  reader.load_module("value", *net);
  net->eval();
  const torch::Device d(device);
  net->to(d);
  return [net, d, board](const GoState* const* states, int n, float* values) mutable {
    c10::InferenceMode guard;
    const int64_t floats = kValuePlanes * board * board;
    torch::Tensor x = torch::empty({n, kValuePlanes, board, board});
    for (int i = 0; i < n; ++i) encode_features(*states[i], FeatureSet::kFull, true, x.data_ptr<float>() + i * floats);
    const torch::Tensor v =
        net->forward(d == torch::kCPU ? x : x.to(d)).to(torch::kCPU).to(torch::kFloat32).contiguous();
    std::copy(v.data_ptr<float>(), v.data_ptr<float>() + n, values);
  };
}

}  // namespace tp::agents::alphago
