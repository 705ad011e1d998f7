#pragma once
// The "key=value;key=value" text a checkpoint stores to rebuild a network (nets::QNetwork,
// the PQN network): written with join_ints, read back with parse_network_spec, which refuses a
// malformed, incomplete or unknown entry with an Error naming `what` and the text.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tp::nets {

std::string join_ints(const std::vector<int64_t>& values, const char* separator = ",");
// Comma-separated integers; Error "malformed <what> '<spec>'" on anything else.
std::vector<int64_t> parse_ints(const std::string& text, const std::string& what, const std::string& spec);
// Every one of `keys`, exactly once, and nothing else.
std::map<std::string, std::string> parse_network_spec(const std::string& spec, const std::vector<std::string>& keys,
                                                      const std::string& what);

}  // namespace tp::nets
