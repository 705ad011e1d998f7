#include "agents/alphago/expert_games.h"

#include <cstdio>

#include "core/error.h"

namespace tp::agents::alphago {

void ExpertDataOptions::bind(OptionSet& set) {
  set.add("data", &data, "a directory of SGF game records (torchplay engine-games writes RUN/sgf)")
      .add("size", &size, "board size: games of other sizes are left out")
      .add("test-fraction", &test_fraction, "share of the games held out (split by game)")
      .add("skip-moves", &skip_moves, "positions left out at the start of every game, after its random opening");
}

void ExpertDataOptions::validate() const {
  TP_CHECK_AS(UsageError, !data.empty(), "--data is required (a directory of SGF files)");
  TP_CHECK_AS(UsageError, size >= envs::go::kMinSize && size <= envs::go::kMaxSize, "--size must be in ",
              envs::go::kMinSize, "..", envs::go::kMaxSize);
  TP_CHECK_AS(UsageError, test_fraction > 0 && test_fraction < 1, "--test-fraction must be in (0, 1)");
  TP_CHECK_AS(UsageError, skip_moves >= 0, "--skip-moves must be >= 0");
}

namespace {
std::vector<ExpertPosition> positions_of(const std::vector<const SgfGame*>& games, int skip) {
  std::vector<ExpertPosition> out;
  for (const SgfGame* g : games)
    for (int m = g->random_opening + skip; m < static_cast<int>(g->moves.size()); ++m) out.push_back({g, m});
  return out;
}
}  // namespace

ExpertGames load_expert_games(const std::string& data, int size, double test_fraction, int skip_moves) {
  ExpertGames out;
  out.collection = read_sgf_collection(data);
  std::vector<SgfGame> games;
  for (SgfGame& g : out.collection.games)
    if (g.size == size) games.push_back(std::move(g));
  out.other_sizes = static_cast<int>(out.collection.games.size() - games.size());
  out.collection.games = std::move(games);
  out.split = split_by_game(out.collection.games, test_fraction);
  out.train = positions_of(out.split.train, skip_moves);
  out.test = positions_of(out.split.test, skip_moves);
  TP_CHECK_AS(UsageError, !out.train.empty() && !out.test.empty(), "--data ", data, ": ", out.collection.games.size(),
              " games of size ", size, " give ", out.train.size(), " training and ", out.test.size(),
              " held-out positions; both are needed (more games, or another --test-fraction)");
  return out;
}

std::string ExpertGames::describe(int size) const {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%zu games of %dx%d (%d of other sizes, %d files left out), split by game: %zu training games "
                "(%zu positions), %zu held out (%zu)",
                collection.games.size(), size, size, other_sizes, collection.skipped, split.train.size(), train.size(),
                split.test.size(), test.size());
  return buf;
}

}  // namespace tp::agents::alphago
