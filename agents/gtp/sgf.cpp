#include "agents/gtp/sgf.h"

#include <cstdio>

#include "core/version.h"

namespace tp::agents {

std::string sgf_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == ']' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

std::string to_sgf(const envs::go::GoState& state, const SgfInfo& info) {
  const int n = state.size();
  char komi[32];
  std::snprintf(komi, sizeof komi, "%g", state.params().komi);
  std::string s = "(;FF[4]GM[1]CA[UTF-8]AP[torchplay:" TORCHPLAY_VERSION "]SZ[" + std::to_string(n) + "]KM[" + komi +
                  "]RU[" + sgf_escape(info.rules) + "]";
  if (!info.black.empty()) s += "PB[" + sgf_escape(info.black) + "]";
  if (!info.white.empty()) s += "PW[" + sgf_escape(info.white) + "]";
  if (!info.date.empty()) s += "DT[" + sgf_escape(info.date) + "]";
  if (!info.result.empty()) s += "RE[" + sgf_escape(info.result) + "]";
  if (!info.comment.empty()) s += "C[" + sgf_escape(info.comment) + "]";
  s += "\n";
  int player = 0;
  int on_line = 0;
  for (envs::Action a : state.history()) {
    s += player == 0 ? ";B[" : ";W[";
    if (a != state.pass_action()) {
      // SGF points: column letter then row letter, both from the top-left corner.
      s += static_cast<char>('a' + a % n);
      s += static_cast<char>('a' + a / n);
    }
    s += "]";
    player = 1 - player;
    if (++on_line == 12) {
      s += "\n";
      on_line = 0;
    }
  }
  s += ")\n";
  return s;
}

}  // namespace tp::agents
