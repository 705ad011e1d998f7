#pragma once
// JSON for checkpoint headers and the one-line `--json` results: nlohmann::json (Debian's
// nlohmann-json3-dev), in its ordered form so keys keep insertion order and output is stable
// and readable. Its parser is not recursive, so deeply nested input cannot overflow the stack.
#include <nlohmann/json.hpp>

namespace tp {

using Json = nlohmann::ordered_json;

}  // namespace tp
