#include "core/rank_launcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"

namespace tp {

namespace {

// The signal a launcher received and has not yet forwarded (a handler can only set a flag).
volatile std::sig_atomic_t g_received = 0;
extern "C" void remember_signal(int sig) { g_received = sig; }

struct Rank {
  pid_t pid = -1;
  int out = -1, err = -1;          // read ends of the rank's stdout and stderr
  std::string out_line, err_line;  // a line not finished yet
  bool running = true;
  int exit_code = 0;
};

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Copies what is readable on `fd` to `to`, each finished line prefixed; false at end of file.
bool pump(int& fd, std::string& pending, int to, const std::string& prefix) {
  char buf[65536];
  const ssize_t n = ::read(fd, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) {
    if (!pending.empty()) write_all(to, prefix + pending + "\n");
    pending.clear();
    ::close(fd);
    fd = -1;
    return false;
  }
  pending.append(buf, static_cast<size_t>(n));
  std::string lines;
  size_t start = 0;
  for (size_t nl; (nl = pending.find_first_of("\n\r", start)) != std::string::npos; start = nl + 1)
    if (nl > start) lines += prefix + pending.substr(start, nl - start) + "\n";
  pending.erase(0, start);
  write_all(to, lines);
  return true;
}

std::string self_executable() {
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  TP_CHECK(n > 0, "cannot find this executable (/proc/self/exe)");
  return std::string(path, static_cast<size_t>(n));
}

// The cores this process may use, split into `n` shares (share i for local rank i); empty
// shares when there are fewer cores than ranks.
std::vector<cpu_set_t> core_shares(int n) {
  cpu_set_t all;
  CPU_ZERO(&all);
  std::vector<int> cores;
  if (sched_getaffinity(0, sizeof(all), &all) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &all)) cores.push_back(c);
  if (static_cast<int>(cores.size()) < n) return {};
  std::vector<cpu_set_t> shares(static_cast<size_t>(n));
  const int k = static_cast<int>(cores.size());
  for (int i = 0; i < n; ++i) {
    CPU_ZERO(&shares[static_cast<size_t>(i)]);
    for (int c = k * i / n; c < k * (i + 1) / n; ++c)
      CPU_SET(cores[static_cast<size_t>(c)], &shares[static_cast<size_t>(i)]);
  }
  return shares;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int free_port(const std::string& addr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  TP_CHECK(fd >= 0, "cannot open a socket: ", std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  if (::inet_pton(AF_INET, addr.c_str(), &a.sin_addr) != 1) a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  TP_CHECK(ok, "cannot find a free port on ", addr, ": ", std::strerror(errno));
  return ntohs(a.sin_port);
}

int launch_local_ranks(const LaunchOptions& o) {
  TP_CHECK_AS(UsageError, o.nproc >= 1 && o.nproc <= 1024, "--nproc must be in 1..1024");
  TP_CHECK_AS(UsageError, !o.command.empty(), "launch: no command after --");
  const int port = o.master_port > 0 ? o.master_port : free_port(o.master_addr);
  std::vector<std::string> argv_words = o.command;
  if (argv_words[0] == "torchplay") argv_words[0] = self_executable();
  const std::vector<cpu_set_t> shares = o.pin_cores ? core_shares(o.nproc) : std::vector<cpu_set_t>{};
  if (o.pin_cores && shares.empty())
    std::fprintf(stderr, "launch: more ranks (%d) than cores: the ranks share them\n", o.nproc);

  struct sigaction action {};
  action.sa_handler = remember_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction old_int {
  }, old_term{}, old_hup{};
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  sigaction(SIGHUP, &action, &old_hup);

  std::vector<Rank> ranks(static_cast<size_t>(o.nproc));
  for (int r = 0; r < o.nproc; ++r) {
    int out[2], err[2];
    TP_CHECK(::pipe(out) == 0 && ::pipe(err) == 0, "launch: cannot make a pipe: ", std::strerror(errno));
    const pid_t pid = ::fork();
    TP_CHECK(pid >= 0, "launch: cannot start rank ", r, ": ", std::strerror(errno));
    if (pid == 0) {
      // The rank: its own process group (signals reach it through the launcher alone), the
      // variables torchrun sets, its share of the cores.
      ::setpgid(0, 0);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::close(err[0]);
      ::close(err[1]);
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::signal(SIGHUP, SIG_DFL);
      ::setenv("MASTER_ADDR", o.master_addr.c_str(), 1);
      ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(o.nproc).c_str(), 1);
      ::setenv("RANK", std::to_string(r).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(o.nproc).c_str(), 1);
      if (!shares.empty()) sched_setaffinity(0, sizeof(cpu_set_t), &shares[static_cast<size_t>(r)]);
      std::vector<char*> argv;
      for (auto& w : argv_words) argv.push_back(const_cast<char*>(w.c_str()));
      argv.push_back(nullptr);
      ::execvp(argv[0], argv.data());
      std::fprintf(stderr, "launch: cannot run %s: %s\n", argv[0], std::strerror(errno));
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    Rank& rank = ranks[static_cast<size_t>(r)];
    rank.pid = pid;
    rank.out = out[0];
    rank.err = err[0];
  }

  int first_failure = 0;
  using Clock = std::chrono::steady_clock;
  Clock::time_point kill_at{};
  bool killing = false;
  auto signal_all = [&](int sig) {
    for (const Rank& rank : ranks)
      if (rank.running) ::kill(-rank.pid, sig);  // its process group: what it started too
  };
  bool forwarded = false;  // the ranks were sent the user's signal: they stop on their own
  while (true) {
    if (const int sig = g_received) {
      g_received = 0;
      signal_all(sig);
      forwarded = true;
    }
    std::vector<pollfd> fds;
    std::vector<std::pair<size_t, bool>> which;  // rank, is stderr
    for (size_t i = 0; i < ranks.size(); ++i) {
      if (ranks[i].out >= 0) {
        fds.push_back({ranks[i].out, POLLIN, 0});
        which.emplace_back(i, false);
      }
      if (ranks[i].err >= 0) {
        fds.push_back({ranks[i].err, POLLIN, 0});
        which.emplace_back(i, true);
      }
    }
    if (!fds.empty() && ::poll(fds.data(), fds.size(), 100) > 0) {
      for (size_t f = 0; f < fds.size(); ++f) {
        if (!(fds[f].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Rank& rank = ranks[which[f].first];
        const std::string prefix = "[rank " + std::to_string(which[f].first) + "] ";
        if (which[f].second)
          pump(rank.err, rank.err_line, STDERR_FILENO, prefix);
        else
          pump(rank.out, rank.out_line, STDOUT_FILENO, prefix);
      }
    } else if (fds.empty()) {
      ::usleep(100 * 1000);
    }
    bool any_running = false;
    for (Rank& rank : ranks) {
      if (!rank.running) continue;
      int status = 0;
      if (::waitpid(rank.pid, &status, WNOHANG) == rank.pid) {
        rank.running = false;
        rank.exit_code = exit_code_of(status);
        if (rank.exit_code != 0 && first_failure == 0) {
          first_failure = rank.exit_code;
          // The run cannot go on without this rank: the others are stopped. After the user's
          // signal they are stopping already (rank 0 may be writing its checkpoint).
          if (!forwarded) {
            signal_all(SIGTERM);
            killing = true;
            kill_at = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.grace_s * 1000));
          }
        }
      } else {
        any_running = true;
      }
    }
    if (killing && Clock::now() > kill_at) {
      signal_all(SIGKILL);
      killing = false;
    }
    if (!any_running) break;
  }
  // Every rank has exited: what they printed last (a process they left behind may hold a
  // pipe open, so nothing is waited for).
  for (size_t i = 0; i < ranks.size(); ++i) {
    Rank& rank = ranks[i];
    const std::string prefix = "[rank " + std::to_string(i) + "] ";
    for (int* fd : {&rank.out, &rank.err}) {
      if (*fd < 0) continue;
      ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL) | O_NONBLOCK);
      std::string& pending = fd == &rank.out ? rank.out_line : rank.err_line;
      const int to = fd == &rank.out ? STDOUT_FILENO : STDERR_FILENO;
      for (int reads = 0; *fd >= 0 && reads < 1000; ++reads) {
        pollfd p{*fd, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) break;
        pump(*fd, pending, to, prefix);
      }
      if (*fd >= 0) {
        if (!pending.empty()) write_all(to, prefix + pending + "\n");
        ::close(*fd);
        *fd = -1;
      }
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  sigaction(SIGHUP, &old_hup, nullptr);
  for (size_t i = 0; i < ranks.size(); ++i)
    if (ranks[i].exit_code != 0) std::fprintf(stderr, "launch: rank %zu exited with code %d\n", i, ranks[i].exit_code);
  return first_failure;
}

}  // namespace tp
