// AlphaGo's input planes on hand-set positions: stones, liberties, captures, self-atari,
// liberties after the move, sensibleness, turns since, and ladders (caught, broken by a
// ladder breaker, escaped), and their agreement with the board symmetries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agents/alphago/features.h"
#include "agents/gtp/sgf.h"
#include "core/run_dir.h"
#include "envs/games/board_util.h"
#include "tests/test_util.h"

namespace tp::agents::alphago {
namespace {

using envs::Action;
using envs::go::GoParams;
using envs::go::GoState;

// A position from rows of 'X' (black), 'O' (white) and '.', rows from the top.
GoState position(const std::vector<std::string>& rows, int to_play) {
  GoParams p;
  p.size = static_cast<int>(rows.size());
  GoState s(p);
  std::vector<Action> black, white;
  for (int r = 0; r < p.size; ++r)
    for (int c = 0; c < p.size; ++c) {
      if (rows[r][c] == 'X') black.push_back(r * p.size + c);
      if (rows[r][c] == 'O') white.push_back(r * p.size + c);
    }
  s.set_up(black, white, to_play);
  return s;
}

struct Planes {
  explicit Planes(const GoState& s, FeatureSet set = FeatureSet::kFull, bool colour = false)
      : n(s.size()), data(static_cast<size_t>(num_feature_planes(set, colour)) * n * n) {
    encode_features(s, set, colour, data.data());
  }
  float at(int plane, int row, int col) const { return data[(static_cast<size_t>(plane) * n + row) * n + col]; }
  // The index k of the one-hot group starting at `first` that is set at (row, col); -1 if none.
  int which(int first, int row, int col) const {
    int found = -1;
    for (int k = 0; k < 8; ++k)
      if (at(first + k, row, col) == 1.0f) {
        EXPECT_EQ(found, -1) << "two planes of a one-hot group at " << row << "," << col;
        found = k;
      }
    return found;
  }
  int n;
  std::vector<float> data;
};

TEST(AlphaGoFeatures, StonesOnesZerosAndColourFromTheMoversView) {
  const GoState s = position({".....", ".X...", "..O..", ".....", "....."}, 1);  // White to move
  const Planes f(s, FeatureSet::kFull, true);
  EXPECT_EQ(num_feature_planes(FeatureSet::kFull, true), 49);
  EXPECT_EQ(num_feature_planes(FeatureSet::kStones, false), 4);
  EXPECT_EQ(f.at(kOwn, 2, 2), 1.0f);  // White's stone is the mover's
  EXPECT_EQ(f.at(kOpponent, 1, 1), 1.0f);
  EXPECT_EQ(f.at(kEmptyPoints, 0, 0), 1.0f);
  EXPECT_EQ(f.at(kEmptyPoints, 1, 1), 0.0f);
  float ones = 0, zeros = 0, colour = 0;
  for (int i = 0; i < 25; ++i) {
    ones += f.at(kOnes, i / 5, i % 5);
    zeros += f.at(kZeros, i / 5, i % 5);
    colour += f.at(48, i / 5, i % 5);
  }
  EXPECT_EQ(ones, 25);
  EXPECT_EQ(zeros, 0);
  EXPECT_EQ(colour, 0);  // White to move
  const Planes stones(s, FeatureSet::kStones, false);
  EXPECT_EQ(std::vector<float>(f.data.begin(), f.data.begin() + 4 * 25), stones.data);
}

TEST(AlphaGoFeatures, LibertiesCapturesSelfAtariAndLibertiesAfter) {
  // Black to move. White's A5-C5 has one liberty (D5); Black's A4-C4 has four; A1 is
  // Black's with one liberty, B1 White's with two; E2 White's with three.
  const GoState s = position({"OOO..",  //
                              "XXX..",  //
                              ".....",  //
                              "....O",  //
                              "XO..."},
                             0);
  const Planes f(s);
  EXPECT_EQ(f.which(kLiberties, 0, 0), 0);
  EXPECT_EQ(f.which(kLiberties, 0, 2), 0);
  EXPECT_EQ(f.which(kLiberties, 1, 1), 3);
  EXPECT_EQ(f.which(kLiberties, 4, 0), 0);
  EXPECT_EQ(f.which(kLiberties, 4, 1), 1);
  EXPECT_EQ(f.which(kLiberties, 3, 4), 2);
  EXPECT_EQ(f.which(kLiberties, 2, 2), -1);  // empty points have none
  // D5 captures three and keeps three liberties (C5, E5, D4).
  EXPECT_EQ(f.which(kCaptureSize, 0, 3), 3);
  EXPECT_EQ(f.which(kLibertiesAfter, 0, 3), 2);
  EXPECT_EQ(f.which(kSelfAtariSize, 0, 3), -1);
  // A2 joins A1: two stones, two liberties (A3, B2); captures nothing.
  EXPECT_EQ(f.which(kCaptureSize, 3, 0), 0);
  EXPECT_EQ(f.which(kLibertiesAfter, 3, 0), 1);
  // E1 under White's E2: one liberty (D1), a self-atari of one stone.
  EXPECT_EQ(f.which(kSelfAtariSize, 4, 4), 0);
  EXPECT_EQ(f.which(kLibertiesAfter, 4, 4), 0);
  // Occupied points carry no move features.
  EXPECT_EQ(f.which(kCaptureSize, 1, 1), -1);
  EXPECT_EQ(f.at(kSensible, 1, 1), 0.0f);
  EXPECT_EQ(f.at(kSensible, 2, 2), 1.0f);
}

TEST(AlphaGoFeatures, SensiblenessLeavesOwnEyesAndIllegalMovesOut) {
  const std::vector<std::string> rows = {".X...", "XX...", ".....", ".....", "....."};
  const Planes black(position(rows, 0));
  EXPECT_EQ(black.at(kSensible, 0, 0), 0.0f);        // Black's own eye
  EXPECT_EQ(black.which(kLibertiesAfter, 0, 0), 3);  // legal all the same: the chain keeps 4 liberties
  const Planes white(position(rows, 1));
  EXPECT_EQ(white.at(kSensible, 0, 0), 0.0f);      // suicide for White
  EXPECT_EQ(white.which(kCaptureSize, 0, 0), -1);  // illegal: no move features
  EXPECT_EQ(white.at(kSensible, 2, 2), 1.0f);
}

TEST(AlphaGoFeatures, TurnsSinceCountsMovesBack) {
  GoParams p;
  p.size = 5;
  GoState s(p);
  for (const char* m : {"C3", "D4", "pass", "B2", "E5"}) s.apply(s.string_to_action(m));
  const Planes f(s);
  EXPECT_EQ(f.which(kTurnsSince, 0, 4), 0);  // E5: the last move
  EXPECT_EQ(f.which(kTurnsSince, 3, 1), 1);  // B2
  EXPECT_EQ(f.which(kTurnsSince, 1, 3), 3);  // D4 (the pass was a turn too)
  EXPECT_EQ(f.which(kTurnsSince, 2, 2), 4);  // C3
  EXPECT_EQ(f.which(kTurnsSince, 0, 0), -1);
  for (const char* m : {"A1", "A5", "E1", "D2", "B4"}) s.apply(s.string_to_action(m));
  const Planes later(s);
  EXPECT_EQ(later.which(kTurnsSince, 2, 2), 7);  // ten moves back: ">= 8"
  EXPECT_EQ(later.which(kTurnsSince, 0, 4), 5);
  EXPECT_EQ(later.which(kTurnsSince, 1, 1), 0);  // B4
  // Setup stones are old.
  const Planes setup(position({"X....", ".....", ".....", ".....", "....."}, 1));
  EXPECT_EQ(setup.which(kTurnsSince, 0, 0), 7);
}

// The classic ladder start: White C3 against Black B4, B3, C2. Black's atari from the right
// (D3) leaves White one way out (C4), after which every extension has two liberties and the
// chase runs up and to the right to the edge, unless a White stone (G7) stands on its path.
std::vector<std::string> ladder_rows(bool breaker) {
  std::vector<std::string> rows = {".........",  //
                                   ".........",  //
                                   ".........",  //
                                   ".........",  //
                                   ".........",  //
                                   ".X.......",  //
                                   ".XO......",  //
                                   "..X......",  //
                                   "........."};
  if (breaker) rows[2][6] = 'O';  // on the ladder's diagonal
  return rows;
}

TEST(AlphaGoFeatures, LadderCaptureUnlessABreakerStandsInTheWay) {
  for (bool breaker : {false, true}) {
    const GoState s = position(ladder_rows(breaker), 0);
    const Planes f(s);
    EXPECT_EQ(f.at(kLadderCapture, 6, 3), breaker ? 0.0f : 1.0f) << "breaker " << breaker;
    // The atari from above lets White run to the open side: never a ladder.
    EXPECT_EQ(f.at(kLadderCapture, 5, 2), 0.0f);
    EXPECT_EQ(f.at(kLadderCapture, 0, 0), 0.0f);
    GoState after = s;
    after.apply(after.action_at(6, 3));
    EXPECT_EQ(ladder_captures(after.board(), after.board().point(6, 2)), !breaker);
  }
}

TEST(AlphaGoFeatures, LadderEscapeOnlyWhenTheChaseFails) {
  for (bool breaker : {false, true}) {
    std::vector<std::string> rows = ladder_rows(breaker);
    rows[6][3] = 'X';  // White g3 in atari, White to move
    const Planes f(position(rows, 1));
    EXPECT_EQ(f.at(kLadderEscape, 5, 2), breaker ? 1.0f : 0.0f) << "breaker " << breaker;
    EXPECT_EQ(f.at(kLadderEscape, 0, 0), 0.0f);
  }
}

TEST(AlphaGoFeatures, PlanesFollowTheBoardSymmetries) {
  const GoState s = position(ladder_rows(false), 0);
  const Planes f(s, FeatureSet::kFull, true);
  const int planes = num_feature_planes(FeatureSet::kFull, true);
  for (int k = 0; k < 8; ++k) {
    std::vector<Action> black, white;
    for (Action a : s.setup_stones(0)) black.push_back(s.symmetry_action(k, a));
    for (Action a : s.setup_stones(1)) white.push_back(s.symmetry_action(k, a));
    GoState t;
    t.set_up(black, white, 0);
    const Planes g(t, FeatureSet::kFull, true);
    std::vector<float> mapped(f.data.size());
    envs::transform_board_planes(k, planes, 9, 9, f.data.data(), mapped.data());
    EXPECT_EQ(mapped, g.data) << "symmetry " << k;
  }
}

TEST(AlphaGoFeatures, RealGamesKeepTheOneHotGroupsAndTheLadderBudget) {
  // A GNU Go game whose position before move 50 made the exhaustive ladder reading branch for
  // minutes (loose shapes where both attacker moves keep the chase going): with the reading
  // budget every position of it encodes at once. On every position, each legal move has
  // exactly one capture-size and one liberties-after plane, each stone one liberties and one
  // turns-since plane, and sensible moves are legal ones.
  const std::string path = test::test_data("go/ladder-blowup.sgf");
  const agents::SgfGame game = agents::parse_sgf(read_file(path), path).at(0);
  ASSERT_GE(game.moves.size(), 50u);
  for (size_t m = 0; m <= game.moves.size(); ++m) {
    const GoState s = agents::replay_sgf(game, 1, static_cast<int>(m));
    const Planes f(s);
    for (int r = 0; r < 9; ++r)
      for (int c = 0; c < 9; ++c) {
        const bool legal = s.board().at(r, c) == envs::go::kEmpty && s.is_legal(s.action_at(r, c));
        const bool stone = s.board().at(r, c) != envs::go::kEmpty;
        ASSERT_EQ(f.which(kCaptureSize, r, c) >= 0, legal) << "move " << m << " at " << r << "," << c;
        ASSERT_EQ(f.which(kLibertiesAfter, r, c) >= 0, legal);
        ASSERT_EQ(f.which(kLiberties, r, c) >= 0, stone);
        ASSERT_EQ(f.which(kTurnsSince, r, c) >= 0, stone);
        if (f.at(kSensible, r, c) == 1.0f) {
          ASSERT_TRUE(legal);
        }
        if (f.at(kLadderCapture, r, c) == 1.0f || f.at(kLadderEscape, r, c) == 1.0f) {
          ASSERT_TRUE(legal);
        }
      }
  }
}

}  // namespace
}  // namespace tp::agents::alphago
