#pragma once
// Env registry: names ("CartPole-v1", "MinAtar/Breakout-v1", ...) to factories. Built by an
// explicit function (no static self-registration, no global state): callers own it.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "envs/env.h"

namespace tp::envs {

// Optional per-env settings given as key=value (e.g. sticky_action_prob=0; difficulty_ramping=false).
using EnvKwargs = std::map<std::string, std::string>;

struct EnvSpec {
  std::string id;
  std::string description;
  std::function<std::unique_ptr<Env>(const EnvKwargs&)> make;
};

class EnvRegistry {
 public:
  void add(EnvSpec spec);
  // Throws UsageError listing the known names when `id` is unknown. Every env also takes
  // frame_stack=k: its last k observations stacked (envs/wrappers/frame_stack.h).
  std::unique_ptr<Env> make(const std::string& id, const EnvKwargs& kwargs = {}) const;
  bool contains(const std::string& id) const;
  std::vector<std::string> ids() const;  // registration order
  const EnvSpec& spec(const std::string& id) const;

 private:
  std::vector<EnvSpec> specs_;
};

// The registry with every environment torchplay ships.
EnvRegistry make_env_registry();

// Parses "k=v,k2=v2" into kwargs (UsageError on a malformed item).
EnvKwargs parse_env_kwargs(const std::string& text);
// Reads a kwarg with a default; UsageError naming the key on a bad value. Envs call
// `check_known_kwargs` so a misspelt key is an error, never silently ignored.
double kwarg_double(const EnvKwargs& kw, const std::string& key, double fallback);
bool kwarg_bool(const EnvKwargs& kw, const std::string& key, bool fallback);
void check_known_kwargs(const EnvKwargs& kw, const std::vector<std::string>& known, const std::string& env_id);

}  // namespace tp::envs
