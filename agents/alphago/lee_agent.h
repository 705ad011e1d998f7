#pragma once
// Stage 5 of AlphaGo (Lee): the players the pipeline's checkpoints make. A policy network
// alone (SL or RL) plays its most probable legal move (no search). The full agent searches with PUCT
// (agents/alphazero/mcts.h): the SL policy's softmax gives the priors, and each leaf is
// valued by (1 - lambda) * value network + lambda * the outcome of one rollout-policy
// playout (Silver et al. 2016, "Searching with policy and value networks"); without a value
// network lambda is 1 (rollouts alone).
//
// Agent specs (agents/game_player_factory.h): an alphago-sl or alphago-rl checkpoint or run
// directory (the policy alone), or
//   lee:policy=SL,rollout=ROLLOUT[,value=VALUE][,lambda=0.5][,simulations=N][,c_puct=C][,batch=B]
// where SL, ROLLOUT and VALUE are checkpoint files or run directories.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/alphago/rollout_policy.h"
#include "agents/alphazero/evaluator.h"
#include "agents/game_player.h"
#include "envs/games/go/go_state.h"

namespace tp::agents::alphago {

struct LeeAgentSpec {
  std::string policy, rollout;  // checkpoints
  std::string value;            // a value-network checkpoint ("": none, lambda 1)
  double lambda = 0.5;          // the paper's mixing constant, used with a value network
  int simulations = 800;        // per move (GTP/eval --simulations overrides; a time budget stops sooner)
  double c_puct = 5.0;          // the paper's exploration constant
  int batch = 8;                // leaves per network call (Mcts leaf_batch, virtual loss 3)
};

// Parses the text after "lee:"; UsageError naming the problem.
LeeAgentSpec parse_lee_spec(const std::string& text);

// The value a leaf backs up, from the side to move's view: (1 - lambda) * network + lambda *
// rollout, each in [-1, 1].
float mix_leaf_value(double lambda, float network_value, float rollout_value);

// Priors from a policy function (softmax over the legal moves is MCTS's job), leaf values
// mixed from a value function and one playout each. `value` may be empty (then lambda must
// be 1) and `rollout` null (then lambda must be 0).
class LeeEvaluator final : public Evaluator {
 public:
  // policy(states, n, priors): n positions' move probabilities over size^2 + 1 actions.
  using PolicyFn = std::function<void(const envs::go::GoState* const*, int, float*)>;
  using ValueFn = std::function<void(const envs::go::GoState* const*, int, float*)>;
  LeeEvaluator(PolicyFn policy, ValueFn value, std::shared_ptr<const RolloutPolicy> rollout, double lambda,
               uint64_t seed);
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override;
  int64_t playouts() const { return playouts_; }

 private:
  PolicyFn policy_;
  ValueFn value_;
  std::shared_ptr<const RolloutPolicy> rollout_;
  double lambda_;
  Rng rng_;
  std::vector<const envs::go::GoState*> go_;
  std::vector<float> network_values_;
  int64_t playouts_ = 0;
};

// True when the checkpoint `path` holds a policy network (SL or RL).
bool is_policy_checkpoint(const std::string& path);

// A policy network alone (SL or RL), playing its most probable legal move; CheckpointError
// for a checkpoint of another kind or board size than `game`.
std::unique_ptr<GamePlayer> make_policy_player(const std::string& path, const envs::GameState& game,
                                               const std::string& device);
// The full agent. `simulations` > 0 overrides the spec's.
std::unique_ptr<GamePlayer> make_lee_player(const LeeAgentSpec& spec, const envs::GameState& game, uint64_t seed,
                                            const std::string& device, int simulations);

}  // namespace tp::agents::alphago
