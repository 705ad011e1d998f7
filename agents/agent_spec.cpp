#include "agents/agent_spec.h"

#include <filesystem>

#include "agents/alphago/lee_agent.h"
#include "agents/alphago/policy_network.h"
#include "agents/alphazero/model.h"
#include "agents/dqn/dqn_policy.h"
#include "agents/policy_gradient/pg_options.h"
#include "agents/pqn/pqn_options.h"
#include "agents/r2d2/r2d2_options.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/options.h"
#include "core/shipped_models.h"
#include "core/text.h"

namespace tp::agents {

std::string agent_checkpoint(const std::string& spec, const std::vector<std::string>& builtins) {
  std::error_code ec;
  if (std::filesystem::is_directory(spec, ec)) {
    const auto newest = CheckpointStore(spec + "/checkpoints", 1).latest();
    TP_CHECK_AS(UsageError, newest.has_value(), "run directory '", printable(spec, 200), "' has no checkpoint yet");
    return *newest;
  }
  if (std::filesystem::is_regular_file(spec, ec)) return spec;
  if (const auto shipped = shipped_model(spec)) return *shipped;
  // A path (or a checkpoint's name) that is not there, as opposed to a mistyped player name.
  const bool looks_like_a_path = spec.find('/') != std::string::npos || spec.find(".tpck") != std::string::npos;
  TP_CHECK_AS(UsageError, !looks_like_a_path, "no such checkpoint file or run directory '", printable(spec, 200), "'");
  std::vector<std::string> names;
  std::string known;
  for (const std::string& b : builtins) {
    names.push_back(b.substr(0, b.find(':')));
    known += b + ", ";
  }
  const std::vector<std::string> shipped = shipped_model_names();
  names.insert(names.end(), shipped.begin(), shipped.end());
  const std::string models = shipped.empty() ? "" : "a shipped model (" + join(shipped, ", ") + "), ";
  TP_THROW(UsageError, "unknown agent '", printable(spec, 200), "'",
           did_you_mean(spec.substr(0, spec.find(':')), names), " (expected ", known, models,
           "a checkpoint file or a run directory)");
}

namespace {
std::string config_value(const CheckpointHeader& header, const std::string& key, const std::string& path) {
  for (const IniLine& line : parse_ini(header.config, "the config of " + path))
    if (line.key == key) return line.value;
  return "";
}

// An env agent's target is in the header; a game agent's needs its player entry.
bool plays_an_env(const CheckpointHeader& header) {
  return header.algorithm == dqn::kDqnAlgorithm || header.algorithm == pqn::kPqnAlgorithm ||
         header.algorithm == r2d2::kR2d2Algorithm || pg::is_policy_gradient_algorithm(header.algorithm);
}

// An AlphaGo policy network plays Go of the size in its env ("go9").
std::optional<AgentTarget> policy_target(const CheckpointHeader& header) {
  if (!alphago::is_policy_algorithm(header.algorithm) || header.env.rfind("go", 0) != 0) return std::nullopt;
  return AgentTarget{AgentTarget::Kind::kGame, "go", "size=" + header.env.substr(2)};
}

AgentTarget env_target(const CheckpointHeader& header, const std::string& path) {
  return {AgentTarget::Kind::kEnv, header.env, config_value(header, "env-options", path)};
}
}  // namespace

std::optional<AgentTarget> agent_target(const std::string& spec) {
  // The AlphaGo-Lee agent plays what its policy network plays.
  if (spec.rfind("lee:", 0) == 0) {
    try {
      return agent_target(alphago::parse_lee_spec(spec.substr(4)).policy);
    } catch (const UsageError&) {
      return std::nullopt;  // the command that makes the player reports the mistake
    }
  }
  std::string path;
  try {
    path = agent_checkpoint(spec, {});
  } catch (const UsageError&) {
    return std::nullopt;  // a built-in player or a mistake, which the command itself reports
  }
  // The header alone answers for env agents: the whole file is read only for a game agent.
  const CheckpointHeader header = CheckpointReader::read_header(path);
  if (plays_an_env(header)) return env_target(header, path);
  if (const auto policy = policy_target(header)) return policy;
  if (header.algorithm != kAlphaZeroAlgorithm) return std::nullopt;
  CheckpointReader reader(path);
  return agent_target(reader);
}

std::optional<AgentTarget> agent_target(CheckpointReader& reader) {
  const CheckpointHeader& header = reader.header();
  if (plays_an_env(header)) return env_target(header, reader.path());
  if (const auto policy = policy_target(header)) return policy;
  if (header.algorithm != kAlphaZeroAlgorithm) return std::nullopt;
  const AlphaZeroModelInfo info = AlphaZeroModelInfo::from_json(reader.bytes(kAlphaZeroPlayerEntry), reader.path());
  return AgentTarget{AgentTarget::Kind::kGame, info.game, info.game_options};
}

}  // namespace tp::agents
