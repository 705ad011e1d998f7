// The SGF reader: round trips through the writer (handicap, setup stones, passes), the
// grammar SGF files use in the wild (variations, collections, FF[3] names, compressed point
// lists), one-line errors for malformed text, directories with bad files skipped and
// counted, and GNU Go's own SGF (printsgf) as an independent writer.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "agents/gtp/gtp_client.h"
#include "agents/gtp/sgf.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/text.h"
#include "envs/games/go/go_playout.h"
#include "tests/test_util.h"

namespace tp::agents {
namespace {

using envs::Action;
using envs::go::GoParams;
using envs::go::GoState;

constexpr const char* kGnuGo = "/usr/games/gnugo";

std::string error_of(const std::string& text) {
  try {
    parse_sgf(text, "t.sgf");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SgfReader, RoundTripsRandomGamesWithHandicapAndPasses) {
  Rng rng(11);
  envs::go::RandomMovePicker picker;
  for (int g = 0; g < 6; ++g) {
    GoParams p;
    p.size = 5 + 2 * g;  // 5..15
    p.komi = g % 2 ? 0.5 : 7;
    GoState s(p);
    const int n = p.size;
    if (g % 3 == 1) s.set_up({2 * n + 2, n - 1 + n}, {}, 1);  // a two-stone handicap
    if (g % 3 == 2) s.set_up({0}, {n * n - 1}, 0);            // setup stones of both colours
    envs::go::random_playout(s, rng, picker);
    SgfInfo info;
    info.black = "B";
    info.white = "W";
    info.result = s.score_string();
    info.random_opening = g;
    const std::vector<SgfGame> games = parse_sgf(to_sgf(s, info), "g.sgf");
    ASSERT_EQ(games.size(), 1u);
    const SgfGame& r = games[0];
    EXPECT_EQ(r.size, n);
    EXPECT_EQ(r.komi, p.komi);
    EXPECT_EQ(r.moves, s.history());
    EXPECT_EQ(r.setup_black, s.setup_stones(0));
    EXPECT_EQ(r.setup_white, s.setup_stones(1));
    EXPECT_EQ(r.first_player, s.first_player());
    EXPECT_EQ(r.handicap, g % 3 == 1 ? 2 : 0);
    EXPECT_EQ(r.result, s.score_string());
    EXPECT_EQ(r.random_opening, g);
    EXPECT_EQ(r.winner(), s.score() > 0 ? 0 : s.score() < 0 ? 1 : -1);
    EXPECT_GE(r.passes(), 2);
    const GoState back = replay_sgf(r);
    EXPECT_TRUE(back.is_terminal());
    EXPECT_EQ(back.board().hash(), s.board().hash());
    EXPECT_EQ(back.score(), s.score());
  }
}

TEST(SgfReader, ReadsTheGrammarOfRealFiles) {
  // A header before the tree, FF[3] identifiers with lower-case letters, white space and
  // escapes in values, a compressed point list, "tt" as a pass, and variations: the main
  // line takes the first at every branch.
  const std::string text =
      "\xEF\xBB\xBFsaved by some editor\n"
      "(;GaMe[1]FF[3]SiZe[9]KoMi[6.5]HA[2]AddBlack[cc:cd] PL[W] RE[W+Resign]C[a \\] bracket]\n"
      " ;W[ee] (;B[tt];W[dd](;B[ff])(;B[gg])) (;B[aa];W[bb]))\n"
      "(;GM[1]SZ[5];B[cc];W[];B[])";
  const std::vector<SgfGame> games = parse_sgf(text, "x.sgf");
  ASSERT_EQ(games.size(), 2u);
  const SgfGame& g = games[0];
  EXPECT_EQ(g.size, 9);
  EXPECT_EQ(g.komi, 6.5);
  EXPECT_EQ(g.handicap, 2);
  EXPECT_EQ(g.setup_black, (std::vector<Action>{2 * 9 + 2, 3 * 9 + 2}));
  EXPECT_EQ(g.first_player, 1);
  EXPECT_EQ(g.moves, (std::vector<Action>{4 * 9 + 4, 81, 3 * 9 + 3, 5 * 9 + 5}));
  EXPECT_TRUE(g.resigned());
  EXPECT_EQ(g.winner(), 1);
  EXPECT_EQ(g.source, "x.sgf");
  EXPECT_EQ(games[1].source, "x.sgf#2");
  EXPECT_EQ(games[1].moves, (std::vector<Action>{12, 25, 25}));
  EXPECT_EQ(games[1].winner(), -2);
  EXPECT_TRUE(replay_sgf(games[1]).is_terminal());
  EXPECT_EQ(replay_sgf(g).history().size(), 4u);
}

TEST(SgfReader, MalformedTextIsAOneLineErrorNamingTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "no game tree"},
      {"(;SZ[9];B[ee]", "never closes"},
      {"(;SZ[9];B[ee", "unterminated property value"},
      {"(;SZ[9] B ;W[aa])", "without a value"},
      {"(;GM[2]SZ[8])", "not a game of Go"},
      {"(;SZ[9:7])", "not square"},
      {"(;SZ[25])", "outside 5..19"},
      {"(;SZ[nine])", "not a number"},
      {"(;SZ[9]KM[lots])", "not a number"},
      {"(;SZ[9];B[zz])", "off the 9x9 board"},
      {"(;SZ[9];B[e])", "not an SGF point"},
      {"(;SZ[9];B[ee]W[ff])", "two moves in one node"},
      {"(;SZ[9];B[ee];B[ff])", "out of turn"},
      {"(;SZ[9];B[ee];AB[aa])", "setup stones after the first move"},
      {"(;SZ[9]AB[])", "where a stone belongs"},
      {"(;SZ[9]HA[3];W[ee])", "without the handicap stones"},
      {"(;SZ[9]AE[aa])", "AE"},
      {"(;SZ[9](;B[aa]);W[bb])", "a node after a variation"},
      {"(;SZ[9]};B[aa])", "unexpected '}'"},
      {"(;SZ[9](;B[aa]", "never closes"},
  };
  for (const auto& [text, want] : cases) {
    const std::string got = error_of(text);
    EXPECT_NE(got.find(want), std::string::npos) << text << " -> '" << got << "'";
    EXPECT_EQ(got.rfind("t.sgf", 0), 0u) << got;
    EXPECT_EQ(got.find('\n'), std::string::npos) << got;
  }
}

TEST(SgfReader, ReplayNamesTheIllegalMove) {
  const SgfGame g = parse_sgf("(;SZ[5];B[cc];W[dd];B[cc])", "i.sgf")[0];
  try {
    replay_sgf(g);
    FAIL() << "replayed an illegal game";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("move 3 (B C3) is illegal: the point is occupied"), std::string::npos)
        << e.what();
  }
  const SgfGame after = parse_sgf("(;SZ[5];B[];W[];B[cc])", "p.sgf")[0];
  EXPECT_THROW(replay_sgf(after), Error);
}

TEST(SgfReader, DirectoriesSkipAndCountBadFiles) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("sub/deeper"));
  std::ofstream(dir.file("a.sgf")) << "(;GM[1]SZ[9];B[ee];W[cc])";
  std::ofstream(dir.file("sub/b.SGF")) << "(;SZ[9];B[aa])(;SZ[7];B[bb];W[cc])";
  std::ofstream(dir.file("sub/deeper/c.sgf")) << "(;SZ[9];B[ee";     // malformed
  std::ofstream(dir.file("sub/d.sgf")) << "(;SZ[9];B[ee];W[ee])";    // illegal
  std::ofstream(dir.file("notes.txt")) << "(;SZ[9];B[ee])";          // not .sgf
  std::ofstream(dir.file("e.sgf")) << std::string("\0\xff(;;;", 6);  // binary junk
  const SgfCollection c = read_sgf_collection(dir.path());
  EXPECT_EQ(c.files, 5);
  EXPECT_EQ(c.games.size(), 3u);
  EXPECT_EQ(c.skipped, 3);
  ASSERT_EQ(c.errors.size(), 3u);
  std::string all;
  for (const auto& e : c.errors) all += e + "\n";
  EXPECT_NE(all.find("c.sgf"), std::string::npos) << all;
  EXPECT_NE(all.find("d.sgf: move 2"), std::string::npos) << all;
  EXPECT_NE(all.find("e.sgf"), std::string::npos) << all;
  EXPECT_EQ(read_sgf_collection(dir.file("a.sgf")).games.size(), 1u);
  EXPECT_THROW(read_sgf_collection(dir.file("missing")), Error);
}

TEST(SgfReader, SplitsByGameContent) {
  Rng rng(5);
  envs::go::RandomMovePicker picker;
  std::string text;
  for (int g = 0; g < 400; ++g) {
    GoParams p;
    p.size = 5;
    GoState s(p);
    for (int m = 0; m < 12 && !s.is_terminal(); ++m) s.apply(picker.pick(s, rng));
    text += to_sgf(s, SgfInfo{});
  }
  std::vector<SgfGame> games = parse_sgf(text, "many.sgf");
  const GameSplit split = split_by_game(games, 0.1);
  EXPECT_EQ(split.train.size() + split.test.size(), 400u);
  EXPECT_GT(split.test.size(), 20u);  // binomial(400, 0.1): 40 +- 6
  EXPECT_LT(split.test.size(), 60u);
  // The side is the content's: another file name, another order, a copy of every game.
  std::vector<SgfGame> shuffled(games.rbegin(), games.rend());
  for (SgfGame& g : shuffled) g.source = "elsewhere/" + g.source;
  std::vector<SgfGame> doubled = shuffled;
  doubled.insert(doubled.end(), games.begin(), games.end());
  const GameSplit again = split_by_game(doubled, 0.1);
  EXPECT_EQ(again.test.size(), 2 * split.test.size());
  std::set<std::vector<Action>> held_out;
  for (const SgfGame* g : split.test) held_out.insert(g->moves);
  for (const SgfGame* g : again.train) EXPECT_EQ(held_out.count(g->moves), 0u);
  EXPECT_TRUE(split_by_game(games, 0.0).test.empty());
  EXPECT_THROW(split_by_game(games, 1.0), UsageError);
}

TEST(SgfReader, ReadsGnuGosOwnRecords) {
  // GNU Go writes the current position as SGF (printsgf: HA, AB/AW for every stone, PL): an
  // independent writer of setup stones.
  if (access(kGnuGo, X_OK) != 0) GTEST_SKIP() << "gnugo not installed";
  test::TempDir dir;
  GtpClient gnugo(std::string(kGnuGo) + " --mode gtp --chinese-rules --level 0", 60.0);
  gnugo.expect_ok("boardsize 9");
  gnugo.expect_ok("clear_board");
  gnugo.expect_ok("komi 5.5");
  gnugo.expect_ok("fixed_handicap 2");
  GoParams p;
  p.komi = 5.5;
  GoState ours(p);
  ours.set_up({ours.string_to_action("C3"), ours.string_to_action("G7")}, {}, 1);
  for (int i = 0; i < 25; ++i) {
    const std::string colour = ours.current_player() == 0 ? "black" : "white";
    const std::string move = gnugo.expect_ok("genmove " + colour);
    if (to_lower(move) == "resign") break;
    ours.apply(ours.string_to_action(move));
  }
  const std::string path = dir.file("gnugo.sgf");
  gnugo.expect_ok("printsgf " + path);
  const SgfGame g = read_sgf_collection(path).games.at(0);
  EXPECT_EQ(g.size, 9);
  EXPECT_EQ(g.handicap, 2);  // (KM is 5.5 less the stones captured: printsgf folds them into komi)
  EXPECT_TRUE(g.moves.empty());
  EXPECT_EQ(g.first_player, ours.current_player());
  const GoState theirs = replay_sgf(g);
  EXPECT_EQ(theirs.board().hash(), ours.board().hash()) << theirs.to_string() << ours.to_string();
  EXPECT_EQ(theirs.current_player(), ours.current_player());
}

}  // namespace
}  // namespace tp::agents
