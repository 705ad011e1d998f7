#include "agents/alphago/lee_agent.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "agents/agent_spec.h"
#include "agents/alphago/features.h"
#include "agents/alphago/policy_network.h"
#include "agents/alphago/rollout_training.h"
#include "agents/alphago/value_network.h"
#include "agents/alphazero/mcts.h"
#include "agents/alphazero/mcts_player.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/text.h"

namespace tp::agents::alphago {

using envs::go::GoState;

LeeAgentSpec parse_lee_spec(const std::string& text) {
  LeeAgentSpec spec;
  bool lambda_given = false;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    start = comma + 1;
    const size_t eq = item.find('=');
    TP_CHECK_AS(UsageError, eq != std::string::npos && eq > 0, "agent 'lee:", printable(text), "': '", printable(item),
                "' is not KEY=VALUE (keys: policy, rollout, value, lambda, simulations, c_puct, batch)");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "policy") {
      spec.policy = value;
    } else if (key == "rollout") {
      spec.rollout = value;
    } else if (key == "value") {
      spec.value = value;
    } else if (key == "lambda") {
      char* end = nullptr;
      spec.lambda = std::strtod(value.c_str(), &end);
      TP_CHECK_AS(UsageError, !value.empty() && end && *end == '\0' && spec.lambda >= 0 && spec.lambda <= 1,
                  "agent 'lee:", printable(text), "': lambda must be in [0, 1], not '", printable(value), "'");
      lambda_given = true;
    } else if (key == "simulations" || key == "c_puct" || key == "batch") {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      // Bounded before any conversion to int (a larger double would not fit).
      TP_CHECK_AS(UsageError,
                  !value.empty() && end && *end == '\0' && v > 0 && v <= 1e9 && (key == "c_puct" || v == std::floor(v)),
                  "agent 'lee:", printable(text), "': ", key, " must be a positive ",
                  key == "c_puct" ? "number" : "integer", ", not '", printable(value), "'");
      if (key == "c_puct")
        spec.c_puct = v;
      else if (key == "batch") {
        TP_CHECK_AS(UsageError, v <= kMaxLeafBatch, "agent 'lee:", printable(text), "': batch must be at most ",
                    kMaxLeafBatch, ", not ", printable(value));
        spec.batch = static_cast<int>(v);
      } else
        spec.simulations = static_cast<int>(v);
    } else {
      TP_THROW(UsageError, "agent 'lee:", printable(text), "': unknown key '", printable(key),
               "' (keys: policy, rollout, value, lambda, simulations, c_puct, batch)");
    }
  }
  TP_CHECK_AS(UsageError, !spec.policy.empty() && !spec.rollout.empty(), "agent 'lee:", printable(text),
              "' needs policy=SL_CHECKPOINT and rollout=ROLLOUT_CHECKPOINT");
  TP_CHECK_AS(UsageError, !lambda_given || !spec.value.empty(), "agent 'lee:", printable(text),
              "': lambda mixes a value network with the rollouts; give value=VALUE_CHECKPOINT too");
  return spec;
}

float mix_leaf_value(double lambda, float network_value, float rollout_value) {
  return static_cast<float>((1.0 - lambda) * network_value + lambda * rollout_value);
}

LeeEvaluator::LeeEvaluator(PolicyFn policy, ValueFn value, std::shared_ptr<const RolloutPolicy> rollout, double lambda,
                           uint64_t seed)
    : policy_(std::move(policy)), value_(std::move(value)), rollout_(std::move(rollout)), lambda_(lambda), rng_(seed) {
  TP_CHECK(lambda_ >= 0 && lambda_ <= 1, "lambda must be in [0, 1]");
  TP_CHECK(lambda_ == 1 || value_, "lambda < 1 needs a value network");
  TP_CHECK(lambda_ == 0 || rollout_, "lambda > 0 needs a rollout policy");
}

void LeeEvaluator::evaluate(const envs::GameState* const* states, int n, float* priors, float* values) {
  go_.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    go_[i] = dynamic_cast<const GoState*>(states[i]);
    TP_CHECK(go_[i] != nullptr, "AlphaGo evaluates Go positions only");
  }
  policy_(go_.data(), n, priors);
  network_values_.assign(static_cast<size_t>(n), 0.0f);
  if (lambda_ < 1) value_(go_.data(), n, network_values_.data());
  for (int i = 0; i < n; ++i) {
    float z = 0;
    if (lambda_ > 0) {
      z = rollout_->playout_outcome(*go_[i], rng_);
      ++playouts_;
    }
    values[i] = mix_leaf_value(lambda_, network_values_[i], z);
  }
}

namespace {

const GoState& as_go(const envs::GameState& state) {
  const auto* go = dynamic_cast<const GoState*>(&state);
  TP_CHECK_AS(UsageError, go != nullptr, "AlphaGo agents play Go, not ", state.info().name);
  return *go;
}

// The policy network as a batched function: planes of n positions in, softmax out.
LeeEvaluator::PolicyFn policy_function(PolicyNetwork sl, torch::Device device) {
  return [sl, device](const GoState* const* states, int n, float* priors) mutable {
    c10::InferenceMode guard;
    const int planes = sl.planes(), area = sl.size * sl.size;
    torch::Tensor x = torch::empty({n, planes, sl.size, sl.size});
    for (int i = 0; i < n; ++i)
      encode_features(*states[i], sl.features, false, x.data_ptr<float>() + i * planes * area);
    torch::Tensor logits = sl.net->forward(device == torch::kCPU ? x : x.to(device));
    const torch::Tensor p = torch::softmax(logits.to(torch::kFloat32), 1).to(torch::kCPU).contiguous();
    std::memcpy(priors, p.data_ptr<float>(), sizeof(float) * static_cast<size_t>(n) * (area + 1));
  };
}

// A policy network's (SL or RL) most probable legal move.
class PolicyNetworkPlayer final : public GamePlayer {
 public:
  PolicyNetworkPlayer(std::string name, LeeEvaluator::PolicyFn policy)
      : name_(std::move(name)), policy_(std::move(policy)) {}
  std::string name() const override { return name_; }
  envs::Action select_action(const envs::GameState& state) override {
    const GoState& go = as_go(state);
    if (const auto pass = winning_pass(go)) return *pass;
    probs_.resize(static_cast<size_t>(go.info().num_actions));
    const GoState* p = &go;
    policy_(&p, 1, probs_.data());
    envs::Action best = go.pass_action();
    float best_p = -1;
    for (envs::Action a = 0; a < go.info().num_actions; ++a)
      if (probs_[static_cast<size_t>(a)] > best_p && go.is_legal(a)) {
        best = a;
        best_p = probs_[static_cast<size_t>(a)];
      }
    return best;
  }

 private:
  std::string name_;
  LeeEvaluator::PolicyFn policy_;
  std::vector<float> probs_;
};

// The full agent: PUCT over a LeeEvaluator. One rule on top: after the opponent's pass, a
// pass that wins by the Tromp-Taylor count is played only when playouts agree that the
// position wins. Dead stones still on the board count for their owner in that count, but a
// controller's cleanup phase (KGS, `torchplay match`) or a careful opponent captures them;
// otherwise the agent plays on with the search's most visited move other than the pass.
class LeePlayer final : public GamePlayer {
 public:
  LeePlayer(std::shared_ptr<LeeEvaluator> evaluator, std::shared_ptr<const RolloutPolicy> rollout, MctsOptions o,
            uint64_t seed)
      : evaluator_(std::move(evaluator)), rollout_(std::move(rollout)), mcts_(o, seed), rng_(seed ^ 0xdeadULL) {}
  std::string name() const override { return "alphago-lee"; }
  void new_game() override { info_ = SearchInfo{}; }
  void set_move_time(double seconds) override { move_time_ = seconds; }
  const SearchInfo* last_search() const override { return &info_; }

  envs::Action select_action(const envs::GameState& state) override {
    const GoState& go = as_go(state);
    TP_CHECK(!go.is_terminal(), "alphago-lee asked to move in a finished game");
    const envs::Action pass = go.pass_action();
    const bool opponent_passed = !go.history().empty() && go.history().back() == pass;
    if (opponent_passed && winning_pass(go) && playouts_win(go)) {
      info_.value = 1.0;
      info_.visits.clear();
      return pass;
    }
    mcts_.sync(go);
    mcts_.search(*evaluator_, move_time_);
    info_.value = mcts_.root_value();
    mcts_.visit_counts(info_.visits);
    envs::Action a = mcts_.select_move(0.0);
    if (a == pass && opponent_passed) {
      int best = 0;
      for (envs::Action b = 0; b < pass; ++b)
        if (info_.visits[static_cast<size_t>(b)] > best && go.is_legal(b)) {
          best = info_.visits[static_cast<size_t>(b)];
          a = b;
        }
    }
    return a;
  }

 private:
  // Most of 64 playouts from here win for the side to move.
  bool playouts_win(const GoState& go) {
    constexpr int kPlayouts = 64;
    int wins = 0;
    for (int i = 0; i < kPlayouts; ++i) wins += rollout_->playout_outcome(go, rng_) > 0;
    return 2 * wins > kPlayouts;
  }

  std::shared_ptr<LeeEvaluator> evaluator_;
  std::shared_ptr<const RolloutPolicy> rollout_;
  Mcts mcts_;
  Rng rng_;
  SearchInfo info_;
  double move_time_ = 0;
};

}  // namespace

bool is_policy_checkpoint(const std::string& path) {
  return is_policy_algorithm(CheckpointReader::read_header(path).algorithm);
}

std::unique_ptr<GamePlayer> make_policy_player(const std::string& path, const envs::GameState& game,
                                               const std::string& device) {
  const torch::Device d(device);
  return std::make_unique<PolicyNetworkPlayer>("alphago-policy(" + path + ")",
                                               policy_function(load_policy_network(path, d, as_go(game).size()), d));
}

std::unique_ptr<GamePlayer> make_lee_player(const LeeAgentSpec& spec, const envs::GameState& game, uint64_t seed,
                                            const std::string& device, int simulations) {
  const GoState& go = as_go(game);
  const torch::Device d(device);
  const std::string policy_path = agent_checkpoint(spec.policy, {});
  const std::string rollout_path = agent_checkpoint(spec.rollout, {});
  auto rollout = std::make_shared<const RolloutPolicy>(load_rollout_policy(rollout_path));
  LeeEvaluator::ValueFn value;
  if (!spec.value.empty()) value = load_value_function(agent_checkpoint(spec.value, {}), go.size(), device);
  auto evaluator = std::make_shared<LeeEvaluator>(policy_function(load_policy_network(policy_path, d, go.size()), d),
                                                  value, rollout, value ? spec.lambda : 1.0, seed ^ 0x1ee5eedULL);
  MctsOptions o;
  o.simulations = simulations > 0 ? simulations : spec.simulations;
  o.c_puct = spec.c_puct;
  o.leaf_batch = spec.batch;
  return std::make_unique<LeePlayer>(std::move(evaluator), std::move(rollout), o, seed);
}

}  // namespace tp::agents::alphago
