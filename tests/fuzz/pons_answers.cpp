// Fuzz target: a Connect Four answers file (`FILE.answers` beside a positions file, read by
// `eval --game connect4 --positions FILE`) against three fixed positions. Promise
// (pons_positions.h): a DataError naming the file and line, never a crash. Oracle: an accepted
// file gives every position a non-empty set of open columns.
#include <cstdio>
#include <cstdlib>

#include "agents/baselines/connect4_solver.h"
#include "agents/evaluation/pons_positions.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tp::fuzz::ScratchFile file("positions.answers");
  const std::string& path = file.write(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<tp::agents::PonsPosition> positions = {{"4453", 2, 0}, {"111111", 0, 0}, {"7", -1, 0}};
  if (!tp::fuzz::refused_or_read<tp::DataError>([&] { tp::agents::read_pons_answers(path, positions); }, 1000))
    return 0;
  for (const auto& p : positions) {
    tp::agents::Connect4Position position;
    position.play_sequence(p.moves);
    bool open = p.good_columns != 0;
    for (int col = 0; col < tp::agents::Connect4Position::kWidth; ++col)
      if (p.good_columns >> col & 1) open = open && position.can_play(col);
    if (!open) {
      std::fprintf(stderr, "finding: accepted answers for '%s' name no column or a full one\n", p.moves.c_str());
      std::abort();
    }
  }
  return 0;
}
