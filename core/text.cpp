#include "core/text.h"

#include <cctype>

namespace tp {

std::string printable(const std::string& text, size_t max) {
  const std::string line = text.substr(0, text.find('\n'));
  std::string out;
  for (char c : line.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return line.size() > max ? out + "..." : out;
}

std::string to_lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace tp
