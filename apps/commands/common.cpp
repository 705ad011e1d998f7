#include <cstdio>
#include <iostream>

#include "agents/agent_spec.h"
#include "apps/commands.h"

namespace tp::app {

Args with_agent_target(const Args& args) {
  const OptionSet target("target");
  if (target.peek(args, "game") || target.peek(args, "env") || target.peek(args, "model")) return args;
  const auto agent = target.peek(args, "agent");
  if (!agent) return args;
  const auto t = agents::agent_target(*agent);
  if (!t) return args;
  const bool game = t->kind == agents::AgentTarget::Kind::kGame;
  Args out = args;
  out.insert(out.end(), {game ? "--game" : "--env", t->name});
  const std::string options_key = game ? "game-options" : "env-options";
  if (!t->options.empty() && !target.peek(args, options_key)) out.insert(out.end(), {"--" + options_key, t->options});
  return out;
}

void print_json_line(const std::string& json) { std::cout << json << std::endl; }

int print_run_outcome(const RunOutcome& outcome, const CommonOptions& common) {
  if (!common.quiet) std::cout << outcome.summary << "\nrun: " << outcome.run_dir << "\n";
  if (common.json) print_json_line(outcome.result.dump());
  return outcome.exit_code();
}

}  // namespace tp::app
