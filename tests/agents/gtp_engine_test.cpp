// GTP engine conformance (every command of the protocol subset, ids, errors that leave the
// engine unchanged) and a fuzz test: thousands of random, malformed and hostile lines
// without a crash, each answered by a well-formed reply, the engine usable afterwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "agents/gtp/gtp_engine.h"
#include "core/rng.h"
#include "envs/games/go/go_playout.h"

namespace tp::agents {
namespace {

using envs::go::GoState;

// Random eye-preserving moves; resigns when told to.
class TestGenerator final : public MoveGenerator {
 public:
  std::string name() const override { return "test"; }
  envs::Action generate(const GoState& s) override {
    ++calls;
    if (resign) return kResign;
    return picker_.pick(s, rng_);
  }
  void new_game() override { ++new_games; }
  bool resign = false;
  int calls = 0, new_games = 0;

 private:
  Rng rng_{5};
  envs::go::RandomMovePicker picker_;
};

GtpEngineOptions options(int size = 9) {
  GtpEngineOptions o;
  o.version = "9.9";
  o.params.size = size;
  return o;
}

// A reply is "=[id] text" or "?[id] text" with no empty line inside, ended by one blank line.
bool well_formed(const std::string& reply) {
  if (reply.size() < 3 || (reply[0] != '=' && reply[0] != '?')) return false;
  if (reply.compare(reply.size() - 2, 2, "\n\n") != 0) return false;
  return reply.find("\n\n") == reply.size() - 2;
}

TEST(GtpEngine, AdministrativeCommands) {
  TestGenerator gen;
  GtpEngine e(gen, options());
  EXPECT_EQ(e.handle_line("protocol_version"), "= 2\n\n");
  EXPECT_EQ(e.handle_line("7 protocol_version"), "=7 2\n\n");
  EXPECT_EQ(e.handle_line("name"), "= torchplay\n\n");
  EXPECT_EQ(e.handle_line("version"), "= 9.9\n\n");
  EXPECT_EQ(e.handle_line("known_command genmove"), "= true\n\n");
  EXPECT_EQ(e.handle_line("known_command frobnicate"), "= false\n\n");
  const std::string list = e.handle_line("list_commands");
  std::istringstream lines(list.substr(2));
  std::vector<std::string> listed;
  for (std::string l; std::getline(lines, l) && !l.empty();) listed.push_back(l);
  EXPECT_EQ(listed, GtpEngine::commands());
  EXPECT_EQ(e.handle_line(""), "");
  EXPECT_EQ(e.handle_line("   # a comment"), "");
  EXPECT_EQ(e.handle_line("12 frobnicate").substr(0, 4), "?12 ");
  EXPECT_EQ(e.handle_line("name # trailing comment"), "= torchplay\n\n");
  EXPECT_EQ(e.handle_line("\tname\r"), "= torchplay\n\n");
  EXPECT_FALSE(e.quit_requested());
  EXPECT_EQ(e.handle_line("99 quit"), "=99\n\n");
  EXPECT_TRUE(e.quit_requested());
}

TEST(GtpEngine, BoardsizeClearBoardAndKomi) {
  TestGenerator gen;
  GtpEngine e(gen, options());
  EXPECT_EQ(e.handle_line("boardsize 13"), "=\n\n");
  EXPECT_EQ(e.state().size(), 13);
  EXPECT_EQ(e.handle_line("boardsize 4")[0], '?');
  EXPECT_EQ(e.handle_line("boardsize 25")[0], '?');
  EXPECT_EQ(e.handle_line("boardsize nine")[0], '?');
  EXPECT_EQ(e.handle_line("boardsize")[0], '?');
  EXPECT_EQ(e.state().size(), 13);
  EXPECT_EQ(e.handle_line("play b M13"), "=\n\n");
  EXPECT_EQ(e.handle_line("komi 6.5"), "=\n\n");
  EXPECT_DOUBLE_EQ(e.state().params().komi, 6.5);
  EXPECT_EQ(e.state().history().size(), 1u);  // komi keeps the moves
  EXPECT_EQ(e.handle_line("komi x")[0], '?');
  EXPECT_EQ(e.handle_line("komi nan")[0], '?');
  EXPECT_EQ(e.handle_line("clear_board"), "=\n\n");
  EXPECT_TRUE(e.state().history().empty());
  EXPECT_DOUBLE_EQ(e.state().params().komi, 6.5);
  EXPECT_GE(gen.new_games, 3);
}

TEST(GtpEngine, PlayChecksRulesAndLeavesStateOnError) {
  TestGenerator gen;
  GtpEngine e(gen, options(5));
  EXPECT_EQ(e.handle_line("play black C3"), "=\n\n");
  EXPECT_EQ(e.handle_line("play white c3").substr(0, 15), "? illegal move ");
  EXPECT_EQ(e.handle_line("play w F1").substr(0, 15), "? illegal move ");  // off the 5x5 board
  EXPECT_EQ(e.handle_line("play w I3").substr(0, 15), "? illegal move ");  // no I column
  EXPECT_EQ(e.handle_line("play x C4")[0], '?');
  EXPECT_EQ(e.handle_line("play w")[0], '?');
  EXPECT_EQ(e.state().history().size(), 1u);
  // Ko (the shape of the rules test): white's immediate retake is refused.
  GtpEngine k(gen, options(5));
  for (const char* m : {"b C4", "w D4", "b B3", "w E3", "b C2", "w D2", "b A5", "w C3", "b D3"})
    ASSERT_EQ(k.handle_line(std::string("play ") + m), "=\n\n") << m;
  EXPECT_NE(k.handle_line("play w C3").find("superko"), std::string::npos);
  EXPECT_EQ(k.state().history().size(), 9u);
  // Suicide.
  GtpEngine s(gen, options(5));
  for (const char* m : {"b A2", "w E5", "b B1"}) ASSERT_EQ(s.handle_line(std::string("play ") + m), "=\n\n");
  EXPECT_NE(s.handle_line("play w A1").find("suicide"), std::string::npos);
  // Passes, and the end of the game.
  EXPECT_EQ(s.handle_line("play w pass"), "=\n\n");
  EXPECT_EQ(s.handle_line("play b PASS"), "=\n\n");
  EXPECT_TRUE(s.state().is_terminal());
  EXPECT_EQ(s.handle_line("play w C3")[0], '?');
  EXPECT_EQ(s.handle_line("genmove w"), "= pass\n\n");
}

TEST(GtpEngine, OutOfTurnMovesAndUndo) {
  TestGenerator gen;
  GtpEngine e(gen, options(9));
  EXPECT_EQ(e.handle_line("play b D4"), "=\n\n");
  EXPECT_EQ(e.handle_line("play b E5"), "=\n\n");  // white passed implicitly
  EXPECT_EQ(e.state().history().size(), 3u);
  EXPECT_EQ(e.state().to_play(), envs::go::kWhite);
  EXPECT_EQ(e.handle_line("undo"), "=\n\n");  // removes E5 and the implicit pass
  EXPECT_EQ(e.state().history().size(), 1u);
  EXPECT_EQ(e.state().cell_owner(4, 4), -1);
  EXPECT_EQ(e.handle_line("undo"), "=\n\n");
  EXPECT_TRUE(e.state().history().empty());
  EXPECT_EQ(e.handle_line("undo")[0], '?');
  // Captured stones come back on undo.
  for (const char* m : {"b B9", "w A9", "b A8"}) ASSERT_EQ(e.handle_line(std::string("play ") + m), "=\n\n");
  EXPECT_EQ(e.state().cell_owner(0, 0), -1);
  EXPECT_EQ(e.handle_line("undo"), "=\n\n");
  EXPECT_EQ(e.state().cell_owner(0, 0), 1);  // A9 (row 0 on 9x9) is white again
}

TEST(GtpEngine, GenmoveShowboardFinalScoreAndTime) {
  TestGenerator gen;
  GtpEngine e(gen, options(5));
  const std::string r = e.handle_line("3 genmove b");
  ASSERT_EQ(r.substr(0, 3), "=3 ");
  const std::string vertex = r.substr(3, r.size() - 5);
  EXPECT_EQ(e.state().history().size(), 1u);
  EXPECT_EQ(e.state().action_to_string(e.state().history()[0]), vertex);
  EXPECT_EQ(e.handle_line("genmove b").substr(0, 2), "= ");  // out of turn: white passes first
  EXPECT_EQ(e.state().history().size(), 3u);
  const std::string board = e.handle_line("showboard");
  EXPECT_TRUE(well_formed(board));
  EXPECT_NE(board.find(" A B C D E"), std::string::npos);
  EXPECT_EQ(std::count(board.begin(), board.end(), 'X'), 2 + 1);  // two stones and the legend "X (black)"
  EXPECT_EQ(e.handle_line("final_score"), "= " + e.state().score_string() + "\n\n");
  EXPECT_EQ(e.handle_line("time_settings 300 30 5"), "=\n\n");
  EXPECT_EQ(e.handle_line("time_left b 120 0"), "=\n\n");
  EXPECT_EQ(e.handle_line("time_settings 300 30")[0], '?');
  EXPECT_EQ(e.handle_line("time_left q 1 1")[0], '?');
  gen.resign = true;
  EXPECT_EQ(e.handle_line("genmove w"), "= resign\n\n");
  EXPECT_EQ(e.state().history().size(), 3u);
}

TEST(GtpEngine, RunLoopReadsUntilQuit) {
  TestGenerator gen;
  GtpEngine e(gen, options(9));
  std::istringstream in("1 name\n\n# comment\n2 play b E5\n3 quit\n4 name\n");
  std::ostringstream out;
  e.run(in, out);
  EXPECT_EQ(out.str(), "=1 torchplay\n\n=2\n\n=3\n\n");
}

// Fuzz: random mixes of real commands, arguments, junk, control bytes and long lines.
TEST(GtpEngine, FuzzNeverCrashesAndAlwaysAnswersWellFormed) {
  TestGenerator gen;
  GtpEngine e(gen, options(9));
  Rng rng(99);
  const std::vector<std::string> commands = {"protocol_version",
                                             "name",
                                             "version",
                                             "known_command",
                                             "list_commands",
                                             "boardsize",
                                             "clear_board",
                                             "komi",
                                             "play",
                                             "genmove",
                                             "undo",
                                             "showboard",
                                             "final_score",
                                             "time_settings",
                                             "time_left",
                                             "frobnicate",
                                             "PLAY",
                                             "",
                                             "=",
                                             "?",
                                             "quit_not"};
  const std::vector<std::string> args = {"b",
                                         "w",
                                         "black",
                                         "white",
                                         "B",
                                         "x",
                                         "A1",
                                         "J9",
                                         "T19",
                                         "I5",
                                         "Z0",
                                         "pass",
                                         "resign",
                                         "9",
                                         "5",
                                         "19",
                                         "4",
                                         "-3",
                                         "7.5",
                                         "1e309",
                                         "nan",
                                         "inf",
                                         "99999999999999999999",
                                         "0",
                                         "a",
                                         "#",
                                         "\t",
                                         "E5",
                                         "e5",
                                         "K10",
                                         "D4"};
  int replies = 0, errors = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string line;
    const int kind = static_cast<int>(rng.below(10));
    if (kind < 6) {  // a command with random arguments, sometimes with an id
      if (rng.bernoulli(0.3)) line += std::to_string(rng.below(1000)) + " ";
      line += commands[rng.below(static_cast<uint32_t>(commands.size()))];
      const int nargs = static_cast<int>(rng.below(4));
      for (int a = 0; a < nargs; ++a) line += " " + args[rng.below(static_cast<uint32_t>(args.size()))];
    } else if (kind < 8) {  // random bytes, control characters included
      const int n = static_cast<int>(rng.below(60));
      for (int c = 0; c < n; ++c) line += static_cast<char>(rng.below(256));
    } else if (kind == 8) {  // a very long line
      line = std::string(rng.below(20000) + 1, static_cast<char>('a' + rng.below(26)));
    } else {  // malformed ids
      line = rng.bernoulli(0.5) ? "12a name" : "0000000000000000000001 name";
    }
    if (line.rfind("quit", 0) == 0) continue;
    const std::string reply = e.handle_line(line);
    if (reply.empty()) continue;
    ++replies;
    ASSERT_TRUE(well_formed(reply)) << "line: " << line << "\nreply: " << reply;
    errors += reply[0] == '?';
    ASSERT_FALSE(e.quit_requested());
    // The engine's position is always a legal game: replaying its moves works.
    if (i % 100 == 0) {
      GoState check(e.state().params());
      for (envs::Action a : e.state().history()) ASSERT_NO_THROW(check.apply(a));
    }
  }
  EXPECT_GT(replies, 4000);
  EXPECT_GT(errors, 1000);
  EXPECT_LT(errors, replies);  // real commands went through too
  // Still usable.
  EXPECT_EQ(e.handle_line("5 protocol_version"), "=5 2\n\n");
  EXPECT_EQ(e.handle_line("boardsize 9"), "=\n\n");
  EXPECT_EQ(e.handle_line("play b E5"), "=\n\n");
  EXPECT_EQ(e.handle_line("genmove w").substr(0, 2), "= ");
}

}  // namespace
}  // namespace tp::agents
