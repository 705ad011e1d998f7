// Go rules: hand-made positions (captures, suicide, ko, scoring) and random games checked
// move by move against a deliberately naive reference implementation (flood fills, a set of
// every earlier board for superko).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "envs/games/go/go_playout.h"
#include "envs/games/go/go_state.h"

namespace tp::envs::go {
namespace {

GoState make(int size, double komi = 7.5) {
  GoParams p;
  p.size = size;
  p.komi = komi;
  return GoState(p);
}

void play(GoState& s, const std::vector<std::string>& moves) {
  for (const auto& m : moves) s.apply(s.string_to_action(m));
}

// The naive reference: a board of chars, every rule by flood fill.
struct NaiveGo {
  int n;
  std::vector<int> b;  // -1 empty, 0 black, 1 white; row-major from the top
  std::set<std::vector<int>> seen;

  explicit NaiveGo(int size) : n(size), b(size * size, -1) { seen.insert(b); }

  std::vector<int> nbrs(int i) const {
    std::vector<int> out;
    const int r = i / n, c = i % n;
    if (r > 0) out.push_back(i - n);
    if (r < n - 1) out.push_back(i + n);
    if (c > 0) out.push_back(i - 1);
    if (c < n - 1) out.push_back(i + 1);
    return out;
  }
  // Stones of the chain through i and its number of distinct liberties.
  int chain(const std::vector<int>& board, int i, std::vector<int>* stones) const {
    std::vector<int> stack{i}, mark(n * n, 0);
    std::set<int> libs;
    mark[i] = 1;
    while (!stack.empty()) {
      const int q = stack.back();
      stack.pop_back();
      if (stones) stones->push_back(q);
      for (int m : nbrs(q)) {
        if (board[m] == -1)
          libs.insert(m);
        else if (board[m] == board[i] && !mark[m]) {
          mark[m] = 1;
          stack.push_back(m);
        }
      }
    }
    return static_cast<int>(libs.size());
  }
  // The board after `who` plays i, or empty when illegal (occupied, suicide, superko).
  std::vector<int> after(int i, int who) const {
    if (b[i] != -1) return {};
    std::vector<int> nb = b;
    nb[i] = who;
    for (int m : nbrs(i)) {
      if (nb[m] == 1 - who && chain(nb, m, nullptr) == 0) {
        std::vector<int> stones;
        chain(nb, m, &stones);
        for (int s : stones) nb[s] = -1;
      }
    }
    if (chain(nb, i, nullptr) == 0) return {};
    if (seen.count(nb)) return {};
    return nb;
  }
};

TEST(GoRules, CapturesSingleStoneAndGroups) {
  GoState s = make(5);
  // White C3 surrounded by black B3 D3 C4 C2.
  play(s, {"B3", "C3", "D3", "A1", "C4", "A2", "C2"});
  EXPECT_EQ(s.cell_owner(2, 2), -1);
  EXPECT_EQ(s.captures(0), 1);
  // A two-stone white group on the edge: A1 A2 (white) captured by B1 after A3 and B2.
  play(s, {"E5", "A3", "E4", "B2", "E3", "B1"});
  EXPECT_EQ(s.cell_owner(4, 0), -1);
  EXPECT_EQ(s.cell_owner(3, 0), -1);
  EXPECT_EQ(s.captures(0), 3);
  EXPECT_EQ(s.board().stones(kWhite), 3);
}

TEST(GoRules, SuicideIsIllegalUnlessItCaptures) {
  GoState s = make(5);
  play(s, {"A2", "E5", "B1", "E4"});
  // White A1 would have no liberty and capture nothing.
  s.apply(s.pass_action());
  EXPECT_EQ(s.check_move(s.string_to_action("A1")), MoveStatus::kSuicide);
  EXPECT_FALSE(s.is_legal(s.string_to_action("A1")));
  EXPECT_THROW(s.apply(s.string_to_action("A1")), Error);
  GoState t = make(5);
  // Black A2 B1 surround A1; white A3 B2 C1 surround black A2 and B1 from outside.
  play(t, {"A2", "A3", "B1", "B2", "E5", "C1"});
  // Black stones A2 and B1 each have only the liberty A1: black A1 is suicide, while
  // white A1 captures both.
  EXPECT_EQ(t.check_move(t.string_to_action("A1")), MoveStatus::kSuicide);
  t.apply(t.pass_action());
  EXPECT_EQ(t.check_move(t.string_to_action("A1")), MoveStatus::kLegal);
  t.apply(t.string_to_action("A1"));
  EXPECT_EQ(t.cell_owner(3, 0), -1);
  EXPECT_EQ(t.cell_owner(4, 1), -1);
  EXPECT_EQ(t.captures(1), 2);
}

TEST(GoRules, KoRecaptureNeedsAMoveElsewhere) {
  GoState s = make(5);
  // Black C4 B3 C2 around C3, white D4 E3 D2 around D3; white C3 then black D3 takes it.
  play(s, {"C4", "D4", "B3", "E3", "C2", "D2", "A5", "C3", "D3"});
  // Black D3 captured white C3 (its last liberty was D3).
  EXPECT_EQ(s.cell_owner(2, 2), -1);
  EXPECT_EQ(s.captures(0), 1);
  // White retaking at C3 would recreate the previous position: ko.
  EXPECT_EQ(s.check_move(s.string_to_action("C3")), MoveStatus::kSuperko);
  play(s, {"A1", "B1"});  // threats elsewhere
  EXPECT_EQ(s.check_move(s.string_to_action("C3")), MoveStatus::kLegal);
  s.apply(s.string_to_action("C3"));
  EXPECT_EQ(s.cell_owner(2, 3), -1);
  EXPECT_EQ(s.check_move(s.string_to_action("D3")), MoveStatus::kSuperko);
  EXPECT_EQ(s.check_move(s.string_to_action("C3")), MoveStatus::kOccupied);
}

TEST(GoRules, TwoPassesEndAndTrompTaylorScore) {
  GoState s = make(5, 0.5);
  // Black wall on column C, white on column D: black owns A..C (15), white D..E (10).
  play(s, {"C1", "D1", "C2", "D2", "C3", "D3", "C4", "D4", "C5", "D5"});
  EXPECT_FALSE(s.is_terminal());
  s.apply(s.pass_action());
  EXPECT_FALSE(s.is_terminal());
  s.apply(s.pass_action());
  EXPECT_TRUE(s.is_terminal());
  EXPECT_DOUBLE_EQ(s.score(), 15 - 10 - 0.5);
  EXPECT_EQ(s.score_string(), "B+4.5");
  EXPECT_EQ(s.returns(), (std::vector<double>{1.0, -1.0}));
  EXPECT_TRUE(s.legal_actions().empty());
  // A neutral point (reaching both colours) counts for nobody.
  GoState t = make(5, 0);
  play(t, {"A1", "E5"});
  int b, w;
  t.board().area(b, w);
  EXPECT_EQ(b, 1);
  EXPECT_EQ(w, 1);
  // An empty board is neutral: 0 - 0 - komi.
  EXPECT_DOUBLE_EQ(make(9).score(), -7.5);
}

TEST(GoRules, PassBetweenStonesResetsThePassCount) {
  GoState s = make(5);
  play(s, {"pass", "C3", "pass"});
  EXPECT_FALSE(s.is_terminal());
  EXPECT_EQ(s.passes(), 1);
}

TEST(GoRules, MaxMovesCutsTheGame) {
  GoState s(parse_go_params("size=5,max_moves=3"));
  play(s, {"A1", "B1", "C1"});
  EXPECT_TRUE(s.is_terminal());
}

TEST(GoRules, TextRoundTripAndGtpVertices) {
  GoState s = make(19);
  for (Action a = 0; a <= s.pass_action(); ++a) EXPECT_EQ(s.string_to_action(s.action_to_string(a)), a);
  EXPECT_EQ(s.action_to_string(0), "A19");
  EXPECT_EQ(s.action_to_string(18), "T19");
  EXPECT_EQ(s.action_to_string(18 * 19 + 8), "J1");  // I is skipped
  EXPECT_EQ(s.string_to_action("j1"), 18 * 19 + 8);
  EXPECT_EQ(s.string_to_action("PASS"), s.pass_action());
  for (const char* bad : {"I5", "A0", "A20", "U1", "", "A", "5A", "A01", "pass1", "Z9", "A-1"})
    EXPECT_THROW(s.string_to_action(bad), Error) << bad;
  GoState nine = make(9);
  EXPECT_THROW(nine.string_to_action("K1"), Error);
  EXPECT_THROW(nine.string_to_action("A10"), Error);
}

TEST(GoRules, ParamsAreValidated) {
  EXPECT_EQ(parse_go_params("").size, 9);
  EXPECT_DOUBLE_EQ(parse_go_params("").komi, 7.5);
  EXPECT_EQ(parse_go_params("size=13,komi=6.5").size, 13);
  EXPECT_EQ(GoState(parse_go_params("history=4")).info().num_planes, 9);
  EXPECT_EQ(GoState().info().num_planes, 17);
  EXPECT_EQ(GoState().info().num_actions, 82);
  for (const char* bad : {"size=4", "size=20", "size=9.5", "komi=7.3", "history=0", "colour=1", "size", "max_moves=-1"})
    EXPECT_THROW(parse_go_params(bad), UsageError) << bad;
  EXPECT_EQ(go_spec().make("size=7")->info().board_height, 7);
}

TEST(GoRules, CloneIsIndependent) {
  GoState s = make(9);
  play(s, {"E5", "D5"});
  auto c = s.clone();
  c->apply(c->string_to_action("F5"));
  EXPECT_EQ(s.history().size(), 2u);
  EXPECT_EQ(c->history().size(), 3u);
  EXPECT_EQ(s.cell_owner(4, 5), -1);
  GoState t = make(9);
  EXPECT_TRUE(t.assign_from(*c));
  EXPECT_EQ(t.history(), c->history());
}

// Random games with every legal move (eye filling included) against the naive reference.
TEST(GoRules, RandomGamesMatchNaiveReference) {
  Rng rng(7);
  int positions = 0;
  for (int game = 0; game < 40; ++game) {
    const int n = game % 3 == 0 ? 5 : game % 3 == 1 ? 6 : 9;
    GoParams p;
    p.size = n;
    p.max_moves = n == 9 ? 150 : 120;
    GoState s(p);
    NaiveGo ref(n);
    while (!s.is_terminal()) {
      const int who = s.current_player();
      std::vector<Action> expected;
      for (int i = 0; i < n * n; ++i)
        if (!ref.after(i, who).empty()) expected.push_back(i);
      expected.push_back(s.pass_action());
      ASSERT_EQ(s.legal_actions(), expected) << s.to_string();
      for (int i = 0; i < n * n; ++i) {
        ASSERT_EQ(s.cell_owner(i / n, i % n), ref.b[i]);
        if (ref.b[i] >= 0) {
          const int lib = ref.chain(ref.b, i, nullptr);
          const int p2 = s.board_point(i);
          ASSERT_EQ(s.board().liberties(p2), lib);
          ASSERT_EQ(s.board().in_atari(p2), lib == 1);
          if (lib == 1) {
            const int q = s.board().atari_liberty(p2);
            ASSERT_EQ(ref.b[s.board().row_of(q) * n + s.board().col_of(q)], -1);
          }
        }
      }
      // Mostly stones, sometimes a pass, so games run long and pass pairs happen.
      Action a = expected[rng.below(static_cast<uint32_t>(expected.size()))];
      if (a == s.pass_action() && expected.size() > 1 && rng.uniform() < 0.9) a = expected[0];
      if (a != s.pass_action()) {
        ref.b = ref.after(a, who);
        ref.seen.insert(ref.b);
      }
      s.apply(a);
      ++positions;
    }
  }
  EXPECT_GT(positions, 3000);
}

TEST(GoRules, PlayoutsEndWithTwoPassesAndAllDeadStonesCaptured) {
  Rng rng(3);
  RandomMovePicker picker;
  for (int game = 0; game < 30; ++game) {
    GoState s = make(9);
    const int moves = random_playout(s, rng, picker);
    EXPECT_GT(moves, 40);
    ASSERT_TRUE(s.is_terminal());
    EXPECT_EQ(s.passes(), 2) << s.to_string();
    // Every empty point is an eye of one colour: no neutral points remain.
    for (Color v : s.board().ownership()) EXPECT_NE(v, kEmpty) << s.to_string();
  }
}

TEST(GoSetup, HandicapStonesThenWhiteMoves) {
  GoState s = make(9);
  const Action c3 = s.string_to_action("C3"), g7 = s.string_to_action("G7");
  s.set_up({c3, g7}, {}, 1);
  EXPECT_EQ(s.current_player(), 1);
  EXPECT_EQ(s.first_player(), 1);
  EXPECT_EQ(s.cell_owner(6, 2), 0);  // C3: row 6 from the top
  EXPECT_EQ(s.cell_owner(2, 6), 0);
  EXPECT_TRUE(s.history().empty());
  EXPECT_FALSE(s.is_legal(c3));
  // The setup position is the game's first: planes show the stones as the opponent's
  // (White to move), and the colour plane is zero.
  std::vector<float> planes(static_cast<size_t>(s.info().num_planes) * 81);
  s.encode(planes.data());
  EXPECT_EQ(planes[81 + 6 * 9 + 2], 1.0f);
  EXPECT_EQ(planes[6 * 9 + 2], 0.0f);
  EXPECT_EQ(planes[16 * 81], 0.0f);
  play(s, {"E5"});
  EXPECT_EQ(s.cell_owner(4, 4), 1);
  EXPECT_EQ(s.current_player(), 0);
  // Area counts the handicap stones.
  EXPECT_EQ(s.setup_stones(0).size(), 2u);
  EXPECT_TRUE(s.setup_stones(1).empty());
}

TEST(GoSetup, RefusesBadSetupsAndKeepsTheState) {
  GoState s = make(5);
  const Action a1 = s.string_to_action("A1"), a2 = s.string_to_action("A2"), b1 = s.string_to_action("B1");
  EXPECT_THROW(s.set_up({a1, a1}, {}, 1), UsageError);    // twice
  EXPECT_THROW(s.set_up({a1}, {a2, b1}, 0), UsageError);  // black A1 without liberties
  EXPECT_THROW(s.set_up({25}, {}, 0), UsageError);        // off the board
  EXPECT_THROW(s.set_up({}, {}, 2), UsageError);
  EXPECT_EQ(s.cell_owner(4, 0), -1);  // nothing was placed by the refused set-ups
  EXPECT_EQ(s.cell_owner(3, 0), -1);
  s.set_up({a2}, {b1}, 0);
  EXPECT_THROW(s.set_up({a1}, {}, 0), UsageError);  // only once
  play(s, {"C3"});
  GoState t = make(5);
  play(t, {"C3"});
  EXPECT_THROW(t.set_up({a1}, {}, 0), UsageError);  // not after a move
}

}  // namespace
}  // namespace tp::envs::go
