#include "envs/registry.h"

#include <cstdlib>
#include <sstream>

#include "core/error.h"
#include "core/text.h"
#include "envs/wrappers/frame_stack.h"

namespace tp::envs {

void EnvRegistry::add(EnvSpec spec) {
  TP_CHECK(!contains(spec.id), "env '", spec.id, "' registered twice");
  specs_.push_back(std::move(spec));
}

bool EnvRegistry::contains(const std::string& id) const {
  for (const auto& s : specs_)
    if (s.id == id) return true;
  return false;
}

const EnvSpec& EnvRegistry::spec(const std::string& id) const {
  for (const auto& s : specs_)
    if (s.id == id) return s;
  std::string known;
  std::vector<std::string> ids;
  for (const auto& s : specs_) {
    known += (known.empty() ? "" : ", ") + s.id;
    ids.push_back(s.id);
  }
  TP_THROW(UsageError, "unknown env '", printable(id), "'", did_you_mean(id, ids), " (known: ", known, ")");
}

std::unique_ptr<Env> EnvRegistry::make(const std::string& id, const EnvKwargs& kwargs) const {
  const auto stack = kwargs.find("frame_stack");
  if (stack == kwargs.end()) return spec(id).make(kwargs);
  const double k = kwarg_double(kwargs, "frame_stack", 1);
  TP_CHECK_AS(UsageError, k >= 1 && k <= 64 && k == static_cast<int>(k),
              "env option frame_stack needs a whole number in [1, 64], got '", stack->second, "'");
  EnvKwargs rest = kwargs;
  rest.erase("frame_stack");
  auto env = spec(id).make(rest);
  if (k == 1) return env;
  return std::make_unique<FrameStack>(std::move(env), static_cast<int>(k));
}

std::vector<std::string> EnvRegistry::ids() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) out.push_back(s.id);
  return out;
}

EnvKwargs parse_env_kwargs(const std::string& text) {
  EnvKwargs kw;
  if (text.empty()) return kw;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const size_t eq = item.find('=');
    TP_CHECK_AS(UsageError, eq != std::string::npos && eq > 0, "malformed env option '", item,
                "' (expected key=value)");
    kw[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return kw;
}

double kwarg_double(const EnvKwargs& kw, const std::string& key, double fallback) {
  auto it = kw.find(key);
  if (it == kw.end()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  TP_CHECK_AS(UsageError, end && *end == '\0' && !it->second.empty(), "env option '", key, "' needs a number, got '",
              it->second, "'");
  return v;
}

bool kwarg_bool(const EnvKwargs& kw, const std::string& key, bool fallback) {
  auto it = kw.find(key);
  if (it == kw.end()) return fallback;
  const std::string& v = it->second;
  if (v == "1" || v == "true" || v == "on" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "off" || v == "no") return false;
  TP_THROW(UsageError, "env option '", key, "' needs true or false, got '", v, "'");
}

void check_known_kwargs(const EnvKwargs& kw, const std::vector<std::string>& known, const std::string& env_id) {
  for (const auto& kv : kw) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == kv.first;
    if (!ok) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      TP_THROW(UsageError, "unknown option '", kv.first, "' for env ", env_id,
               list.empty() ? " (it takes none)" : " (known: " + list + ")");
    }
  }
}

}  // namespace tp::envs
