#include "agents/evaluation/pons_positions.h"

#include <fstream>
#include <sstream>

#include "agents/baselines/connect4_solver.h"
#include "core/error.h"
#include "core/run_dir.h"
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

std::string pons_answers_path(const std::string& positions_path) { return positions_path + ".answers"; }

void read_pons_answers(const std::string& path, std::vector<PonsPosition>& items) {
  std::ifstream in(path);
  TP_CHECK_AS(DataError, in.good(), "cannot read answers file '", path, "'");
  std::string line;
  int line_no = 0;
  size_t next = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string moves, columns, extra;
    TP_CHECK_AS(DataError, (ls >> moves >> columns) && !(ls >> extra), path, ":", line_no,
                ": expected '<moves> <columns>'");
    TP_CHECK_AS(DataError, next < items.size(), path, ":", line_no, ": more answers than the ", items.size(),
                " positions");
    PonsPosition& item = items[next++];
    TP_CHECK_AS(DataError, moves == item.moves, path, ":", line_no, ": position '", printable(moves, 40),
                "' is not the positions file's position ", next, " ('", printable(item.moves, 40), "')");
    Connect4Position position;
    position.play_sequence(item.moves);
    uint8_t good = 0;
    for (char c : columns) {
      const int col = c - '1';
      TP_CHECK_AS(DataError, col >= 0 && col < Connect4Position::kWidth && position.can_play(col), path, ":", line_no,
                  ": '", printable(columns, 20), "' is not a list of open columns 1..7");
      good |= static_cast<uint8_t>(1u << col);
    }
    item.good_columns = good;
  }
  TP_CHECK_AS(DataError, next == items.size(), path, ": ", next, " answers for ", items.size(), " positions");
}

void write_pons_answers(const std::string& path, const std::vector<PonsPosition>& items, const std::string& header) {
  std::ostringstream out;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) out << "# " << line << '\n';
  for (const PonsPosition& item : items) {
    TP_CHECK(item.good_columns != 0, "position '", item.moves, "' has no answers to write");
    out << item.moves << ' ';
    for (int col = 0; col < Connect4Position::kWidth; ++col)
      if (item.good_columns >> col & 1) out << static_cast<char>('1' + col);
    out << '\n';
  }
  write_file_atomic(path, out.str());
}

}  // namespace tp::agents
