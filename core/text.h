#pragma once
// Small text helpers: outside text quoted in an error message, case-insensitive names.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tp {

// The first line of `text`, printable ASCII only ('?' for anything else), at most `max`
// characters ("..." marks a cut): a crafted file or a GTP peer must not put escape codes, NULs
// or megabytes on the user's terminal.
std::string printable(const std::string& text, size_t max = 80);
// `text` without leading and trailing white space (isspace).
std::string trim(const std::string& text);
// ASCII lower case ("Black" -> "black"): names and words typed by users are matched this way.
std::string to_lower(std::string text);
// The candidate closest to `word` by edit distance (case-insensitive), when it is close enough
// to be a typo: at most 1 edit for words up to 4 characters, 2 up to 8, 3 beyond. Ties go to
// the earlier candidate. For "did you mean" hints on names a user typed.
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);
// The parts with `separator` between them ("a, b, c").
std::string join(const std::vector<std::string>& parts, const std::string& separator);
// " (did you mean 'X'?)" for the closest match, or "" when none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tp
