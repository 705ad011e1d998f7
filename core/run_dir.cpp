#include "core/run_dir.h"

#include <fcntl.h>
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

RunDir RunDir::create(const std::string& algo, const std::string& env, const std::string& explicit_path) {
  std::string path = explicit_path;
  if (path.empty()) {
    const std::string base = "runs/" + sanitize(algo) + "-" + sanitize(env) + "-" + timestamp();
    path = base;
    for (int i = 2; file_exists(path); ++i) path = base + "-" + std::to_string(i);
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
