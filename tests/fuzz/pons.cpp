// Fuzz target: a Connect Four positions file in Pascal Pons' format (`eval --game connect4
// --positions FILE`). Promise (position_test.h): a DataError naming the file and line, never a
// crash. Oracle: every accepted position replays as a legal unfinished game in the game
// registry's Connect Four.
#include <cstdio>
#include <cstdlib>

#include "agents/evaluation/position_test.h"
#include "envs/games/game.h"
#include "envs/games/game_registry.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tp::fuzz::ScratchFile file("positions.txt");
  const std::string& path = file.write(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<tp::agents::PonsPosition> positions;
  if (!tp::fuzz::refused_or_read<tp::DataError>([&] { positions = tp::agents::read_pons_positions(path); }, 1000))
    return 0;
  const auto connect4 = tp::envs::make_game_registry().make("connect4");
  for (const auto& p : positions) {
    const auto state = tp::envs::state_from_moves(*connect4, tp::envs::split_move_list(p.moves));
    if (state->is_terminal()) {
      std::fprintf(stderr, "finding: accepted position '%s' is a finished game\n", p.moves.c_str());
      std::abort();
    }
  }
  return 0;
}
