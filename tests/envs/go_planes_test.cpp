// Go input planes (AlphaGo Zero layout) and the 8 board symmetries.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/rng.h"
#include "envs/games/go/go_playout.h"
#include "envs/games/go/go_state.h"

namespace tp::envs::go {
namespace {

std::vector<float> planes_of(const GoState& s) {
  std::vector<float> out(static_cast<size_t>(s.info().num_planes) * s.size() * s.size(), -1.0f);
  s.encode(out.data());
  return out;
}

float at(const std::vector<float>& planes, int plane, int row, int col, int n) {
  return planes[(static_cast<size_t>(plane) * n + row) * n + col];
}

TEST(GoPlanes, HistoryOfBothColoursAndColourToPlay) {
  GoParams p;
  p.size = 5;
  p.history = 3;
  GoState s(p);
  ASSERT_EQ(s.info().num_planes, 7);
  auto x = planes_of(s);
  for (int i = 0; i < 6 * 25; ++i) EXPECT_EQ(x[i], 0.0f);
  for (int i = 6 * 25; i < 7 * 25; ++i) EXPECT_EQ(x[i], 1.0f);  // black to play
  s.apply(s.string_to_action("A5"));                            // black (row 0, col 0)
  s.apply(s.string_to_action("B5"));                            // white (row 0, col 1)
  s.apply(s.string_to_action("C5"));                            // black (row 0, col 2); white to play now
  x = planes_of(s);
  // t = 0: own (white) B5, opponent (black) A5 and C5.
  EXPECT_EQ(at(x, 0, 0, 1, 5), 1.0f);
  EXPECT_EQ(at(x, 1, 0, 0, 5), 1.0f);
  EXPECT_EQ(at(x, 1, 0, 2, 5), 1.0f);
  // t = 1 (before C5): black has only A5.
  EXPECT_EQ(at(x, 3, 0, 2, 5), 0.0f);
  EXPECT_EQ(at(x, 3, 0, 0, 5), 1.0f);
  EXPECT_EQ(at(x, 2, 0, 1, 5), 1.0f);
  // t = 2 (before B5): no white stone yet.
  EXPECT_EQ(at(x, 4, 0, 1, 5), 0.0f);
  EXPECT_EQ(at(x, 5, 0, 0, 5), 1.0f);
  for (int i = 6 * 25; i < 7 * 25; ++i) EXPECT_EQ(x[i], 0.0f);  // white to play
  int ones = 0;
  for (float v : x) ones += v == 1.0f;
  EXPECT_EQ(ones, 3 + 2 + 1);
}

TEST(GoPlanes, CapturedStonesLeaveThePresentButStayInHistory) {
  GoParams p;
  p.size = 5;
  p.history = 2;
  GoState s(p);
  for (const char* m : {"B5", "A5", "C5", "E1", "A4"}) s.apply(s.string_to_action(m));  // black A4 captures A5
  ASSERT_EQ(s.cell_owner(0, 0), -1);
  const auto x = planes_of(s);         // white to play
  EXPECT_EQ(at(x, 0, 0, 0, 5), 0.0f);  // white A5 gone now
  EXPECT_EQ(at(x, 2, 0, 0, 5), 1.0f);  // but present one move ago
}

// Playing a game and its image under symmetry k gives transformed planes and actions.
TEST(GoPlanes, SymmetriesCommuteWithPlay) {
  Rng rng(11);
  RandomMovePicker picker;
  for (int n : {5, 9}) {
    GoParams p;
    p.size = n;
    p.history = 2;
    GoState s(p);
    for (int i = 0; i < 30 && !s.is_terminal(); ++i) s.apply(picker.pick(s, rng));
    const auto base = planes_of(s);
    for (int k = 0; k < s.num_symmetries(); ++k) {
      GoState t(p);
      for (Action a : s.history()) t.apply(s.symmetry_action(k, a));
      std::vector<float> moved(base.size());
      s.transform_planes(k, base.data(), moved.data());
      EXPECT_EQ(planes_of(t), moved) << "symmetry " << k;
      EXPECT_EQ(s.symmetry_action(k, s.pass_action()), s.pass_action());
      // Legal moves map onto legal moves.
      std::vector<Action> mapped;
      for (Action a : s.legal_actions()) mapped.push_back(s.symmetry_action(k, a));
      std::sort(mapped.begin(), mapped.end());
      EXPECT_EQ(mapped, t.legal_actions());
    }
    // The 8 symmetries are distinct permutations.
    std::set<std::vector<Action>> perms;
    for (int k = 0; k < 8; ++k) {
      std::vector<Action> perm;
      for (Action a = 0; a < n * n; ++a) perm.push_back(s.symmetry_action(k, a));
      perms.insert(perm);
    }
    EXPECT_EQ(perms.size(), 8u);
  }
}

}  // namespace
}  // namespace tp::envs::go
