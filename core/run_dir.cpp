#include "core/run_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace fs = std::filesystem;

namespace tp {

namespace {
std::string timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

std::string sanitize(std::string s) {
  for (char& c : s)
    if (c == '/' || c == ' ' || c == ':') c = '_';
  return s;
}
}  // namespace

void make_dirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  TP_CHECK(!ec, "cannot create directory '", path, "': ", ec.message());
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

class RunDirLock {
 public:
  explicit RunDirLock(const std::string& dir) {
    const std::string path = dir + "/.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    TP_CHECK(fd_ >= 0, "cannot open '", path, "': ", std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      char buf[32] = {0};
      const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
      pid = pid.substr(0, pid.find_first_not_of("0123456789"));
      TP_CHECK_AS(UsageError, err != EWOULDBLOCK, "run directory '", dir, "' is in use by another torchplay process",
                  pid.empty() ? "" : " (pid " + pid + ")");
      TP_THROW(Error, "cannot lock '", path, "': ", std::strerror(err));
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
      // The pid is only for the message of a second writer; the lock itself holds.
    }
  }
  ~RunDirLock() { ::close(fd_); }  // closing releases the flock
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

 private:
  int fd_ = -1;
};

RunDir::RunDir(std::string path) : path_(std::move(path)), lock_(std::make_shared<RunDirLock>(path_)) {
  // With the lock held no other process is writing here: a .tmp file is what a killed
  // process's atomic write left behind.
  for (const std::string& dir : {path_, checkpoints_dir()}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) fs::remove(entry.path(), ec);
    }
  }
}
RunDir::~RunDir() = default;
RunDir::RunDir(const RunDir&) = default;
RunDir& RunDir::operator=(const RunDir&) = default;

RunDir RunDir::create(const std::string& algo, const std::string& env, const std::string& explicit_path) {
  std::string path = explicit_path;
  if (path.empty()) {
    const std::string base = "runs/" + sanitize(algo) + "-" + sanitize(env) + "-" + timestamp();
    path = base;
    for (int i = 2; file_exists(path); ++i) path = base + "-" + std::to_string(i);
  } else {
    std::error_code ec;
    const bool has_checkpoints = fs::is_directory(path + "/checkpoints", ec) &&
                                 fs::directory_iterator(path + "/checkpoints", ec) != fs::directory_iterator();
    TP_CHECK_AS(UsageError,
                !file_exists(path + "/config.ini") && !file_exists(path + "/metrics.csv") && !has_checkpoints,
                "run directory '", path, "' already holds a run: continue it with --resume ", path,
                ", or give another --run-dir");
  }
  make_dirs(path + "/checkpoints");
  return RunDir(path);
}

RunDir RunDir::open_existing(const std::string& path) {
  TP_CHECK_AS(UsageError, fs::is_directory(path), "run directory '", path, "' does not exist");
  TP_CHECK_AS(UsageError, file_exists(path + "/config.ini"), "run directory '", path, "' has no config.ini");
  make_dirs(path + "/checkpoints");
  return RunDir(path);
}

void RunDir::write_config(const std::string& ini_text) const { write_file_atomic(config_path(), ini_text); }

void write_file_atomic(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  TP_CHECK(fd >= 0, "cannot write '", tmp, "': ", std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      TP_THROW(Error, "cannot write '", tmp, "': ", std::strerror(err));
    }
    off += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  TP_CHECK(synced, "cannot fsync '", tmp, "': ", std::strerror(errno));
  TP_CHECK(::rename(tmp.c_str(), path.c_str()) == 0, "cannot rename '", tmp, "' to '", path,
           "': ", std::strerror(errno));
  // Make the rename itself durable.
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  TP_CHECK(in.good(), "cannot read '", path, "': ", std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tp
