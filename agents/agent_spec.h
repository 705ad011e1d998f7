#pragma once
// The checkpoint an --agent word names when it is not a built-in player: a checkpoint file, a
// run directory (its newest checkpoint, as --resume picks it) or a shipped model's short name
// (models/README.md); and what that checkpoint plays, so commands need no --game or --env.
#include <optional>
#include <string>
#include <vector>

namespace tp {
class CheckpointReader;
}

namespace tp::agents {

// The checkpoint file `spec` names. A UsageError otherwise: "no such checkpoint file" for a
// path that does not exist, "run directory ... has no checkpoint yet" for a run without one,
// and for a bare word "unknown agent" with the built-in players (`builtins`, e.g. "random",
// "mcts:N") and the shipped models, and the closest one as a hint.
std::string agent_checkpoint(const std::string& spec, const std::vector<std::string>& builtins);

// What a checkpoint agent plays: a board game (AlphaZero) or a single-agent env (DQN, PPO,
// A2C, A3C), with the settings it was trained with.
struct AgentTarget {
  enum class Kind { kGame, kEnv };
  Kind kind = Kind::kGame;
  std::string name;     // "connect4", "CartPole-v1"
  std::string options;  // "size=5,komi=0.5", "sticky_action_prob=0"
};
// The target of the checkpoint `spec` names (as agent_checkpoint resolves it); nullopt for a
// built-in player, a generative model or a word that names nothing.
std::optional<AgentTarget> agent_target(const std::string& spec);
// The same for a checkpoint already open (torchplay export: no second read of the file).
std::optional<AgentTarget> agent_target(CheckpointReader& reader);

}  // namespace tp::agents
