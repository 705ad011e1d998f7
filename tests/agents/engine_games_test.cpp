// Game records played by GTP engines (`torchplay engine-games`): the per-game draw of
// engines and opening, the GNU Go level lists, and the command end to end with GNU Go
// (records readable, --resume plays only what is missing, bad options are one-line errors).
#include <gtest/gtest.h>

#include <unistd.h>

#include <set>

#include "agents/gtp/engine_games.h"
#include "agents/gtp/sgf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/run_dir.h"
#include "tests/test_util.h"

namespace tp::agents {
namespace {

bool have_gnugo() { return access("/usr/games/gnugo", X_OK) == 0; }

TEST(EngineGames, EachGameIsDrawnFromTheSeedAndItsIndexAlone) {
  EngineGamesOptions o;
  o.engines = {"a", "b", "c"};
  o.size = 9;
  o.random_moves = 4;
  std::set<int> blacks, whites, lengths;
  int differs = 0;
  for (int i = 0; i < 60; ++i) {
    const EngineGamePlan p = plan_engine_game(o, i);
    const EngineGamePlan again = plan_engine_game(o, i);
    EXPECT_EQ(p.black, again.black);
    EXPECT_EQ(p.white, again.white);
    EXPECT_EQ(p.opening, again.opening);
    EXPECT_EQ(p.engine_seed, again.engine_seed);
    blacks.insert(p.black);
    whites.insert(p.white);
    lengths.insert(static_cast<int>(p.opening.size()));
    envs::go::GoState s;
    for (envs::Action a : p.opening) {
      ASSERT_TRUE(s.is_legal(a));
      ASSERT_NE(a, s.pass_action());
      s.apply(a);
    }
    EngineGamesOptions other = o;
    other.seed = 2;
    const EngineGamePlan q = plan_engine_game(other, i);
    differs += q.opening != p.opening || q.black != p.black || q.white != p.white;
  }
  EXPECT_EQ(blacks, (std::set<int>{0, 1, 2}));
  EXPECT_EQ(whites, (std::set<int>{0, 1, 2}));
  EXPECT_EQ(lengths, (std::set<int>{0, 1, 2, 3, 4}));
  EXPECT_GT(differs, 40);
}

TEST(EngineGames, GnuGoLevelLists) {
  EXPECT_EQ(parse_gnugo_levels("1-3,7"), (std::vector<int>{1, 2, 3, 7}));
  EXPECT_EQ(parse_gnugo_levels("10"), (std::vector<int>{10}));
  EXPECT_THROW(parse_gnugo_levels("11"), UsageError);
  EXPECT_THROW(parse_gnugo_levels("3-1"), UsageError);
  EXPECT_THROW(parse_gnugo_levels("x"), UsageError);
  EXPECT_NE(gnugo_command(5, "--monte-carlo").find("--level 5 --seed {seed} --monte-carlo"), std::string::npos);
  EXPECT_EQ(with_engine_seed("e --seed {seed} -x {seed}", 42), "e --seed 42 -x 42");
  EXPECT_EQ(with_engine_seed("plain", 42), "plain");
}

TEST(EngineGamesCli, GnuGoGamesAreWrittenReadBackAndResumed) {
  if (!have_gnugo()) GTEST_SKIP() << "gnugo not installed";
  test::TempDir dir;
  const std::string run = dir.file("run");
  const test::CommandResult r = test::run_torchplay(
      "engine-games --games 4 --size 7 --gnugo-levels 0,1 --workers 2 "
      "--random-moves 3 --quiet --json --run-dir " +
      run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json j = Json::parse(test::last_line(r.output));
  EXPECT_EQ(j.at("games_played").get<int64_t>(), 4);
  EXPECT_EQ(j.at("void").get<int64_t>(), 0);
  const SgfCollection c = read_sgf_collection(run + "/sgf");
  ASSERT_EQ(c.games.size(), 4u) << (c.errors.empty() ? "" : c.errors[0]);
  EXPECT_EQ(c.skipped, 0);
  for (const SgfGame& g : c.games) {
    EXPECT_EQ(g.size, 7);
    EXPECT_EQ(g.komi, 7.0);
    EXPECT_NE(g.winner(), -2) << g.source;
    EXPECT_NE(g.black.find("gnugo"), std::string::npos);
  }
  const std::string first = read_file(run + "/sgf/game-000001.sgf");
  // The same seed plays the same games on one worker: engines, opening and GNU Go's own seed
  // come from the game's index.
  const std::string solo = dir.file("solo");
  ASSERT_EQ(test::run_torchplay("engine-games --games 2 --size 7 --gnugo-levels 0,1 --workers 1 --random-moves 3 "
                                "--quiet --run-dir " +
                                solo)
                .exit_code,
            0);
  for (const char* name : {"/sgf/game-000001.sgf", "/sgf/game-000002.sgf"})
    EXPECT_EQ(parse_sgf(read_file(solo + name))[0].moves, parse_sgf(read_file(run + name))[0].moves) << name;
  // --resume with more games plays only the missing one and keeps the records on disk.
  const test::CommandResult more = test::run_torchplay("engine-games --resume " + run + " --games 5 --quiet --json");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  const Json k = Json::parse(test::last_line(more.output));
  EXPECT_EQ(k.at("games_played").get<int64_t>(), 1);
  EXPECT_EQ(k.at("games_on_disk_before").get<int64_t>(), 4);
  EXPECT_EQ(read_file(run + "/sgf/game-000001.sgf"), first);
  EXPECT_EQ(read_sgf_collection(run + "/sgf").games.size(), 5u);
  // `torchplay sgf` reads the same directory.
  const test::CommandResult summary = test::run_torchplay("sgf --dir " + run + "/sgf --json");
  ASSERT_EQ(summary.exit_code, 0) << summary.output;
  const Json s = Json::parse(test::last_line(summary.output));
  EXPECT_EQ(s.at("games").get<int64_t>(), 5);
  EXPECT_EQ(s.at("skipped").get<int64_t>(), 0);
  EXPECT_EQ(s.at("sizes").at("7x7").get<int64_t>(), 5);
  EXPECT_EQ(s.at("train_games").get<int64_t>() + s.at("test_games").get<int64_t>(), 5);
}

TEST(EngineGamesCli, UsageErrors) {
  test::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"engine-games --gnugo-levels 11", "not a GNU Go level"},
      {"engine-games --gnugo-levels '' --engines ''", "no engines"},
      {"engine-games --random-moves 50", "--random-moves must be in 0..39"},
      {"engine-games --games 0", "--games must be > 0"},
      {"engine-games --frobnicate 1", "frobnicate"},
      {"engine-games --engines '/nonexistent/engine' --gnugo-levels '' --games 1 --run-dir " + dir.file("x"),
       "/nonexistent/engine"},
      {"sgf", "--dir is required"},
      {"sgf --dir " + dir.file("missing"), "does not exist"},
      {"sgf --dir " + dir.path() + " --test-fraction 1", "--test-fraction must be in [0, 1)"},
  };
  EXPECT_EQ(test::unmet_cli_errors(cases), "");
}

}  // namespace
}  // namespace tp::agents
