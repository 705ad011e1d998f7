#include "core/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace tp {

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

int terminal_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

std::string terminal_progress_line(const std::string& label, double fraction, const std::string& counts,
                                   const std::string& metric, int columns) {
  // One character short of the width: a line that fills the terminal wraps, and every redraw
  // would then leave a cut line behind.
  const size_t room = static_cast<size_t>(std::max(columns - 1, 20));
  constexpr int kBarWidth = 24;
  const int fill = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kBarWidth);
  const std::string bar = "[" + std::string(static_cast<size_t>(fill), '#') + std::string(kBarWidth - fill, '.') + "] ";
  std::string line = label + " " + bar + counts;
  if (line.size() > room) line = label + " " + counts;  // the bar goes first
  if (!metric.empty()) line += " " + metric;
  if (line.size() > room) line = line.substr(0, room - 3) + "...";
  return line;
}

Progress::Progress(std::string label, int64_t total, std::string unit, bool quiet)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      quiet_(quiet),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  if (!finished_ && !quiet_ && tty_) std::fprintf(stderr, "\n");
}

void Progress::update(int64_t done, const std::string& metric) {
  if (quiet_) return;
  if (start_done_ < 0) start_done_ = done;  // rate counts work done in this process (resume)
  last_done_ = done;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since < (tty_ ? 0.1 : log_interval_s_)) return;
  last_draw_ = now;
  draw(done, metric, false);
}

void Progress::note(const std::string& line) {
  if (quiet_) return;
  std::fprintf(stderr, tty_ ? "\r\033[K%s\n" : "%s\n", line.c_str());
  std::fflush(stderr);
  last_draw_ = std::chrono::steady_clock::time_point{};  // the bar comes back at the next update
}

bool Progress::due() const {
  if (quiet_) return false;
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_draw_).count();
  return since >= (tty_ ? 0.1 : log_interval_s_);
}

void Progress::finish(const std::string& metric, bool complete) {
  if (quiet_ || finished_) return;
  finished_ = true;
  draw(complete && last_done_ < total_ ? total_ : last_done_, metric, true);
}

std::string format_rate(double per_second, const std::string& unit) {
  // Slow work (AlphaZero iterations, epochs) reads per minute or per hour, never "0.0/s".
  double shown = per_second;
  const char* per = "/s";
  if (per_second > 0 && per_second < 0.1) {
    shown = per_second * 60;
    per = "/min";
    if (shown < 0.1) {
      shown *= 60;
      per = "/h";
    }
  }
  char buf[32];
  if (shown >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", shown / 1e6);
  else if (shown >= 1e4)
    std::snprintf(buf, sizeof buf, "%.1fk", shown / 1e3);
  else
    std::snprintf(buf, sizeof buf, shown < 10 ? "%.2f" : "%.1f", shown);
  return std::string(buf) + " " + unit + per;
}

void Progress::draw(int64_t done, const std::string& metric, bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done - std::max<int64_t>(start_done_, 0)) / elapsed : 0.0;
  const double frac = total_ > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total_)) : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : -1.0;
  const std::string rate_text = format_rate(rate, unit_);
  if (total_ <= 0) {  // open-ended work (a self-play actor): the count, the rate, the time so far
    char counts[96];
    std::snprintf(counts, sizeof counts, "%lld %s, %s, %s %s", static_cast<long long>(done), unit_.c_str(),
                  rate_text.c_str(), final ? "took" : "running", format_duration(elapsed).c_str());
    if (tty_)
      std::fprintf(stderr, "\r\033[K%s%s",
                   terminal_progress_line(label_, 0.0, counts, metric, terminal_columns()).c_str(), final ? "\n" : "");
    else
      std::fprintf(stderr, "%s: %s %s\n", label_.c_str(), counts, metric.c_str());
    std::fflush(stderr);
    return;
  }
  if (tty_) {
    char counts[96];
    std::snprintf(counts, sizeof counts, "%3.0f%% %lld/%lld %s %s %s", frac * 100.0, static_cast<long long>(done),
                  static_cast<long long>(total_), rate_text.c_str(), final ? "took" : "ETA",
                  final ? format_duration(elapsed).c_str() : format_duration(eta).c_str());
    const std::string line = terminal_progress_line(label_, frac, counts, metric, terminal_columns());
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    if (final) std::fprintf(stderr, "\n");
  } else {
    std::fprintf(stderr, "%s: %lld/%lld %s (%.0f%%) %s, %s %s %s\n", label_.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total_), unit_.c_str(), frac * 100.0, rate_text.c_str(), final ? "took" : "ETA",
                 final ? format_duration(elapsed).c_str() : format_duration(eta).c_str(), metric.c_str());
  }
  std::fflush(stderr);
}

}  // namespace tp
