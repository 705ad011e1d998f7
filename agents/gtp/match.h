#pragma once
// Matches between two GTP engines, refereed by torchplay's own Go rules: every move is
// checked before it is passed on, games end on two passes, a resignation, an illegal move
// (a forfeit) or the move cap, and are scored by Tromp-Taylor area; each engine that knows
// final_score gives its own count as a second opinion. Engine A (--black) takes Black in the
// even-numbered games (0, 2, ...) and White in the others when colours alternate.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/gtp/gtp_client.h"
#include "envs/games/go/go_state.h"
#include "core/stats.h"

namespace tp::agents {

struct MatchOptions {
  std::string engine_a;  // shell command of engine A (Black in game 0)
  std::string engine_b;
  int games = 20;
  int size = 9;
  double komi = 7.5;
  bool alternate = true;
  int max_moves = 0;       // plies before a game is cut off and scored; 0: 3 * size^2
  double timeout_s = 120;  // per GTP command
  // After two passes, when an engine's final_score differs from the Tromp-Taylor count
  // (dead stones left on the board), undo both passes and play on with kgs-genmove_cleanup
  // for the engines that know it (KGS's cleanup phase), then count again.
  bool cleanup = true;
  std::string log_dir;  // engines' stderr goes to log_dir/engine-{a,b}.log ("" discards)
  // Player names in the SGF records ("" : the engine's GTP name).
  std::string label_a, label_b;
  // Seconds per move (0: none): engines that know time_settings get Canadian byo-yomi of this
  // many seconds per stone and a time_left before each genmove; moves over it are counted.
  double move_time = 0;
};

struct MatchGame {
  int index = 0;
  bool a_is_black = true;
  std::string end;         // "two passes", "two passes after cleanup", "resignation", "illegal move",
                           // "move limit", "move rejected", "engine failure", "interrupted"
  std::string result;      // SGF RE: "B+3.5", "W+R", "B+F" (forfeit), "0", "Void"
  int winner = -1;         // 0 engine A, 1 engine B, -1 draw or void
  bool void_game = false;  // no result (an engine failed or rejected a legal move)
  double score = 0.0;      // Tromp-Taylor, Black's view (when the game ended on the board)
  bool scored = false;
  int moves = 0;
  std::string detail;                // what went wrong, for illegal moves and void games
  std::string opinion_a, opinion_b;  // final_score of each engine ("" when not available)
  std::string sgf;                   // the game record
  // Per engine (0 A, 1 B): the longest genmove in seconds, and genmoves over move_time.
  double longest_move[2] = {0, 0};
  int late_moves[2] = {0, 0};
};

class MatchRunner {
 public:
  explicit MatchRunner(MatchOptions options);
  ~MatchRunner();
  // Plays game `index` (colours from the index). Engine failures make a void game and the
  // failed engine is restarted for the next one. `opening`: moves played for both sides
  // before the engines take over (each must be legal; both engines are told with `play`).
  MatchGame play_game(int index, const std::function<bool()>& interrupted = {},
                      const std::vector<envs::Action>& opening = {});
  const MatchOptions& options() const { return options_; }
  // Engine names from GTP `name` (or the command when it has none).
  const std::string& name_a() const { return names_[0]; }
  const std::string& name_b() const { return names_[1]; }

 private:
  void start(int engine);
  int move_clock_seconds() const;
  MatchOptions options_;
  std::unique_ptr<GtpClient> engines_[2];
  std::string names_[2];
};

struct MatchSummary {
  int games = 0, a_wins = 0, b_wins = 0, draws = 0, voids = 0;
  int illegal_moves = 0;                 // forfeits
  int opinions = 0, opinions_agree = 0;  // engines' final_score with the same winner as ours
  double a_score_rate = 0.0;             // (wins + draws / 2) / decided games
  double ci_low = 0.0, ci_high = 0.0;    // 95% Wilson interval of a_score_rate
  double longest_move[2] = {0, 0};       // per engine, over all games
  int late_moves[2] = {0, 0};            // genmoves over MatchOptions::move_time
};
MatchSummary summarize(const std::vector<MatchGame>& games);

// Wilson score interval (core/stats.h), used for MatchSummary's confidence interval.
using tp::wilson_interval;

}  // namespace tp::agents
