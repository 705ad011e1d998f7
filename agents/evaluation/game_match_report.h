#pragma once
// A match between two board-game players as `torchplay eval --game` reports it: results from
// the agent's side with 95% intervals, so a command (or a test) only prints the figures.
#include <cstdint>
#include <functional>
#include <string>

#include "agents/alphazero/batched_games.h"
#include "agents/game_player.h"

namespace tp::agents {

struct MatchReport {
  std::string agent, opponent;                     // the players' names
  int games = 0, wins = 0, draws = 0, losses = 0;  // from the agent's side
  double win_rate = 0;
  double wilson_low = 0, wilson_high = 0;  // 95% Wilson interval of the win rate
  double score = 0;                        // win 1, draw 1/2, loss 0, averaged over games
  double score_half_width = 0;             // 95% normal-approximation interval: score +- this
  double mean_game_length = 0;             // plies
  // The same results split by colour: the games where the agent moved first, and second (in
  // Connect Four, say, the first player wins with perfect play).
  MatchScore as_first, as_second;
};

struct MatchEvalOptions {
  int games = 100;
  int parallel = 64;  // games in flight (batched network evaluation)
  uint64_t seed = 1;  // the run seed; games use evaluation_seed(seed) (core/seeds.h)
  // MCTS players choose the first plies of each game in proportion to visits (temperature 1),
  // so that two deterministic agents play different games.
  int temperature_moves = 0;
  std::function<void(int finished)> on_game_done;
};

// Plays `games` games, the agent moving first in even-numbered ones, and reports them.
MatchReport evaluate_match(const envs::GameState& initial, GamePlayer& agent, GamePlayer& opponent,
                           const MatchEvalOptions& options);

// The statistics alone, for an already played match (side a is the agent).
MatchReport match_report(const BatchedPlayResult& result, const std::string& agent, const std::string& opponent);

}  // namespace tp::agents
