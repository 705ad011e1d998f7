#pragma once
// Drives an external GTP engine ("gnugo --mode gtp --level 1", "torchplay gtp --agent
// mcts:200") as a child process over a socket pair: fork + exec of /bin/sh -c "exec CMD".
// Each command gets an id, the reply's id is checked, and every read has a deadline, so a
// hung or dead engine is a tp::Error naming the engine and the command, never a hang.
#include <sys/types.h>

#include <optional>
#include <string>

namespace tp::agents {

struct GtpReply {
  bool ok = false;   // "=" (true) or "?" (false)
  std::string text;  // the reply without the "=id"/"?id" prefix, trimmed
};

// The reply framing, apart from the socket (so it can be fuzzed): takes the first complete
// reply ("=..." or "?..." at a line start, up to the blank line; CRs already removed) out of
// `buffer`, dropping stray output before it; nullopt while none is complete.
std::optional<std::string> take_gtp_reply(std::string& buffer);
// A reply split into ok and text when its id is `id` ("=12 D4" for id "12"); nullopt otherwise.
std::optional<GtpReply> parse_gtp_reply(const std::string& reply, const std::string& id);

// The winner's colour in a final_score text ("B+3.5", "W+R", "0"): 0 black, 1 white, -1 draw,
// -2 unreadable.
int final_score_winner(const std::string& text);
// A final_score text as a number from Black's view ("W+2.5" -> -2.5; NaN when unreadable).
double final_score_value(const std::string& text);

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
