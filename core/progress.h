#pragma once
// Progress for long-running commands: on a terminal a single redrawn line with a bar, rate,
// ETA (the time taken, once finished) and the key metric, as wide as the terminal allows;
// otherwise (logs, CI) one plain line every few seconds.
#include <chrono>
#include <cstdint>
#include <string>

namespace tp {

// "16.6k steps/s", "0.80 iterations/min", "2.00 epochs/h": a rate readable at any speed.
std::string format_rate(double per_second, const std::string& unit);

class Progress {
 public:
  // `unit` names what is counted ("steps", "games", "images"); total <= 0: open-ended work,
  // shown as the count, rate and time so far.
  Progress(std::string label, int64_t total, std::string unit, bool quiet);
  ~Progress();
  // Cheap to call often: draws at most 10 times a second (every `log_interval_s` off a tty).
  void update(int64_t done, const std::string& metric = "");
  // True when update() would draw now: lets a caller build an expensive metric only then.
  bool due() const;
  // Draws the final state and ends the line: the total when the work is `complete`, else the
  // count last reported (an interrupted run stops where it stopped, not at 100%).
  void finish(const std::string& metric = "", bool complete = true);
  void set_log_interval(double seconds) { log_interval_s_ = seconds; }
  // A line of its own above the bar (a terminal: the bar is redrawn at the next update).
  void note(const std::string& line);

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

// The terminal's width in columns (stderr's), 80 when it has none.
int terminal_columns();
// The redrawn progress line: "label [####....] counts metric", fitted into `columns` - 1
// characters (the bar is dropped first, then the end cut with "...").
std::string terminal_progress_line(const std::string& label, double fraction, const std::string& counts,
                                   const std::string& metric, int columns);

// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace tp
