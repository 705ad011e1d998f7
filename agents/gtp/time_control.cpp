#include "agents/gtp/time_control.h"

#include <algorithm>
#include <cstdlib>

namespace tp::agents {

namespace {
constexpr double kMarginSeconds = 0.15;  // the controller's and the pipe's latency
constexpr double kMinimumBudget = 0.02;

bool read_number(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end && *end == '\0' && out >= 0 && out < 1e9;
}
}  // namespace

void GtpClock::set(double main_time, double byo_time, int byo_stones) {
  limited_ = !(byo_time > 0 && byo_stones == 0);
  main_ = main_time;
  byo_time_ = byo_time;
  byo_stones_ = byo_stones;
  new_game();
}

std::string GtpClock::set_kgs(const std::vector<std::string>& args) {
  if (args.empty()) return "missing time system (none, absolute, byoyomi or canadian)";
  std::vector<double> v(args.size() - 1);
  for (size_t i = 1; i < args.size(); ++i)
    if (!read_number(args[i], v[i - 1])) return "'" + args[i] + "' is not a number of seconds or stones";
  const std::string& system = args[0];
  if (system == "none" && v.empty()) {
    limited_ = false;
  } else if (system == "absolute" && v.size() == 1) {
    set(v[0], 0, 0);
  } else if (system == "byoyomi" && v.size() == 3) {
    // Japanese byo-yomi: every move may take a period; spare periods are a reserve.
    set(v[0], v[1], v[2] > 0 ? 1 : 0);
    if (v[2] == 0) set(v[0], 0, 0);
  } else if (system == "canadian" && v.size() == 3) {
    if (v[2] == 0) return "canadian byo-yomi needs stones > 0";
    set(v[0], v[1], static_cast<int>(v[2]));
  } else {
    return "syntax error (kgs-time_settings none | absolute MAIN | byoyomi MAIN PERIOD PERIODS | canadian MAIN "
           "PERIOD STONES)";
  }
  return "";
}

void GtpClock::time_left(double seconds, int stones) {
  left_ = seconds;
  stones_left_ = stones;
}

void GtpClock::used(double seconds) {
  if (!limited_) return;
  left_ -= seconds;
  if (stones_left_ > 0) {
    if (--stones_left_ == 0) {  // a period done: a new one starts
      stones_left_ = byo_stones_;
      left_ = byo_time_;
    }
  } else if (left_ <= 0 && byo_stones_ > 0) {
    stones_left_ = byo_stones_;
    left_ = byo_time_;
  }
}

void GtpClock::new_game() {
  left_ = main_;
  stones_left_ = 0;
  if (main_ <= 0 && byo_stones_ > 0) {
    left_ = byo_time_;
    stones_left_ = byo_stones_;
  }
}

double GtpClock::move_budget(int empty_points) const {
  if (!limited_) return 0;
  double budget;
  if (stones_left_ > 0) {
    budget = left_ / stones_left_;
  } else {
    const double moves_to_go = std::max(10.0, empty_points / 3.0);
    budget = left_ / moves_to_go;
    // Byo-yomi follows: a period's share per stone is always there to spend.
    if (byo_stones_ > 0) budget = std::max(budget, byo_time_ / byo_stones_);
  }
  return std::max(kMinimumBudget, budget * 0.95 - kMarginSeconds);
}

}  // namespace tp::agents
