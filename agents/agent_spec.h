#pragma once
// The checkpoint an --agent word names when it is not a built-in player: a checkpoint file, or
// a run directory (its newest checkpoint, as --resume picks it).
#include <string>
#include <vector>

namespace tp::agents {

// The checkpoint file `spec` names. A UsageError otherwise: "no such checkpoint file" for a
// path that does not exist, "run directory ... has no checkpoint yet" for a run without one,
// and for a bare word "unknown agent" with the built-in players (`builtins`, e.g. "random",
// "mcts:N") and the closest one as a hint.
std::string agent_checkpoint(const std::string& spec, const std::vector<std::string>& builtins);

}  // namespace tp::agents
