// `torchplay sgf PATH`: what a directory of game records holds, and what torchplay's reader
// makes of it (the games training would use, the files it leaves out and why).
#include <algorithm>
#include <cstdio>
#include <map>

#include "agents/gtp/sgf.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"

namespace tp::app {

namespace {

std::string histogram(const std::map<std::string, int>& counts) {
  std::string s;
  for (const auto& [key, n] : counts) s += (s.empty() ? "" : ", ") + key + ": " + std::to_string(n);
  return s;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

int cmd_sgf(const Args& args) {
  bool json = false;
  std::string path;
  double test_fraction = 0.1;
  OptionSet set(
      "torchplay sgf --dir PATH [--test-fraction 0.1] [--json]\n"
      "Reads every .sgf file under PATH (recursively; or one file) as the AlphaGo-Lee pipeline\n"
      "does and summarises the games: board sizes, komi, handicaps, results, resignations,\n"
      "passes, game lengths, and the files or games left out with the reason.");
  set.add("dir", &path, "a directory of SGF files, or one SGF file")
      .add("test-fraction", &test_fraction, "the share of games held out by the split by game")
      .add_transient("json", &json, "print a one-line JSON summary");
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !path.empty(), "--dir is required");
  TP_CHECK_AS(UsageError, test_fraction >= 0 && test_fraction < 1, "--test-fraction must be in [0, 1)");
  const agents::SgfCollection c = agents::read_sgf_collection(path);
  const agents::GameSplit split = agents::split_by_game(c.games, test_fraction);
  size_t test_moves = 0;
  for (const agents::SgfGame* g : split.test) test_moves += g->moves.size();

  std::map<std::string, int> sizes, komis, handicaps;
  int black = 0, white = 0, draws = 0, unknown = 0, resigned = 0, two_passes = 0;
  size_t moves = 0, shortest = c.games.empty() ? 0 : SIZE_MAX, longest = 0;
  for (const agents::SgfGame& g : c.games) {
    ++sizes[std::to_string(g.size) + "x" + std::to_string(g.size)];
    ++komis[number(g.komi)];
    ++handicaps[std::to_string(g.handicap)];
    const int w = g.winner();
    (w == 0 ? black : w == 1 ? white : w == -1 ? draws : unknown)++;
    resigned += g.resigned() ? 1 : 0;
    const envs::Action pass = g.size * g.size;
    const size_t n = g.moves.size();
    two_passes += n >= 2 && g.moves[n - 1] == pass && g.moves[n - 2] == pass ? 1 : 0;
    moves += n;
    shortest = std::min(shortest, n);
    longest = std::max(longest, n);
  }
  const size_t games = c.games.size();
  std::printf("%s: %d files, %zu games read, %d left out\n", path.c_str(), c.files, games, c.skipped);
  if (games > 0) {
    std::printf("  sizes: %s\n  komi: %s\n  handicap: %s\n", histogram(sizes).c_str(), histogram(komis).c_str(),
                histogram(handicaps).c_str());
    std::printf("  results: Black %d, White %d, draws %d, unknown %d; %d by resignation, %d end in two passes\n", black,
                white, draws, unknown, resigned, two_passes);
    std::printf("  moves per game: %.1f on average (%zu..%zu), %zu in all\n", static_cast<double>(moves) / games,
                shortest, longest, moves);
    std::printf("  split by game (--test-fraction %g): %zu training games, %zu held out (%zu moves)\n", test_fraction,
                split.train.size(), split.test.size(), test_moves);
  }
  for (const std::string& e : c.errors) std::printf("  left out: %s\n", e.c_str());
  if (c.skipped > static_cast<int>(c.errors.size()))
    std::printf("  ... and %d more left out\n", c.skipped - static_cast<int>(c.errors.size()));
  if (json) {
    Json j = Json::object();
    j["files"] = c.files;
    j["games"] = static_cast<int>(games);
    j["skipped"] = c.skipped;
    j["black_wins"] = black;
    j["white_wins"] = white;
    j["draws"] = draws;
    j["unknown_results"] = unknown;
    j["resignations"] = resigned;
    j["two_passes"] = two_passes;
    j["moves"] = static_cast<double>(moves);
    j["train_games"] = static_cast<int>(split.train.size());
    j["test_games"] = static_cast<int>(split.test.size());
    Json s = Json::object();
    for (const auto& [key, n] : sizes) s[key] = n;
    j["sizes"] = s;
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace tp::app
