#pragma once
// A GTP engine's clock: what time_settings, kgs-time_settings and time_left say, and the
// share of it the next move may take. Main time is spread over the moves a game of the
// board's size still has (at least 10 of the engine's own), byo-yomi periods over their stones,
// and a safety margin is kept for the controller's and the pipe's latency.
#include <string>
#include <vector>

namespace tp::agents {

class GtpClock {
 public:
  // GTP time_settings: main time, then byo-yomi periods of `byo_time` seconds for
  // `byo_stones` stones (Canadian). byo_time > 0 with byo_stones == 0 means no time limit.
  void set(double main_time, double byo_time, int byo_stones);
  // KGS's kgs-time_settings arguments: none | absolute MAIN | byoyomi MAIN PERIOD PERIODS |
  // canadian MAIN PERIOD STONES. Returns "" or what is wrong with them.
  std::string set_kgs(const std::vector<std::string>& args);
  // GTP time_left for the engine's colour: seconds left and stones left in the period (0: in
  // main time).
  void time_left(double seconds, int stones);
  // Seconds the engine used on its own moves (counted when no time_left comes).
  void used(double seconds);
  void new_game();

  bool limited() const { return limited_; }
  // The next move's budget in seconds for a position with `empty_points` empty points
  // (0: no limit).
  double move_budget(int empty_points) const;

 private:
  bool limited_ = false;
  double main_ = 0, byo_time_ = 0;
  int byo_stones_ = 0;
  double left_ = 0;  // of the current period (main time, or byo-yomi when stones_left_ > 0)
  int stones_left_ = 0;
};

}  // namespace tp::agents
