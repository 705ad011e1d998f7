#include "core/metrics.h"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "core/error.h"
#include "core/run_dir.h"

namespace tp {

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
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
      TP_CHECK(first == header, "metrics file '", path_, "' has header '", first, "', expected '", header, "'");
      if (resumed_at) drop_rows_after(in, header, *resumed_at);
    }
  }
  file_ = std::fopen(path_.c_str(), "a");
  TP_CHECK(file_ != nullptr, "cannot open metrics file '", path_, "'");
  if (!exists) {
    std::fprintf(file_, "%s\n", header.c_str());
    std::fflush(file_);
  }
}

void CsvMetrics::drop_rows_after(std::istream& rows, const std::string& header, double resumed_at) {
  std::string line, kept = header + "\n";
  bool dropped = false;
  while (std::getline(rows, line)) {
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
  std::fprintf(file_, "%s\n", join(cells).c_str());
  std::fflush(file_);
}

}  // namespace tp
