#pragma once
// Metrics as CSV with a fixed header (stable column names), one row per call, flushed per
// row so a crash loses nothing and `tail -f` works. Resuming a run appends to its file, after
// dropping the rows written past the checkpoint it resumes from (they will be written again).
#include <cstdio>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tp {

class CsvMetrics {
 public:
  // Opens `path`; an existing file (resume) is appended to. Its header must be `columns`, or
  // a subset of them (a run logged before columns were added): its rows are then rewritten
  // under the new header with the added columns empty. Any other header is a tp::Error.
  // With `resumed_at` (the counter of the checkpoint a run resumes from: step, iteration,
  // epoch), rows whose first column is above it are removed first: the interrupted process
  // logged them after its last checkpoint, and the resumed run logs them again. A last row
  // without its newline, or a row with the wrong number of cells, is what a failed write left:
  // it goes too. A failed write throws tp::Error.
  CsvMetrics(const std::string& path, std::vector<std::string> columns,
             std::optional<double> resumed_at = std::nullopt);
  ~CsvMetrics();
  CsvMetrics(const CsvMetrics&) = delete;
  CsvMetrics& operator=(const CsvMetrics&) = delete;

  // One row; every key must be a column; columns not given are left empty (so are NaNs).
  void write(const std::vector<std::pair<std::string, double>>& values);
  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& path() const { return path_; }

 private:
  // Rewrites the file under the new header when every column of `old_header` is one of
  // columns_ (once); false, leaving the file untouched, otherwise. `rows` follow the header.
  bool add_columns(std::istream& rows, const std::string& old_header);
  // Rewrites the file without the rows (read from `rows`, after the header) whose first
  // column is above `resumed_at`.
  void drop_rows_after(std::istream& rows, const std::string& header, double resumed_at);

  std::string path_;
  std::vector<std::string> columns_;
  std::FILE* file_ = nullptr;
};

// A metrics.csv read back (torchplay plot): the header and the rows, an empty cell as NaN.
struct MetricsTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  // The index of `column`; a UsageError naming the file's columns (and the closest) otherwise.
  size_t column(const std::string& name, const std::string& path) const;
};
// A UsageError for a missing or empty file; a tp::Error naming file:line for a row with the
// wrong number of cells or a cell that is not a number. A last row without its newline (an
// interrupted write) is left out.
MetricsTable read_metrics_csv(const std::string& path);

}  // namespace tp
