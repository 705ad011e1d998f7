#pragma once
// Small text helpers: outside text quoted in an error message, case-insensitive names.
#include <cstddef>
#include <string>

namespace tp {

// The first line of `text`, printable ASCII only ('?' for anything else), at most `max`
// characters ("..." marks a cut): a crafted file or a GTP peer must not put escape codes, NULs
// or megabytes on the user's terminal.
std::string printable(const std::string& text, size_t max = 80);
// ASCII lower case ("Black" -> "black"): names and words typed by users are matched this way.
std::string to_lower(std::string text);

}  // namespace tp
