#pragma once
// Progress for long-running commands: on a terminal a single redrawn line with a bar, rate,
// ETA and the key metric; otherwise (logs, CI) one plain line every few seconds.
#include <chrono>
#include <cstdint>
#include <string>

namespace tp {

class Progress {
 public:
  // `unit` names what is counted ("steps", "games", "images").
  Progress(std::string label, int64_t total, std::string unit, bool quiet);
  ~Progress();
  // Cheap to call often: draws at most 10 times a second (every `log_interval_s` off a tty).
  void update(int64_t done, const std::string& metric = "");
  // True when update() would draw now: lets a caller build an expensive metric only then.
  bool due() const;
  // Draws the final state and ends the line.
  void finish(const std::string& metric = "");
  void set_log_interval(double seconds) { log_interval_s_ = seconds; }

 private:
  void draw(int64_t done, const std::string& metric, bool final);

  std::string label_, unit_;
  int64_t total_;
  bool quiet_, tty_, finished_ = false;
  double log_interval_s_ = 5.0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  int64_t start_done_ = -1;
  int64_t last_done_ = 0;
};

// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace tp
