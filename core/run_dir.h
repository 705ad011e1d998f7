#pragma once
// Run directories: runs/<algo>-<env>-<YYYYmmdd-HHMMSS>/ with config.ini, metrics.csv and
// checkpoints/ (docs/architecture.md). A run directory is the unit of --resume.
#include <string>

namespace tp {

class RunDir {
 public:
  // Creates `explicit_path` if given, else runs/<algo>-<env>-<timestamp> (a -N suffix when
  // taken). '/' in env names becomes '_'.
  static RunDir create(const std::string& algo, const std::string& env, const std::string& explicit_path);
  // Opens an existing run for --resume (must hold config.ini); throws UsageError otherwise.
  static RunDir open_existing(const std::string& path);

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string config_path() const { return file("config.ini"); }
  std::string metrics_path() const { return file("metrics.csv"); }
  std::string checkpoints_dir() const { return file("checkpoints"); }
  // Writes config.ini atomically.
  void write_config(const std::string& ini_text) const;

 private:
  explicit RunDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes `data` to `path` atomically: temp file in the same directory, fsync, rename, fsync
// of the directory. A crash at any point leaves either the old file or the new one.
void write_file_atomic(const std::string& path, const std::string& data);
// Reads a whole file; throws tp::Error naming the file if it cannot be read.
std::string read_file(const std::string& path);
bool file_exists(const std::string& path);
void make_dirs(const std::string& path);

}  // namespace tp
