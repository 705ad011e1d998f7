#include "agents/agent_spec.h"

#include <filesystem>

#include "core/checkpoint.h"
#include "core/error.h"
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
  // A path (or a checkpoint's name) that is not there, as opposed to a mistyped player name.
  const bool looks_like_a_path = spec.find('/') != std::string::npos || spec.find(".tpck") != std::string::npos;
  TP_CHECK_AS(UsageError, !looks_like_a_path, "no such checkpoint file or run directory '", printable(spec, 200), "'");
  std::vector<std::string> names;
  std::string known;
  for (const std::string& b : builtins) {
    names.push_back(b.substr(0, b.find(':')));
    known += b + ", ";
  }
  TP_THROW(UsageError, "unknown agent '", printable(spec, 200), "'",
           did_you_mean(spec.substr(0, spec.find(':')), names), " (expected ", known,
           "a checkpoint file or a run directory)");
}

}  // namespace tp::agents
