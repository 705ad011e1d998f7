#include "agents/gtp/gtp_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "core/text.h"

namespace tp::agents {

namespace {

constexpr size_t kMaxReplyBytes = 1 << 20;

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

GtpClient::GtpClient(const std::string& command, double timeout_s, const std::string& stderr_path)
    : command_(command), timeout_s_(timeout_s) {
  TP_CHECK_AS(UsageError, !trim(command).empty(), "empty GTP engine command");
  TP_CHECK_AS(UsageError, timeout_s > 0, "GTP timeout must be > 0");
  int sv[2];
  TP_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair failed: ", std::strerror(errno));
  const int err_fd =
      open(stderr_path.empty() ? "/dev/null" : stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (err_fd < 0) {
    close(sv[0]);
    close(sv[1]);
    TP_THROW(Error, "cannot open '", stderr_path, "' for the engine's stderr: ", std::strerror(errno));
  }
  // Everything the child needs is prepared before fork: it only calls async-signal-safe
  // functions (this process may have other threads).
  const std::string shell_command = "exec " + command;
  const char* argv[] = {"/bin/sh", "-c", shell_command.c_str(), nullptr};
  pid_ = fork();
  if (pid_ == 0) {
    dup2(sv[1], STDIN_FILENO);
    dup2(sv[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execv("/bin/sh", const_cast<char* const*>(argv));
    _exit(127);
  }
  close(sv[1]);
  close(err_fd);
  if (pid_ < 0) {
    close(sv[0]);
    TP_THROW(Error, "fork failed for GTP engine '", command, "': ", std::strerror(errno));
  }
  fd_ = sv[0];
}

GtpClient::~GtpClient() { shut_down(); }

void GtpClient::shut_down() {
  if (pid_ <= 0) return;
  if (fd_ >= 0) {
    const char quit[] = "quit\n";
    (void)!::send(fd_, quit, sizeof quit - 1, MSG_NOSIGNAL);
    shutdown(fd_, SHUT_WR);
  }
  // Give the engine a moment to exit on its own, then kill it.
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 100 && !exited; ++i) {
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    exited = r == pid_ || r < 0;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

GtpReply GtpClient::send(const std::string& command) {
  TP_CHECK(fd_ >= 0, "GTP engine '", command_, "' is no longer running");
  for (char ch : command) TP_CHECK(ch != '\n' && ch != '\r', "a GTP command must be one line");
  const std::string id = std::to_string(next_id_++);
  const std::string line = id + " " + command + "\n";
  size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      shut_down();
      TP_THROW(Error, "GTP engine '", command_, "' closed its input (sending '", command, "')");
    }
    sent += static_cast<size_t>(n);
  }
  const std::string reply = read_reply(command);
  std::optional<GtpReply> out = parse_gtp_reply(reply, id);
  if (!out) {
    shut_down();
    TP_THROW(Error, "GTP engine '", command_, "' answered '", printable(reply, 40), "' to '", id, " ", command,
             "' (wrong id)");
  }
  return *out;
}

int final_score_winner(const std::string& text) {
  if (text == "0" || to_lower(text) == "draw") return -1;
  if (text.size() >= 3 && text[1] == '+') {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    if (c == 'B') return 0;
    if (c == 'W') return 1;
  }
  return -2;
}

double final_score_value(const std::string& text) {
  const int w = final_score_winner(text);
  if (w == -1) return 0.0;
  if (w == -2) return std::nan("");
  char* end = nullptr;
  const double v = std::strtod(text.c_str() + 2, &end);
  if (!end || *end != '\0') return std::nan("");  // "B+R", "W+T", ...
  return w == 0 ? v : -v;
}

std::optional<std::string> take_gtp_reply(std::string& buffer) {
  // A reply starts with '=' or '?' at a line start and ends with an empty line; anything
  // before the start (stray output) is skipped.
  size_t start = 0;
  while (start < buffer.size() &&
         !((buffer[start] == '=' || buffer[start] == '?') && (start == 0 || buffer[start - 1] == '\n')))
    ++start;
  if (start == buffer.size()) return std::nullopt;
  const size_t end = buffer.find("\n\n", start);
  if (end == std::string::npos) return std::nullopt;
  std::string reply = buffer.substr(start, end - start);
  buffer.erase(0, end + 2);
  return reply;
}

std::optional<GtpReply> parse_gtp_reply(const std::string& reply, const std::string& id) {
  // reply: "=ID text" or "?ID text"
  if (reply.empty() || (reply[0] != '=' && reply[0] != '?')) return std::nullopt;
  GtpReply out;
  out.ok = reply[0] == '=';
  size_t i = 1;
  while (i < reply.size() && std::isdigit(static_cast<unsigned char>(reply[i]))) ++i;
  if (reply.compare(1, i - 1, id) != 0) return std::nullopt;
  out.text = trim(reply.substr(i));
  return out;
}

std::string GtpClient::read_reply(const std::string& sent) {
  const double deadline = now_s() + timeout_s_;
  for (;;) {
    if (std::optional<std::string> reply = take_gtp_reply(buffer_)) return *reply;
    const double left = deadline - now_s();
    if (left <= 0) {
      shut_down();
      TP_THROW(Error, "GTP engine '", command_, "' did not answer '", sent, "' within ", timeout_s_, " s");
    }
    pollfd pfd{fd_, POLLIN, 0};
    const int r = poll(&pfd, 1, static_cast<int>(left * 1000) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;  // timeout: the deadline check above ends it
    char buf[4096];
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      shut_down();
      TP_THROW(Error, "GTP engine '", command_, "' exited without answering '", sent, "'");
    }
    for (ssize_t k = 0; k < n; ++k)
      if (buf[k] != '\r') buffer_ += buf[k];
    // A reply is a line or a board; an engine that writes a megabyte without finishing one is
    // broken or hostile, and waiting on would grow the buffer (and rescan it) without bound.
    if (buffer_.size() > kMaxReplyBytes) {
      shut_down();
      TP_THROW(Error, "GTP engine '", command_, "' wrote more than ", kMaxReplyBytes,
               " bytes without completing a reply to '", sent, "'");
    }
  }
}

std::string GtpClient::expect_ok(const std::string& command) {
  const GtpReply r = send(command);
  TP_CHECK(r.ok, "GTP engine '", command_, "' refused '", command, "': ", r.text);
  return r.text;
}

bool GtpClient::knows(const std::string& command) {
  const GtpReply r = send("known_command " + command);
  return r.ok && r.text == "true";
}

}  // namespace tp::agents
