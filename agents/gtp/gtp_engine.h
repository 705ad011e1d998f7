#pragma once
// A Go Text Protocol (version 2) engine over a MoveGenerator. Commands: protocol_version,
// name, version, known_command, list_commands, quit, boardsize, clear_board, komi, play,
// genmove, undo, showboard, final_score, time_settings, kgs-time_settings, time_left. The
// clock each colour has (time_control.h) sets the player's time for each genmove. Every line yields a
// protocol reply ("=id result" or "?id message", then a blank line); malformed lines,
// unknown commands and illegal moves get "?" and leave the engine as it was.
// Rules are torchplay's (go_state.h): positional superko, no suicide, area scoring.
#include <iosfwd>
#include <string>
#include <vector>

#include "agents/gtp/move_generator.h"
#include "agents/gtp/time_control.h"
#include "envs/games/go/go_state.h"

namespace tp::agents {

struct GtpEngineOptions {
  std::string name = "torchplay";
  std::string version;
  envs::go::GoParams params;  // initial board size and komi (boardsize/komi change them)
};

class GtpEngine {
 public:
  GtpEngine(MoveGenerator& generator, GtpEngineOptions options);

  // The full reply to one input line (ending in the blank line), or "" for lines the protocol
  // ignores (empty lines, comments). Never throws.
  std::string handle_line(const std::string& line);
  bool quit_requested() const { return quit_; }
  // Reads commands until quit or end of input, writing (and flushing) each reply.
  void run(std::istream& in, std::ostream& out);

  const envs::go::GoState& state() const { return state_; }
  static const std::vector<std::string>& commands();

 private:
  // Throws GtpFailure (a "?" reply) or returns the success text.
  std::string execute(const std::string& command, const std::vector<std::string>& args);
  void reset(const envs::go::GoParams& params);
  // Brings the side to move to `colour` with a pass for the other side when needed; returns
  // the plies added (0 or 1).
  int bring_to_move(envs::go::Color colour);
  void rebuild(size_t plies);

  MoveGenerator& generator_;
  GtpEngineOptions options_;
  envs::go::GoState state_;
  // Plies each play/genmove added (an out-of-turn move adds an implicit pass first), so undo
  // removes exactly what one command did.
  std::vector<int> command_plies_;
  GtpClock clocks_[2];  // per colour
  bool quit_ = false;
};

}  // namespace tp::agents
