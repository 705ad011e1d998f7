#pragma once
// Helpers shared by the test executables: temp dirs, running the real CLI, test data.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace tp::test {

// A fresh, unique directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "torchplay-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command, capturing stdout+stderr.
inline CommandResult run_command(const std::string& cmd) {
  CommandResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// The torchplay binary under test: $TORCHPLAY_BIN (set by ctest), else the one on PATH.
inline std::string torchplay_bin() {
  const char* bin = std::getenv("TORCHPLAY_BIN");
  return bin ? bin : "torchplay";
}

// The torchplay binary under test, with arguments appended.
inline CommandResult run_torchplay(const std::string& args) { return run_command(torchplay_bin() + " " + args); }

// The last line of a command's output (e.g. its `--json` line).
inline std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const size_t at = t.rfind('\n');
  return t.substr(at == std::string::npos ? 0 : at + 1);
}

// tests/data/<name>: $TORCHPLAY_TEST_DATA if set, else the source tree's tests/data
// (compiled in, so a test binary finds its data from any working directory).
inline std::string test_data(const std::string& name) {
  const char* dir = std::getenv("TORCHPLAY_TEST_DATA");
#ifdef TP_TEST_DATA_DIR
  if (!dir) dir = TP_TEST_DATA_DIR;
#endif
  return std::string(dir ? dir : "tests/data") + "/" + name;
}

}  // namespace tp::test
