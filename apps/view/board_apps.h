#pragma once
// `torchplay play --game NAME --agent A` (a person against an agent) and
// `torchplay watch --game NAME --agent A --opponent B` (two agents). No SFML types here, so
// the commands compile in headless builds.
#include <cstdint>
#include <string>

#include "envs/games/game.h"

namespace tp::view {

struct PlayOptions {
  std::string game = "tictactoe";
  std::string game_options;  // "size=9,komi=7.5"
  std::string agent = "mcts:200";
  std::string colour = "first";  // the person's side: first|second or a player name (black, x, ...)
  int simulations = 0;           // checkpoint agents: MCTS simulations per move (0: the run's)
  double fps = 30;
  std::string record_dir;
  uint64_t seed = 1;
  std::string device = "cpu";
  bool quiet = false;
};

// Side 0 or 1 for a --colour value (first, second or the game's player names, any case);
// UsageError naming the accepted words otherwise.
int parse_side(const envs::GameInfo& game, const std::string& colour);

// Runs until the window is closed (close button or Escape). Returns the exit code: 0, or
// 130/143 when SIGINT/SIGTERM closed it.
int play_game(const PlayOptions& options);

struct WatchGameOptions {
  std::string game = "tictactoe";
  std::string game_options;
  std::string agent = "mcts:200";
  std::string opponent = "random";
  int games = 1;            // the agent plays first in odd-numbered games, second in the others
  double move_delay = 0.5;  // seconds between moves
  int simulations = 0;
  double fps = 30;
  std::string record_dir;
  uint64_t seed = 1;
  std::string device = "cpu";
  bool quiet = false;
  bool hold_at_end = false;  // interactive runs: keep the last frame up (WindowOptions)
};

struct WatchGameSummary {
  int games = 0, agent_wins = 0, draws = 0, opponent_wins = 0;
  bool closed_by_user = false;
  int exit_code = 0;  // 130/143 when SIGINT/SIGTERM closed the window
};

WatchGameSummary watch_game(const WatchGameOptions& options);

}  // namespace tp::view
