#pragma once
// Helpers shared by the test executables: temp dirs, running the real CLI, test data.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

// The torchplay binary under test: $TORCHPLAY_BIN (set by ctest), else the one on PATH. The
// commands it starts choose their thread layout as on an idle machine (TORCHPLAY_LOAD_AWARE=0,
// core/cpu_load.h), whatever else runs beside the tests, unless a test sets it.
inline std::string torchplay_bin() {
  setenv("TORCHPLAY_LOAD_AWARE", "0", 0);
  const char* bin = std::getenv("TORCHPLAY_BIN");
  return bin ? bin : "torchplay";
}

// The torchplay binary under test, with arguments appended.
inline CommandResult run_torchplay(const std::string& args) { return run_command(torchplay_bin() + " " + args); }

// Each case is `torchplay ARGS` and a text its error must hold: the cases that do not exit
// non-zero with that text, each with what they printed ("" when every case does).
inline std::string unmet_cli_errors(const std::vector<std::pair<std::string, std::string>>& cases) {
  std::string unmet;
  for (const auto& [args, want] : cases) {
    const CommandResult r = run_torchplay(args);
    if (r.exit_code == 0 || r.output.find(want) == std::string::npos)
      unmet += "torchplay " + args + " (exit " + std::to_string(r.exit_code) + ", wanted '" + want + "'):\n" +
               r.output + "\n";
  }
  return unmet;
}

// How many lines a command's output has ('\n' count).
inline int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// The last line of a command's output (e.g. its `--json` line).
inline std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const size_t at = t.rfind('\n');
  return t.substr(at == std::string::npos ? 0 : at + 1);
}

// A distributed run on this machine: the learner (`torchplay <learner_args> --actors-port
// <port>`) in the background and two actors (`torchplay actor --learner tcp://127.0.0.1:<port>
// <actor_args> --seed 1|2`) in the foreground until the learner ends the run. Each process's
// output goes to learner.log, a1.log and a2.log in `dir`.
struct LearnerAndActors {
  int learner_exit = -1;
  std::array<int, 2> actor_exit = {-1, -1};
  std::string learner_log;
  std::array<std::string, 2> actor_log;
  std::string all_logs() const { return learner_log + actor_log[0] + actor_log[1]; }
};

inline LearnerAndActors run_learner_and_two_actors(const TempDir& dir, int port, const std::string& learner_args,
                                                   const std::string& actor_args) {
  const std::string bin = torchplay_bin(), at = std::to_string(port);
  const std::string actor = bin + " actor --learner tcp://127.0.0.1:" + at + " " + actor_args;
  const std::string script = bin + " " + learner_args + " --actors-port " + at + " > " + dir.file("learner.log") +
                             " 2>&1 & learner=$!; " + actor + " --seed 1 > " + dir.file("a1.log") + " 2>&1 & a1=$!; " +
                             actor + " --seed 2 > " + dir.file("a2.log") +
                             " 2>&1; echo a2-exit=$?; wait $a1; echo a1-exit=$?; wait $learner; echo learner-exit=$?";
  const CommandResult r = run_command("sh -c '" + script + "'");
  const auto exit_of = [&](const std::string& who) {
    const size_t at_key = r.output.find(who + "-exit=");
    return at_key == std::string::npos ? -1 : std::atoi(r.output.c_str() + at_key + who.size() + 6);
  };
  const auto read = [&](const std::string& name) {
    std::ifstream in(dir.file(name));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  LearnerAndActors run;
  run.learner_exit = exit_of("learner");
  run.actor_exit = {exit_of("a1"), exit_of("a2")};
  run.learner_log = read("learner.log");
  run.actor_log = {read("a1.log"), read("a2.log")};
  return run;
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
