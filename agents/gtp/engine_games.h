#pragma once
// Game records for learning from experts: GTP engines (GNU Go at several levels, any engine a
// user names) play each other or themselves, each game from a short random opening so that
// deterministic engines do not replay one game, on several worker threads (each game runs
// its own engine processes, so the games spread over the cores). Every game is drawn from
// (seed, game index) alone: which engines play Black and White, the opening, and the seed
// that replaces "{seed}" in the engines' commands (GNU Go seeds itself from the clock
// otherwise), so a run continued later, with any number of workers, plays the games a
// single run would have.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agents/gtp/match.h"

namespace tp::agents {

struct EngineGamesOptions {
  // Shell commands; Black and White are drawn independently. "{seed}" becomes the game's seed.
  std::vector<std::string> engines;
  int games = 1000;
  int size = 9;
  double komi = 7.0;
  int random_moves = 4;  // each game opens with 0..random_moves random legal moves
  int workers = 2;
  uint64_t seed = 1;
  double timeout_s = 120;  // per GTP command
  int max_moves = 0;       // 0: 3 * size^2
  std::string sgf_dir;     // records go to sgf_dir/game-NNNNNN.sgf (an existing one is kept)

  // UsageError naming the first option out of range (workers must be resolved to >= 1).
  void validate() const;
};

// GNU Go at `level` with the rules torchplay scores by (area scoring), seeded per game.
std::string gnugo_command(int level, const std::string& extra_flags = "");
// "1-10", "1,5,10" or "3" as levels 0..10 (GNU Go's range); UsageError otherwise.
std::vector<int> parse_gnugo_levels(const std::string& text);

// Who plays game `index` and how it opens: the draw play_engine_games makes.
struct EngineGamePlan {
  int black = 0, white = 0;           // indices into options.engines
  std::vector<envs::Action> opening;  // legal random moves, Black first
  uint32_t engine_seed = 0;           // replaces "{seed}" in the engine commands
};
// `command` with every "{seed}" replaced by `seed`.
std::string with_engine_seed(const std::string& command, uint32_t seed);
EngineGamePlan plan_engine_game(const EngineGamesOptions& options, int index);

struct EngineGameRecord {
  int index = 0;
  EngineGamePlan plan;
  MatchGame game;  // game.sgf is written to options.sgf_dir already
  double seconds = 0.0;
  bool existed = false;  // the record was on disk from an earlier run: not played again
};

// Plays games 0..games-1 (skipping those whose record exists) on `workers` threads and calls
// `on_game` for each, one call at a time, in the order games finish. Void games (an engine
// failed) are reported but not written. Stops early when `interrupted` returns true. An
// engine that cannot start is a tp::Error (after the running games end).
void play_engine_games(const EngineGamesOptions& options, const std::function<void(const EngineGameRecord&)>& on_game,
                       const std::function<bool()>& interrupted = {});

// The record's path for game `index`: sgf_dir/game-000001.sgf for index 0.
std::string engine_game_path(const EngineGamesOptions& options, int index);

}  // namespace tp::agents
