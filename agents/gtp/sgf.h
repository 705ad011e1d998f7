#pragma once
// Smart Game Format (FF[4], GM[1]) records of Go games, as GNU Go, KGS and Sabaki read them.
#include <string>

#include "envs/games/go/go_state.h"

namespace tp::agents {

struct SgfInfo {
  std::string black, white;  // player names (PB, PW)
  std::string result;        // RE: "B+3.5", "W+R", "0" (draw), "" unknown
  std::string date;          // DT, YYYY-MM-DD ("" omits it)
  std::string comment;       // C on the root node
  std::string rules = "Chinese";
};

// The game `state` as SGF: size, komi and every move of its history (passes as B[]/W[]).
std::string to_sgf(const envs::go::GoState& state, const SgfInfo& info);
// SGF text escaping: ']' and '\' get a backslash.
std::string sgf_escape(const std::string& text);

}  // namespace tp::agents
