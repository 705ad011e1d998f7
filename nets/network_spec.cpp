#include "nets/network_spec.h"

#include <algorithm>

#include "core/error.h"

namespace tp::nets {

std::string join_ints(const std::vector<int64_t>& values, const char* separator) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i) s += (i ? separator : "") + std::to_string(values[i]);
  return s;
}

std::vector<int64_t> parse_ints(const std::string& text, const std::string& what, const std::string& spec) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    try {
      out.push_back(std::stoll(text.substr(start, end - start)));
    } catch (const std::exception&) {
      TP_THROW(Error, "malformed ", what, " '", spec, "'");
    }
    start = end + 1;
  }
  return out;
}

std::map<std::string, std::string> parse_network_spec(const std::string& spec, const std::vector<std::string>& keys,
                                                      const std::string& what) {
  std::map<std::string, std::string> values;
  size_t start = 0;
  while (start < spec.size()) {
    const size_t end = std::min(spec.find(';', start), spec.size());
    const std::string item = spec.substr(start, end - start);
    const size_t eq = item.find('=');
    TP_CHECK(eq != std::string::npos, "malformed ", what, " '", spec, "'");
    const std::string key = item.substr(0, eq);
    TP_CHECK(std::find(keys.begin(), keys.end(), key) != keys.end(), "unknown key '", key, "' in ", what, " '", spec,
             "'");
    TP_CHECK(values.emplace(key, item.substr(eq + 1)).second, "key '", key, "' twice in ", what, " '", spec, "'");
    start = end + 1;
  }
  TP_CHECK(values.size() == keys.size(), "incomplete ", what, " '", spec, "'");
  return values;
}

}  // namespace tp::nets
