#include "envs/games/board_util.h"

#include <cctype>
#include <sstream>

#include "core/error.h"

namespace tp::envs {

void map_cell(int t, int h, int w, int r, int c, int& r2, int& c2) {
  switch (t) {
    case 0:
      r2 = r;
      c2 = c;
      return;
    case 1:
      r2 = c;
      c2 = h - 1 - r;
      return;
    case 2:
      r2 = h - 1 - r;
      c2 = w - 1 - c;
      return;
    case 3:
      r2 = w - 1 - c;
      c2 = r;
      return;
    case 4:
      r2 = r;
      c2 = w - 1 - c;
      return;
    case 5:
      r2 = h - 1 - r;
      c2 = c;
      return;
    case 6:
      r2 = c;
      c2 = r;
      return;
    case 7:
      r2 = w - 1 - c;
      c2 = h - 1 - r;
      return;
    default:
      TP_THROW(Error, "board symmetry ", t, " out of range 0..7");
  }
}

void transform_board_planes(int t, int planes, int h, int w, const float* in, float* out) {
  TP_CHECK(t == 0 || t == 2 || t == 4 || t == 5 || h == w, "symmetry ", t, " needs a square board");
  const int area = h * w;
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      int r2, c2;
      map_cell(t, h, w, r, c, r2, c2);
      for (int p = 0; p < planes; ++p) out[p * area + r2 * w + c2] = in[p * area + r * w + c];
    }
}

std::string cell_name(int row, int col, int height, bool rows_from_top) {
  std::string s(1, static_cast<char>('a' + col));
  s += std::to_string(rows_from_top ? row + 1 : height - row);
  return s;
}

bool parse_cell_name(const std::string& text, int height, int width, bool rows_from_top, int& row, int& col) {
  if (text.size() < 2 || !std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  col = std::tolower(static_cast<unsigned char>(text[0])) - 'a';
  int number = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])) || number > 1000) return false;
    number = number * 10 + (text[i] - '0');
  }
  if (col < 0 || col >= width || number < 1 || number > height) return false;
  row = rows_from_top ? number - 1 : height - number;
  return true;
}

int line_length(const std::vector<signed char>& cells, int h, int w, int row, int col, int dr, int dc) {
  const signed char who = cells[row * w + col];
  int n = 0;
  for (int r = row + dr, c = col + dc; r >= 0 && r < h && c >= 0 && c < w && cells[r * w + c] == who; r += dr, c += dc)
    ++n;
  return n;
}

namespace {
constexpr int kLineDirs[4][2] = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};
}  // namespace

bool makes_k_in_row(const std::vector<signed char>& cells, int h, int w, int row, int col, int k) {
  for (const auto& d : kLineDirs) {
    const int n = 1 + line_length(cells, h, w, row, col, d[0], d[1]) + line_length(cells, h, w, row, col, -d[0], -d[1]);
    if (n >= k) return true;
  }
  return false;
}

std::vector<std::pair<int, int>> k_in_row_cells(const std::vector<signed char>& cells, int h, int w, int row, int col,
                                                int k) {
  std::vector<std::pair<int, int>> out;
  for (const auto& d : kLineDirs) {
    const int back = line_length(cells, h, w, row, col, -d[0], -d[1]);
    const int n = 1 + back + line_length(cells, h, w, row, col, d[0], d[1]);
    if (n < k) continue;
    for (int i = 0; i < n; ++i) out.emplace_back(row + (i - back) * d[0], col + (i - back) * d[1]);
  }
  return out;
}

std::string board_to_string(const std::vector<signed char>& cells, int h, int w, bool rows_from_top,
                            bool column_numbers, const std::string& footer) {
  std::ostringstream os;
  for (int r = 0; r < h; ++r) {
    if (!column_numbers) {
      const int label = rows_from_top ? r + 1 : h - r;
      os << (label < 10 ? " " : "") << label << ' ';
    }
    for (int c = 0; c < w; ++c) {
      const signed char v = cells[r * w + c];
      os << (v < 0 ? '.' : v == 0 ? 'x' : 'o') << (c + 1 < w ? " " : "");
    }
    os << '\n';
  }
  os << (column_numbers ? "" : "   ");
  for (int c = 0; c < w; ++c) {
    if (column_numbers)
      os << (c + 1);
    else
      os << static_cast<char>('a' + c);
    os << (c + 1 < w ? " " : "");
  }
  os << '\n' << footer;
  return os.str();
}

void encode_stones(const std::vector<signed char>& cells, int player, int h, int w, float* planes) {
  const int area = h * w;
  for (int i = 0; i < area; ++i) {
    planes[i] = cells[i] == player ? 1.f : 0.f;
    planes[area + i] = cells[i] == 1 - player ? 1.f : 0.f;
    planes[2 * area + i] = player == 0 ? 1.f : 0.f;
  }
}

}  // namespace tp::envs
