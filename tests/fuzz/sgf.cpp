// Fuzz target: an SGF game record (`torchplay sgf`, the AlphaGo-Lee pipeline's expert games:
// any file a user has). Promise: parse_sgf and replay_sgf refuse bad input with a one-line
// tp::Error, never a crash, a hang or a deep recursion. Oracle: a game that replays is written
// back with to_sgf and read again to the same size, setup stones, first player and moves.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "agents/gtp/sgf.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<tp::agents::SgfGame> games;
  if (!tp::fuzz::refused_or_read([&] { games = tp::agents::parse_sgf(text, "f.sgf"); }, 400)) return 0;
  for (const tp::agents::SgfGame& g : games) {
    tp::envs::go::GoState state;
    if (!tp::fuzz::refused_or_read([&] { state = tp::agents::replay_sgf(g, 1); }, 400)) continue;
    const std::vector<tp::agents::SgfGame> again = tp::agents::parse_sgf(tp::agents::to_sgf(state, {}), "again.sgf");
    const tp::agents::SgfGame& h = again.at(0);
    if (again.size() != 1 || h.size != g.size || h.setup_black != g.setup_black || h.setup_white != g.setup_white ||
        h.first_player != g.first_player || h.moves != g.moves) {
      std::fprintf(stderr, "finding: a replayed game does not read back the same after to_sgf\n");
      std::abort();
    }
    g.winner();
    g.resigned();
  }
  tp::agents::split_by_game(games, 0.5);
  return 0;
}
