#include "core/metrics.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>

#include "core/error.h"
#include "core/run_dir.h"
#include "core/text.h"

namespace tp {

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return cells;
    start = comma + 1;
  }
}
}  // namespace

CsvMetrics::CsvMetrics(const std::string& path, std::vector<std::string> columns, std::optional<double> resumed_at)
    : path_(path), columns_(std::move(columns)) {
  const std::string header = join(columns_);
  bool exists = false;
  {
    std::ifstream in(path_);
    std::string first;
    if (in.good() && std::getline(in, first)) {
      exists = true;
      if (first != header) {
        // A run made before a release added columns: its rows move under the new header, the
        // new columns empty. Any other header is another kind of run.
        TP_CHECK(add_columns(in, first), "metrics file '", path_, "' has header '", first, "', expected '", header,
                 "'");
        in.close();
        in.open(path_);
        std::getline(in, first);
      }
      // Without a counter only rows a failed write cut short go.
      drop_rows_after(in, header, resumed_at ? *resumed_at : std::numeric_limits<double>::infinity());
    }
  }
  file_ = std::fopen(path_.c_str(), "a");
  TP_CHECK(file_ != nullptr, "cannot open metrics file '", path_, "'");
  if (!exists) {
    const bool written = std::fprintf(file_, "%s\n", header.c_str()) > 0;
    TP_CHECK(written && std::fflush(file_) == 0, "cannot write metrics file '", path_, "': ", std::strerror(errno));
  }
}

bool CsvMetrics::add_columns(std::istream& rows, const std::string& old_header) {
  const std::vector<std::string> old_columns = split_csv_line(old_header);
  std::vector<size_t> position(old_columns.size());  // where each old column goes
  std::vector<bool> taken(columns_.size(), false);
  for (size_t i = 0; i < old_columns.size(); ++i) {
    const auto at = std::find(columns_.begin(), columns_.end(), old_columns[i]);
    if (at == columns_.end() || taken[at - columns_.begin()]) return false;
    position[i] = at - columns_.begin();
    taken[position[i]] = true;
  }
  std::string text = join(columns_) + "\n", line;
  while (std::getline(rows, line)) {
    const std::vector<std::string> cells = split_csv_line(line);
    // A row a failed write cut short stays as it was: drop_rows_after removes it.
    if (rows.eof() || cells.size() != old_columns.size()) {
      text += line + (rows.eof() ? "" : "\n");
      continue;
    }
    std::vector<std::string> moved(columns_.size());
    for (size_t i = 0; i < cells.size(); ++i) moved[position[i]] = cells[i];
    text += join(moved) + "\n";
  }
  write_file_atomic(path_, text);
  return true;
}

void CsvMetrics::drop_rows_after(std::istream& rows, const std::string& header, double resumed_at) {
  std::string line, kept = header + "\n";
  bool dropped = false;
  const auto cells = std::count(header.begin(), header.end(), ',');
  while (std::getline(rows, line)) {
    // A row a failed write left short (or glued to the next) has the wrong number of cells.
    if (rows.eof() || std::count(line.begin(), line.end(), ',') != cells) {  // eof: no newline
      dropped = true;
      continue;
    }
    const std::string first = line.substr(0, line.find(','));
    char* end = nullptr;
    const double key = std::strtod(first.c_str(), &end);
    if (!first.empty() && end == first.c_str() + first.size() && key > resumed_at) {
      dropped = true;
      continue;
    }
    kept += line + "\n";
  }
  if (dropped) write_file_atomic(path_, kept);
}

CsvMetrics::~CsvMetrics() {
  if (file_) std::fclose(file_);
}

void CsvMetrics::write(const std::vector<std::pair<std::string, double>>& values) {
  std::vector<std::string> cells(columns_.size());
  for (const auto& kv : values) {
    size_t i = 0;
    while (i < columns_.size() && columns_[i] != kv.first) ++i;
    TP_CHECK(i < columns_.size(), "metrics: unknown column '", kv.first, "' for '", path_, "'");
    if (std::isfinite(kv.second)) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.8g", kv.second);
      cells[i] = buf;
    }
  }
  // One fwrite of the whole row, then a flush: a failure (disk full) is an error, never a
  // silently lost or half-written row that the next one would be glued to.
  const std::string row = join(cells) + "\n";
  const bool written = std::fwrite(row.data(), 1, row.size(), file_) == row.size();
  const bool flushed = std::fflush(file_) == 0;
  TP_CHECK(written && flushed && !std::ferror(file_), "cannot write metrics file '", path_,
           "': ", std::strerror(errno));
}

size_t MetricsTable::column(const std::string& name, const std::string& path) const {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it != columns.end()) return static_cast<size_t>(it - columns.begin());
  std::string all;
  for (const auto& c : columns) all += (all.empty() ? "" : ", ") + c;
  TP_THROW(UsageError, "'", printable(path, 200), "' has no column '", printable(name), "'",
           did_you_mean(name, columns), " (columns: ", all, ")");
}

MetricsTable read_metrics_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  TP_CHECK_AS(UsageError, in.good(), "cannot read metrics file '", printable(path, 200), "'");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!text.empty() && text.back() != '\n')
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  MetricsTable table;
  size_t start = 0;
  int lineno = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++lineno;
    if (lineno == 1) {
      table.columns = split_csv_line(line);
      continue;
    }
    const std::vector<std::string> cells = split_csv_line(line);
    TP_CHECK(cells.size() == table.columns.size(), printable(path, 200), ":", lineno, ": ", cells.size(),
             " cells, the header has ", table.columns.size());
    std::vector<double> row;
    for (const std::string& cell : cells) {
      if (cell.empty()) {
        row.push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      char* stop = nullptr;
      const double v = std::strtod(cell.c_str(), &stop);
      TP_CHECK(stop && *stop == '\0', printable(path, 200), ":", lineno, ": '", printable(cell), "' is not a number");
      row.push_back(v);
    }
    table.rows.push_back(std::move(row));
  }
  TP_CHECK_AS(UsageError, !table.columns.empty(), "metrics file '", printable(path, 200), "' is empty");
  return table;
}

}  // namespace tp
