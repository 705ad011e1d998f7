// Answers files for the Connect Four test positions (pons_positions.h): the columns that keep
// each position's outcome, solved once so that checking a move is a lookup. Oracle: the
// solver's exact score of every column (Connect4Solver::analyze), and the shipped answers
// re-proved for some positions of each set.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "agents/baselines/connect4_solver.h"
#include "agents/baselines/random_player.h"
#include "agents/evaluation/pons_positions.h"
#include "agents/evaluation/position_test.h"
#include "core/error.h"
#include "envs/games/game_registry.h"
#include "tests/test_util.h"

namespace tp::agents {
namespace {

int sign(int v) { return (v > 0) - (v < 0); }

// The columns whose exact score has the position's sign (the definition the answers follow).
uint8_t columns_keeping_the_outcome(const PonsPosition& item, Connect4Solver& oracle) {
  Connect4Position p;
  p.play_sequence(item.moves);
  const std::vector<int> scores = oracle.analyze(p);
  uint8_t good = 0;
  for (int col = 0; col < Connect4Position::kWidth; ++col)
    if (scores[static_cast<size_t>(col)] != Connect4Solver::kInvalidScore &&
        sign(scores[static_cast<size_t>(col)]) >= sign(item.score))
      good |= static_cast<uint8_t>(1u << col);
  return good;
}

TEST(PonsAnswers, SolvedColumnsAreThoseWhoseExactScoreKeepsTheOutcome) {
  auto items = read_pons_positions(test::test_data("connect4/Test_L2_R1"));
  items.resize(40);
  int64_t last = 0;
  solve_good_columns(items, 2, [&](int64_t done) { last = done; });
  EXPECT_EQ(last, 40);
  Connect4Solver oracle(20);
  int some_wrong_column = 0;
  for (const auto& item : items) {
    EXPECT_EQ(item.good_columns, columns_keeping_the_outcome(item, oracle)) << item.moves;
    Connect4Position p;
    p.play_sequence(item.moves);
    int open = 0;
    for (int col = 0; col < Connect4Position::kWidth; ++col) open += p.can_play(col);
    some_wrong_column += __builtin_popcount(item.good_columns) < open;
  }
  EXPECT_GT(some_wrong_column, 10);  // the sets are not trivial: most positions have a mistake to make
  // A position whose file score disagrees with the solver (a won position marked lost is fine:
  // every column keeps a loss; a lost one marked won is not) is refused, naming it.
  std::vector<PonsPosition> wrong;
  for (const auto& item : items)
    if (item.score < 0) {
      wrong.push_back({item.moves, 1, 0});
      break;
    }
  ASSERT_EQ(wrong.size(), 1u);
  try {
    solve_good_columns(wrong, 1);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(wrong[0].moves), std::string::npos) << e.what();
  }
}

TEST(PonsAnswers, WriteReadRoundTripAndTheMistakeRateLooksMovesUp) {
  auto items = read_pons_positions(test::test_data("connect4/Test_L3_R1"));
  items.resize(100);
  solve_good_columns(items, 1);
  test::TempDir dir;
  const std::string path = pons_answers_path(dir.file("set"));
  EXPECT_EQ(path, dir.file("set") + ".answers");
  write_pons_answers(path, items, "two\nheader lines");
  auto read = read_pons_positions(test::test_data("connect4/Test_L3_R1"));
  read.resize(100);
  read_pons_answers(path, read);
  for (size_t i = 0; i < items.size(); ++i) EXPECT_EQ(read[i].good_columns, items[i].good_columns) << i;

  // The same random moves counted by the solver's proofs and by lookups.
  const auto c4 = envs::make_game_registry().make("connect4");
  auto plain = read_pons_positions(test::test_data("connect4/Test_L3_R1"));
  plain.resize(100);
  RandomPlayer proved_player(5), looked_up_player(5), misled_player(5);
  const MistakeRateReport proved = connect4_mistake_rate(plain, *c4, proved_player, {});
  const MistakeRateReport looked_up = connect4_mistake_rate(read, *c4, looked_up_player, {});
  EXPECT_GT(proved.mistakes, 20);
  EXPECT_EQ(looked_up.mistakes, proved.mistakes);
  // Answers that call every open column good: the lookup is what decides.
  for (auto& item : read) {
    Connect4Position p;
    p.play_sequence(item.moves);
    for (int col = 0; col < Connect4Position::kWidth; ++col)
      if (p.can_play(col)) item.good_columns |= static_cast<uint8_t>(1u << col);
  }
  EXPECT_EQ(connect4_mistake_rate(read, *c4, misled_player, {}).mistakes, 0);
}

TEST(PonsAnswers, MalformedAnswersFilesAreRefusedNamingFileAndLine) {
  test::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  const std::vector<PonsPosition> positions = {{"4453", 2, 0}, {"111111", 0, 0}};
  auto refusal = [&](const std::string& path) -> std::string {
    auto items = positions;
    try {
      read_pons_answers(path, items);
    } catch (const DataError& e) {
      return e.what();
    }
    return "accepted";
  };
  auto items = positions;
  read_pons_answers(write("good", "# header\n4453 34\n\n111111 27\n"), items);
  EXPECT_EQ(items[0].good_columns, 0b1100);
  EXPECT_EQ(items[1].good_columns, 0b1000010);
  EXPECT_NE(refusal(dir.file("missing")).find("cannot read"), std::string::npos);
  EXPECT_NE(refusal(write("other", "4453 34\n111112 2\n")).find("other:2"), std::string::npos);
  EXPECT_NE(refusal(write("full", "4453 34\n111111 12\n")).find("full:2"), std::string::npos);
  EXPECT_NE(refusal(write("digit", "4453 38\n111111 2\n")).find("digit:1"), std::string::npos);
  EXPECT_NE(refusal(write("fields", "4453 3 4\n111111 2\n")).find("fields:1"), std::string::npos);
  EXPECT_NE(refusal(write("short", "4453 3\n")).find("1 answers for 2 positions"), std::string::npos);
  EXPECT_NE(refusal(write("long", "4453 3\n111111 2\n7 1\n")).find("long:3"), std::string::npos);
}

// The shipped answers files match their sets line by line, and each set's 8 positions with the
// most stones (the cheapest to prove) are re-proved here.
TEST(PonsAnswers, TheShippedAnswersHold) {
  for (const char* set : {"Test_L3_R1", "Test_L2_R1", "Test_L2_R2", "Test_L1_R1", "Test_L1_R2", "Test_L1_R3"}) {
    SCOPED_TRACE(set);
    const std::string file = test::test_data(std::string("connect4/") + set);
    auto items = read_pons_positions(file);
    ASSERT_EQ(items.size(), 1000u);
    read_pons_answers(pons_answers_path(file), items);
    for (const auto& item : items) {  // in a lost position no move is a mistake
      Connect4Position p;
      p.play_sequence(item.moves);
      uint8_t open = 0;
      for (int col = 0; col < Connect4Position::kWidth; ++col)
        if (p.can_play(col)) open |= static_cast<uint8_t>(1u << col);
      if (item.score < 0) {
        EXPECT_EQ(item.good_columns, open) << item.moves;
      }
    }
    std::vector<PonsPosition> deepest = items;
    std::stable_sort(deepest.begin(), deepest.end(),
                     [](const PonsPosition& a, const PonsPosition& b) { return a.moves.size() > b.moves.size(); });
    deepest.resize(8);
    auto reproved = deepest;
    for (auto& item : reproved) item.good_columns = 0;
    solve_good_columns(reproved, 2);
    for (size_t i = 0; i < deepest.size(); ++i)
      EXPECT_EQ(reproved[i].good_columns, deepest[i].good_columns) << deepest[i].moves;
  }
}

}  // namespace
}  // namespace tp::agents
