#pragma once
// Drives an external GTP engine ("gnugo --mode gtp --level 1", "torchplay gtp --agent
// mcts:200") as a child process over a socket pair: fork + exec of /bin/sh -c "exec CMD".
// Each command gets an id, the reply's id is checked, and every read has a deadline, so a
// hung or dead engine is a tp::Error naming the engine and the command, never a hang.
#include <string>
#include <sys/types.h>

namespace tp::agents {

struct GtpReply {
  bool ok = false;   // "=" (true) or "?" (false)
  std::string text;  // the reply without the "=id"/"?id" prefix, trimmed
};

class GtpClient {
 public:
  // `stderr_path`: where the engine's stderr goes ("" discards it).
  GtpClient(const std::string& command, double timeout_s, const std::string& stderr_path = "");
  ~GtpClient();
  GtpClient(const GtpClient&) = delete;
  GtpClient& operator=(const GtpClient&) = delete;

  // Sends one command line and waits for its reply; tp::Error on timeout, end of output or a
  // malformed reply (the engine is then unusable).
  GtpReply send(const std::string& command);
  // Like send, but a "?" reply is a tp::Error too; returns the text.
  std::string expect_ok(const std::string& command);
  // True when the engine lists `command` (known_command).
  bool knows(const std::string& command);

  const std::string& command_line() const { return command_; }
  void set_timeout(double seconds) { timeout_s_ = seconds; }

 private:
  std::string read_reply(const std::string& sent);
  void shut_down();

  std::string command_;
  double timeout_s_;
  int fd_ = -1;
  pid_t pid_ = -1;
  long next_id_ = 1;
  std::string buffer_;
};

}  // namespace tp::agents
