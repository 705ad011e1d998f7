// The GTP client (real child processes, deadlines, dead engines), the SGF writer (read back
// by GNU Go) and the match runner / `torchplay match` (forfeits, SGF files, JSON).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include "agents/gtp/gtp_client.h"
#include "agents/gtp/match.h"
#include "agents/gtp/sgf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/rng.h"
#include "core/timer.h"
#include "envs/games/go/go_playout.h"
#include "tests/test_util.h"

namespace tp::agents {
namespace {

constexpr const char* kGnuGo = "/usr/games/gnugo";

bool have_gnugo() { return access(kGnuGo, X_OK) == 0; }

TEST(GtpClient, TalksToTorchplayGtp) {
  GtpClient c(test::torchplay_bin() + " gtp --agent random --size 7", 60.0);
  EXPECT_EQ(c.expect_ok("protocol_version"), "2");
  EXPECT_EQ(c.expect_ok("name"), "torchplay");
  EXPECT_TRUE(c.knows("genmove"));
  EXPECT_FALSE(c.knows("frobnicate"));
  EXPECT_TRUE(c.send("play b D4").ok);
  const GtpReply occupied = c.send("play w D4");
  EXPECT_FALSE(occupied.ok);
  EXPECT_NE(occupied.text.find("illegal move"), std::string::npos);
  EXPECT_THROW(c.expect_ok("play w D4"), Error);
  const std::string move = c.expect_ok("genmove w");
  EXPECT_FALSE(move.empty());
  const std::string board = c.expect_ok("showboard");
  EXPECT_NE(board.find("X"), std::string::npos);  // multi-line replies arrive whole
  EXPECT_TRUE(c.send("name").ok);                 // and the stream stays in step
}

TEST(GtpClient, DeadOrSilentEnginesAreErrorsNotHangs) {
  {
    GtpClient silent("sleep 30", 0.3);
    Timer t;
    EXPECT_THROW(silent.send("name"), Error);
    EXPECT_LT(t.seconds(), 10.0);
    EXPECT_THROW(silent.send("name"), Error);  // unusable afterwards, still no hang
  }
  {
    GtpClient gone("true", 5.0);
    EXPECT_THROW(gone.send("name"), Error);
  }
  {
    GtpClient missing("/nonexistent/engine --gtp", 5.0);
    EXPECT_THROW(missing.send("name"), Error);
  }
  {
    GtpClient wrong_id("printf '=42 hello\\n\\n'; sleep 5", 5.0);
    EXPECT_THROW(wrong_id.send("name"), Error);
  }
  {
    // Endless output without a reply: refused at 1 MiB, not read until the deadline.
    GtpClient flood("yes '=1 not ending'", 60.0);
    Timer t;
    try {
      flood.send("name");
      ADD_FAILURE() << "a flood was taken as a reply";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("without completing a reply"), std::string::npos) << e.what();
    }
    EXPECT_LT(t.seconds(), 30.0);
  }
  EXPECT_THROW(GtpClient("   ", 1.0), UsageError);
}

TEST(Sgf, WritesHeaderMovesAndPasses) {
  envs::go::GoParams p;
  p.size = 9;
  envs::go::GoState s(p);
  for (const char* m : {"E5", "C3", "pass", "J1"}) s.apply(s.string_to_action(m));
  SgfInfo info;
  info.black = "a]b";
  info.white = "w\\";
  info.result = "B+R";
  const std::string sgf = to_sgf(s, info);
  EXPECT_EQ(sgf.rfind("(;FF[4]GM[1]", 0), 0u);
  for (const char* part :
       {"SZ[9]", "KM[7.5]", "RU[Chinese]", "PB[a\\]b]", "PW[w\\\\]", "RE[B+R]", ";B[ee]", ";W[cg]", ";B[]", ";W[ii]"})
    EXPECT_NE(sgf.find(part), std::string::npos) << part << "\n" << sgf;
  EXPECT_EQ(sgf.substr(sgf.size() - 2), ")\n");
}

TEST(Sgf, GnuGoLoadsOurGamesToTheSamePosition) {
  if (!have_gnugo()) GTEST_SKIP() << "gnugo not installed";
  test::TempDir dir;
  Rng rng(4);
  envs::go::RandomMovePicker picker;
  GtpClient gnugo(std::string(kGnuGo) + " --mode gtp --chinese-rules --level 0", 60.0);
  for (int g = 0; g < 3; ++g) {
    envs::go::GoParams p;
    p.size = g == 0 ? 9 : g == 1 ? 7 : 13;
    p.komi = 6.5;
    envs::go::GoState s(p);
    envs::go::random_playout(s, rng, picker);
    const std::string path = dir.file("g" + std::to_string(g) + ".sgf");
    std::ofstream(path) << to_sgf(s, SgfInfo{});
    gnugo.expect_ok("loadsgf " + path);
    for (int colour = 0; colour < 2; ++colour) {
      std::istringstream theirs(gnugo.expect_ok(colour == 0 ? "list_stones black" : "list_stones white"));
      std::set<std::string> got, want;
      for (std::string v; theirs >> v;) got.insert(v);
      for (int r = 0; r < p.size; ++r)
        for (int c = 0; c < p.size; ++c)
          if (s.cell_owner(r, c) == colour) want.insert(envs::go::gtp_vertex(r, c, p.size));
      EXPECT_EQ(got, want) << "game " << g << " colour " << colour;
    }
    EXPECT_EQ(gnugo.expect_ok("get_komi"), "6.5");
  }
}

// A GTP engine in a few lines of shell that answers every genmove with the same point.
std::string write_stubborn_engine(const test::TempDir& dir) {
  const std::string path = dir.file("stubborn.sh");
  std::ofstream(path) << "#!/bin/sh\n"
                         "while read id cmd rest; do\n"
                         "  case \"$cmd\" in\n"
                         "    protocol_version) printf '=%s 2\\n\\n' \"$id\" ;;\n"
                         "    name) printf '=%s stubborn\\n\\n' \"$id\" ;;\n"
                         "    genmove) printf '=%s C3\\n\\n' \"$id\" ;;\n"
                         "    quit) printf '=%s\\n\\n' \"$id\"; exit 0 ;;\n"
                         "    *) printf '=%s\\n\\n' \"$id\" ;;\n"
                         "  esac\n"
                         "done\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

TEST(Match, IllegalMovesForfeitAndColoursAlternate) {
  test::TempDir dir;
  MatchOptions o;
  o.engine_a = write_stubborn_engine(dir);
  o.engine_b = test::torchplay_bin() + " gtp --agent random --seed 3";
  o.size = 5;
  o.games = 2;
  o.log_dir = dir.path();
  MatchRunner runner(o);
  EXPECT_EQ(runner.name_a(), "stubborn");
  EXPECT_EQ(runner.name_b(), "torchplay");
  std::vector<MatchGame> games;
  for (int i = 0; i < 2; ++i) games.push_back(runner.play_game(i));
  for (const auto& g : games) {
    // C3 is legal once; the second C3 (or C3 after the opponent took it) is a forfeit, unless
    // the random opponent passed twice in a row first.
    if (g.end == "illegal move") {
      EXPECT_EQ(g.winner, 1) << g.detail;
      EXPECT_EQ(g.result, g.a_is_black ? "W+F" : "B+F");
      EXPECT_NE(g.detail.find("occupied"), std::string::npos) << g.detail;
    }
    EXPECT_NE(g.sgf.find("RE[" + g.result + "]"), std::string::npos);
  }
  EXPECT_TRUE(games[0].a_is_black);
  EXPECT_FALSE(games[1].a_is_black);
  const MatchSummary s = summarize(games);
  EXPECT_EQ(s.games, 2);
  EXPECT_EQ(s.a_wins + s.b_wins + s.draws + s.voids, 2);
  EXPECT_GE(s.illegal_moves, 1);
}

// A random player passes with dead stones on the board; GNU Go's count then differs from
// Tromp-Taylor, so the runner undoes the passes and GNU Go captures the dead stones with
// kgs-genmove_cleanup: afterwards both counts agree.
TEST(Match, CleanupPhaseMakesTrompTaylorAgreeWithGnuGo) {
  if (!have_gnugo()) GTEST_SKIP() << "gnugo not installed";
  MatchOptions o;
  o.engine_a = test::torchplay_bin() + " gtp --agent random --seed 5";
  o.engine_b = std::string(kGnuGo) + " --mode gtp --level 0 --chinese-rules";
  o.size = 7;
  o.games = 2;
  MatchRunner runner(o);
  int cleaned = 0;
  for (int i = 0; i < 2; ++i) {
    const MatchGame g = runner.play_game(i);
    ASSERT_TRUE(g.scored) << g.end << " " << g.detail;
    cleaned += g.end == "two passes after cleanup";
    ASSERT_FALSE(g.opinion_b.empty());
    EXPECT_EQ(g.opinion_b.substr(0, 2), g.result.substr(0, 2)) << g.opinion_b << " vs " << g.result;
    EXPECT_DOUBLE_EQ(std::atof(g.opinion_b.c_str() + 2), std::atof(g.result.c_str() + 2));
    EXPECT_EQ(g.winner, 1);  // GNU Go beats random play
  }
  EXPECT_GE(cleaned, 1);
}

TEST(Match, SummaryAndWilsonInterval) {
  std::vector<MatchGame> games(10);
  for (int i = 0; i < 10; ++i) {
    games[i].winner = i < 6 ? 0 : i < 8 ? 1 : -1;
    games[i].result = i < 8 ? "B+1.5" : "0";
    games[i].end = "two passes";
  }
  games[9].void_game = true;
  const MatchSummary s = summarize(games);
  EXPECT_EQ(s.a_wins, 6);
  EXPECT_EQ(s.b_wins, 2);
  EXPECT_EQ(s.draws, 1);
  EXPECT_EQ(s.voids, 1);
  EXPECT_NEAR(s.a_score_rate, 6.5 / 9, 1e-12);
  EXPECT_LT(s.ci_low, s.a_score_rate);
  EXPECT_GT(s.ci_high, s.a_score_rate);
  double lo, hi;
  wilson_interval(0.5, 100, 1.96, lo, hi);
  EXPECT_NEAR(lo, 0.4038, 1e-3);  // the textbook value for 50/100
  EXPECT_NEAR(hi, 0.5962, 1e-3);
}

TEST(MatchCli, AgainstGnuGoWritesSgfFilesAndJson) {
  if (!have_gnugo()) GTEST_SKIP() << "gnugo not installed";
  test::TempDir dir;
  const std::string run = dir.file("run");
  const auto r =
      test::run_torchplay("match --black '" + test::torchplay_bin() + " gtp --agent random' --white '" + kGnuGo +
                          " --mode gtp --level 0 --chinese-rules' --games 2 --size 5 --komi 0.5 --quiet"
                          " --json --run-dir " +
                          run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string last = r.output.substr(r.output.rfind('{'));
  const Json j = Json::parse(last);
  EXPECT_EQ(j.at("games").get<int64_t>(), 2);
  EXPECT_EQ(j.at("illegal_moves").get<int64_t>(), 0);
  EXPECT_EQ(j.at("void").get<int64_t>(), 0);
  EXPECT_EQ(j.at("name_b").get<std::string>(), "GNU Go");
  EXPECT_EQ(j.at("results").size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(run + "/sgf/game-001.sgf"));
  EXPECT_TRUE(std::filesystem::exists(run + "/sgf/game-002.sgf"));
  EXPECT_TRUE(std::filesystem::exists(run + "/config.ini"));
  EXPECT_TRUE(std::filesystem::exists(run + "/metrics.csv"));
}

TEST(MatchCli, UsageErrors) {
  EXPECT_EQ(test::run_torchplay("match --white gnugo").exit_code, 2);
  EXPECT_EQ(test::run_torchplay("match --black a --white b --games 0").exit_code, 2);
  EXPECT_EQ(test::run_torchplay("match --black a --white b --size 3").exit_code, 2);
  EXPECT_EQ(test::run_torchplay("gtp --agent frobnicate").exit_code, 2);
  const auto fraction = test::run_torchplay("match --black a --white b --move-time 0.5");
  EXPECT_EQ(fraction.exit_code, 2);
  EXPECT_NE(fraction.output.find("--move-time must be a whole number of seconds, not 0.5"), std::string::npos)
      << fraction.output;
  EXPECT_EQ(test::run_torchplay("gtp --size 30").exit_code, 2);
  // An engine that is not GTP at all: a runtime failure with one line.
  const auto r = test::run_torchplay("match --black 'echo hi' --white 'echo ho' --games 1 --timeout 2 --run-dir " +
                                     test::TempDir().path() + "/x");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

TEST(GtpCli, PipedSessionThroughTheRealBinary) {
  test::TempDir dir;
  std::ofstream(dir.file("in.txt")) << "1 boardsize 5\n2 play b C3\n3 play w C3\n\x01\x02 garbage\n4 genmove w\n"
                                       "5 final_score\n6 quit\n";
  const auto r = test::run_command(test::torchplay_bin() + " gtp --agent random < " + dir.file("in.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("=1\n\n=2\n\n?3 illegal move", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("=4 "), std::string::npos);
  EXPECT_NE(r.output.find("=5 "), std::string::npos);
  EXPECT_NE(r.output.find("=6\n\n"), std::string::npos);
}

// The process level of the fuzz test: 3000 hostile lines piped into the real binary; it must
// exit normally after answering the final command.
TEST(GtpCli, FuzzedInputThroughTheRealBinary) {
  test::TempDir dir;
  Rng rng(17);
  const std::vector<std::string> words = {"play",
                                          "genmove",
                                          "undo",
                                          "boardsize",
                                          "komi",
                                          "b",
                                          "w",
                                          "pass",
                                          "E5",
                                          "A1",
                                          "T19",
                                          "I9",
                                          "7",
                                          "-1",
                                          "5",
                                          "showboard",
                                          "final_score",
                                          "clear_board",
                                          "known_command",
                                          "time_left",
                                          "x",
                                          "1e999",
                                          "list_commands"};
  std::string input;
  for (int i = 0; i < 3000; ++i) {
    if (rng.bernoulli(0.2)) {
      const int n = static_cast<int>(rng.below(40));
      for (int c = 0; c < n; ++c) {
        char ch = static_cast<char>(rng.below(256));
        if (ch == '\n') ch = ' ';
        input += ch;
      }
    } else {
      const int n = 1 + static_cast<int>(rng.below(4));
      for (int w = 0; w < n; ++w) input += words[rng.below(static_cast<uint32_t>(words.size()))] + " ";
    }
    input += "\n";
  }
  input += "424242 protocol_version\n";
  std::ofstream(dir.file("fuzz.txt"), std::ios::binary) << input;
  const auto r = test::run_command(test::torchplay_bin() + " gtp --agent random --size 7 < " + dir.file("fuzz.txt"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("=424242 2\n\n"), std::string::npos);
  int replies = 0;
  for (size_t pos = 0; (pos = r.output.find("\n\n", pos)) != std::string::npos; pos += 2) ++replies;
  EXPECT_GT(replies, 2000);
}

}  // namespace
}  // namespace tp::agents
