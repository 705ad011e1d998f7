#include "agents/evaluation/pons_positions.h"

#include <fstream>
#include <sstream>

#include "agents/baselines/connect4_solver.h"
#include "core/error.h"
#include "core/text.h"

namespace tp::agents {

std::vector<PonsPosition> read_pons_positions(const std::string& path) {
  std::ifstream in(path);
  TP_CHECK_AS(DataError, in.good(), "cannot read positions file '", path, "'");
  std::vector<PonsPosition> items;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    PonsPosition it;
    std::string extra;
    TP_CHECK_AS(DataError, (ls >> it.moves >> it.score) && !(ls >> extra), path, ":", line_no,
                ": expected '<moves> <score>'");
    try {
      Connect4Position().play_sequence(it.moves);
    } catch (const Error& e) {
      TP_THROW(DataError, path, ":", line_no, ": position '", printable(it.moves, 40), "': ", printable(e.what(), 200));
    }
    items.push_back(it);
  }
  TP_CHECK_AS(DataError, !items.empty(), "positions file '", path, "' holds no positions");
  return items;
}

}  // namespace tp::agents
