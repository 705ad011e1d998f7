#pragma once
// Run directories: runs/<algo>-<env>-<YYYYmmdd-HHMMSS>/ with config.ini, metrics.csv and
// checkpoints/ (docs/architecture.md). A run directory is the unit of --resume.
#include <memory>
#include <string>

namespace tp {

// One writer per run directory: RunDir holds an advisory lock (flock on RUN/.lock, which
// records the holder's pid) for as long as it or a copy of it lives; the kernel drops it when
// the process dies, so a kill never leaves a stale lock.
class RunDirLock;

class RunDir {
 public:
  // Creates `explicit_path` if given, else runs/<algo>-<env>-<timestamp> (a -N suffix when
  // taken). '/' in env names becomes '_'. A directory that already holds a run (config.ini,
  // metrics.csv or a checkpoint) is refused (UsageError): a new run never writes into an old one.
  static RunDir create(const std::string& algo, const std::string& env, const std::string& explicit_path);
  // Opens an existing run for --resume (must hold config.ini); throws UsageError otherwise.
  static RunDir open_existing(const std::string& path);
  ~RunDir();
  RunDir(const RunDir&);
  RunDir& operator=(const RunDir&);

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string config_path() const { return file("config.ini"); }
  std::string metrics_path() const { return file("metrics.csv"); }
  std::string checkpoints_dir() const { return file("checkpoints"); }
  // Writes config.ini atomically.
  void write_config(const std::string& ini_text) const;

 private:
  explicit RunDir(std::string path);
  std::string path_;
  std::shared_ptr<RunDirLock> lock_;
};

// Writes `data` to `path` atomically: temp file in the same directory, fsync, rename, fsync
// of the directory. A crash at any point leaves either the old file or the new one.
void write_file_atomic(const std::string& path, const std::string& data);
// Reads a whole file; throws tp::Error naming the file if it cannot be read.
std::string read_file(const std::string& path);
bool file_exists(const std::string& path);
void make_dirs(const std::string& path);

}  // namespace tp
