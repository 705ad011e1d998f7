// AlphaGo's rollout policy: its fast features against a slow reference (liberties by flood
// on the board after the move, patterns turned by coordinates), their symmetry, playouts, and
// `torchplay train alphago-rollout` learning the committed GNU Go games (tests/data/go).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "agents/alphago/rollout_policy.h"
#include "core/json.h"
#include "core/rng.h"
#include "tests/test_util.h"

namespace tp::agents::alphago {
namespace {

using envs::go::GoBoard;
using envs::go::GoParams;
using envs::go::GoState;

// The ring's (row, col) steps in key order N, NE, E, SE, S, SW, W, NW.
constexpr int kSteps[8][2] = {{-1, 0}, {-1, 1}, {0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}};

int ring_index(int dr, int dc) {
  for (int i = 0; i < 8; ++i)
    if (kSteps[i][0] == dr && kSteps[i][1] == dc) return i;
  return -1;
}

// Symmetry t of a step: t & 3 quarter turns (r, c) -> (c, -r), then a mirror (r, -c) when t >= 4.
void turn(int t, int& dr, int& dc) {
  for (int k = 0; k < (t & 3); ++k) {
    const int r = dr;
    dr = dc;
    dc = -r;
  }
  if (t >= 4) dc = -dc;
}

// The keys of candidate `a`, computed the slow way.
std::vector<uint32_t> reference_keys(const GoState& s, envs::Action a) {
  const GoBoard& b = s.board();
  const int n = s.size(), row = a / n, col = a % n;
  const envs::go::Color me = s.to_play(), opp = envs::go::opponent(me);
  uint32_t cell[8];
  for (int i = 0; i < 8; ++i) {
    const int r = row + kSteps[i][0], c = col + kSteps[i][1];
    if (r < 0 || r >= n || c < 0 || c >= n) {
      cell[i] = 1;
      continue;
    }
    const envs::go::Color v = b.at(r, c);
    if (v == envs::go::kEmpty) {
      cell[i] = 0;
    } else {
      const auto cls = static_cast<uint32_t>(std::min(b.liberties(b.point(r, c)), 3));
      cell[i] = (v == me ? 1u : 4u) + cls;
    }
  }
  int last_row = -100, last_col = -100;
  if (!s.history().empty() && s.history().back() != s.pass_action()) {
    last_row = s.history().back() / n;
    last_col = s.history().back() % n;
  }
  const int last_place = ring_index(last_row - row, last_col - col);
  uint32_t pattern = ~0u, response = ~0u;
  for (int t = 0; t < 8; ++t) {
    uint32_t code = 0;
    for (int i = 0; i < 8; ++i) {
      int dr = kSteps[i][0], dc = kSteps[i][1];
      turn(t, dr, dc);
      code |= cell[i] << (3 * ring_index(dr, dc));
    }
    pattern = std::min(pattern, code);
    if (last_place >= 0) {
      int dr = kSteps[last_place][0], dc = kSteps[last_place][1];
      turn(t, dr, dc);
      response = std::min(response, 1u << 28 | static_cast<uint32_t>(ring_index(dr, dc)) << 24 | code);
    }
  }
  std::vector<uint32_t> keys{pattern};
  if (last_place >= 0) keys.push_back(response);

  GoState after = s;
  after.apply(a);
  const GoBoard& ab = after.board();
  const int p = b.point(row, col);
  const bool capture = ab.stones(opp) < b.stones(opp);
  const int libs_after = ab.liberties(p);
  bool own_in_atari = false, atari = false;
  for (int k = 0; k < 4; ++k) {
    const int q = b.neighbour(p, k);
    if (b.at(q) == me && b.liberties(q) == 1) own_in_atari = true;
    if (b.at(q) == opp && b.liberties(q) == 2) atari = true;
  }
  const uint32_t fixed = 2u << 28;
  if (capture) keys.push_back(fixed | kCapture);
  if (capture && last_row >= 0 && ab.at(last_row, last_col) == envs::go::kEmpty) keys.push_back(fixed | kCaptureLast);
  if (own_in_atari && libs_after >= 2) keys.push_back(fixed | kSaveAtari);
  if (libs_after == 1) keys.push_back(fixed | kSelfAtari);
  if (atari) keys.push_back(fixed | kAtari);
  if (last_row >= 0 && last_place < 0 && std::max(std::abs(row - last_row), std::abs(col - last_col)) == 2)
    keys.push_back(fixed | kNearLast);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<uint32_t> fast_keys(const GoState& s, envs::Action a) {
  RolloutPosition pos;
  prepare_position(s, pos);
  uint32_t keys[kMaxRolloutKeys];
  const int n = rollout_feature_keys(pos, s.board_point(a), keys);
  std::vector<uint32_t> out(keys, keys + n);
  std::sort(out.begin(), out.end());
  return out;
}

// Positions of random games (random candidates, a pass now and then) on 7x7 and 9x9.
template <typename Visit>
void random_positions(int games, Visit visit) {
  Rng rng(11);
  std::vector<envs::Action> candidates;
  for (int g = 0; g < games; ++g) {
    GoParams params;
    params.size = g % 2 ? 9 : 7;
    GoState s(params);
    while (!s.is_terminal() && s.history().size() < 150) {
      rollout_candidates(s, candidates);
      visit(s, candidates);
      const bool pass = candidates.empty() || rng() % 40 == 0;
      s.apply(pass ? s.pass_action() : candidates[rng() % candidates.size()]);
    }
  }
}

TEST(RolloutFeatures, MatchTheSlowReferenceOnRandomPositions) {
  int checked = 0, captures = 0, self_ataris = 0, saves = 0, responses = 0;
  random_positions(12, [&](const GoState& s, const std::vector<envs::Action>& candidates) {
    for (envs::Action a : candidates) {
      const std::vector<uint32_t> fast = fast_keys(s, a), slow = reference_keys(s, a);
      ASSERT_EQ(fast, slow) << "move " << s.action_to_string(a) << " in\n" << s.to_string();
      ++checked;
      for (uint32_t k : slow) {
        captures += k == (2u << 28 | kCapture);
        self_ataris += k == (2u << 28 | kSelfAtari);
        saves += k == (2u << 28 | kSaveAtari);
        responses += (k >> 28) == 1;
      }
    }
  });
  // The random games reach every feature often enough for the comparison to mean something.
  EXPECT_GT(checked, 20000);
  EXPECT_GT(captures, 100);
  EXPECT_GT(self_ataris, 300);
  EXPECT_GT(saves, 50);
  EXPECT_GT(responses, 2000);
}

TEST(RolloutFeatures, AreTheSameUnderEveryBoardSymmetry) {
  Rng rng(5);
  std::vector<envs::Action> candidates;
  GoState s;
  for (int ply = 0; ply < 40; ++ply) {
    rollout_candidates(s, candidates);
    s.apply(candidates[rng() % candidates.size()]);
  }
  rollout_candidates(s, candidates);
  for (int k = 1; k < 8; ++k) {
    GoState turned;
    for (envs::Action a : s.history()) turned.apply(s.symmetry_action(k, a));
    for (envs::Action a : candidates) EXPECT_EQ(fast_keys(s, a), fast_keys(turned, s.symmetry_action(k, a)));
  }
}

TEST(RolloutPolicyTest, KeysAreCanonicalAndSlotsCoverTheirVariants) {
  const uint32_t key = 1u << 28 | 3u << 24 | 0x123456u;
  const uint32_t canonical = canonical_pattern_key(key);
  for (int s = 0; s < 8; ++s) EXPECT_EQ(canonical_pattern_key(transform_pattern_key(key, s)), canonical);
  RolloutPolicy policy;
  const int slot = policy.slot_for(key);
  for (int s = 0; s < 8; ++s) EXPECT_EQ(policy.find_slot(transform_pattern_key(key, s)), slot);
  EXPECT_EQ(policy.slot_for(canonical), slot);
  EXPECT_EQ(policy.num_slots(), 1);
  EXPECT_EQ(policy.find_slot(2u << 28 | kCapture), -1);
}

TEST(RolloutPolicyTest, PlayoutOfADecidedBoardCountsIt) {
  // 5x5: Black everywhere but two eyes. White has no move but suicide, Black only its eyes:
  // both pass and the count is 25 - komi.
  GoParams params;
  params.size = 5;
  params.komi = 7.5;
  GoState s(params);
  std::vector<envs::Action> black;
  for (int a = 0; a < 25; ++a)
    if (a != 6 && a != 18) black.push_back(a);
  s.set_up(black, {}, 1);
  const RolloutPolicy policy;
  Rng rng(1);
  EXPECT_EQ(policy.playout(s, rng), 17.5);
}

TEST(RolloutPolicyTest, PlayoutsEndAndAreSeeded) {
  const RolloutPolicy policy;  // all weights 0: uniform over the candidates
  const GoState empty;
  Rng a(3), b(3);
  double sum = 0;
  for (int i = 0; i < 20; ++i) {
    const double score = policy.playout(empty, a);
    EXPECT_EQ(score, policy.playout(empty, b));
    EXPECT_LE(std::abs(score), 81 + 7.5);
    EXPECT_EQ(score, std::floor(score) + 0.5);  // komi 7.5: never a draw
    sum += score;
  }
  EXPECT_NE(sum, 20 * policy.playout(empty, a));  // not the same game every time
}

TEST(AlphaGoRollout, LearnsGnuGosMovesAndResumes) {
  test::TempDir dir;
  const std::string run = dir.file("run");
  const std::string data = test::test_data("go/gnugo-9x9");
  const test::CommandResult r =
      test::run_torchplay("train alphago-rollout --data " + data +
                          " --epochs 4 --test-fraction 0.2 --timed-playouts 50 --quiet --json --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json j = Json::parse(test::last_line(r.output));
  EXPECT_GT(j.at("test_positions").get<int64_t>(), 200);
  // A uniform choice among ~40 candidates is right 2.5% of the time.
  EXPECT_GT(j.at("test_accuracy").get<double>(), 0.2) << r.output;
  EXPECT_GT(j.at("playouts_per_s").get<double>(), 0.0);
  const test::CommandResult more =
      test::run_torchplay("train alphago-rollout --resume " + run + " --epochs 5 --quiet --json");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  const Json k = Json::parse(test::last_line(more.output));
  EXPECT_EQ(k.at("epochs").get<int64_t>(), 5);
  EXPECT_EQ(k.at("weights").get<int64_t>(), j.at("weights").get<int64_t>());
  EXPECT_GT(k.at("test_accuracy").get<double>(), 0.2) << more.output;
  EXPECT_LT(k.at("test_loss").get<double>(), j.at("test_loss").get<double>() + 0.05) << more.output;
}

TEST(AlphaGoRollout, BadOptionsAreOneLineErrors) {
  test::TempDir dir;
  EXPECT_EQ(test::unmet_cli_errors({
                {"train alphago-rollout --epochs 2", "--data is required"},
                {"train alphago-rollout --data " + dir.file("none"), "none"},
                {"train alphago-rollout --data x --lr 0", "--lr must be > 0"},
                {"train alphago-rollout --data x --test-fraction 1", "--test-fraction must be in (0, 1)"},
            }),
            "");
}

}  // namespace
}  // namespace tp::agents::alphago
