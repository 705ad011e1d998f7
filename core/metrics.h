#pragma once
// Metrics as CSV with a fixed header (stable column names), one row per call, flushed per
// row so a crash loses nothing and `tail -f` works. Resuming a run appends to its file.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace tp {

class CsvMetrics {
 public:
  // Opens `path`; an existing file must have the same header (resume) and is appended to.
  CsvMetrics(const std::string& path, std::vector<std::string> columns);
  ~CsvMetrics();
  CsvMetrics(const CsvMetrics&) = delete;
  CsvMetrics& operator=(const CsvMetrics&) = delete;

  // One row; every key must be a column; columns not given are left empty (so are NaNs).
  void write(const std::vector<std::pair<std::string, double>>& values);
  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> columns_;
  std::FILE* file_ = nullptr;
};

}  // namespace tp
