#pragma once
// The expert games every supervised stage of the pipeline learns from (the SL policy network,
// the rollout policy): the SGF records under --data of one board size, split into training
// and held-out games by game (split_by_game), with the positions each side gives.
#include <string>
#include <vector>

#include "agents/gtp/sgf.h"
#include "core/options.h"

namespace tp::agents::alphago {

// The options of every stage that learns from expert games: --data, --size, --test-fraction,
// --skip-moves.
struct ExpertDataOptions {
  std::string data;  // a directory of SGF files (or one file)
  int size = 9;      // games of other sizes are left out
  double test_fraction = 0.1;
  int skip_moves = 0;  // positions left out at the start of every game (beyond its random opening)

  void bind(OptionSet& set);
  void validate() const;
};

// The position before game->moves[move].
struct ExpertPosition {
  const SgfGame* game;
  int move;
};

struct ExpertGames {
  // Moves only: split and the positions point into collection.games.
  ExpertGames() = default;
  ExpertGames(ExpertGames&&) = default;
  ExpertGames& operator=(ExpertGames&&) = default;
  ExpertGames(const ExpertGames&) = delete;
  ExpertGames& operator=(const ExpertGames&) = delete;

  SgfCollection collection;  // the games of the chosen size
  int other_sizes = 0;       // games left out for their size
  GameSplit split;           // pointers into collection.games
  std::vector<ExpertPosition> train, test;
  // "N games of 9x9 (M of other sizes, K files left out), split by game: ..."
  std::string describe(int size) const;
};

// Reads `data`; positions start after each game's random opening (SGF TPRO) and `skip_moves`
// more. UsageError when either side of the split has no position.
ExpertGames load_expert_games(const std::string& data, int size, double test_fraction, int skip_moves);

}  // namespace tp::agents::alphago
