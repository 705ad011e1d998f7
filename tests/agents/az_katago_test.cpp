// KataGo's refinements of AlphaZero's search and self-play (Wu 2019, "Accelerating Self-Play
// Learning in Go"), over hand-made evaluators whose search follows by hand from the rules:
// first-play urgency, forced playouts with policy target pruning, playout cap randomisation;
// and the value target mixed with the search's value (Prasad et al., "Lessons from AlphaZero").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/mcts.h"
#include "core/error.h"
#include "envs/games/game_registry.h"

namespace tp::agents {
namespace {

std::unique_ptr<envs::GameState> empty_board() { return envs::make_game_registry().make("tictactoe"); }

int children_visited(const Mcts& mcts) {
  std::vector<int> visits;
  mcts.visit_counts(visits);
  return static_cast<int>(std::count_if(visits.begin(), visits.end(), [](int v) { return v > 0; }));
}

// Uniform priors; every position is worth -0.6 to X (player 0) and +0.6 to O: X is losing
// whatever it does.
class LosingForX final : public Evaluator {
 public:
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override {
    const int actions = states[0]->info().num_actions;
    std::fill(priors, priors + n * actions, 1.f);
    for (int i = 0; i < n; ++i) values[i] = states[i]->current_player() == 0 ? -0.6f : 0.6f;
  }
};

// With c_puct 0.1 and priors 1/9 the exploration term stays below 0.035 for 10 visits.
// Zero FPU: an unvisited move (Q 0) beats every visited one (Q -0.6), so 9 simulations try
// all 9 moves. Parent FPU: an unvisited move scores the parent's mean -0.6 minus
// 0.2 sqrt(1/9) = -0.667 < -0.6, so all 9 simulations deepen the first move.
TEST(KataGoSearch, FirstPlayUrgencyFromTheParentKeepsALosingSearchNarrow) {
  LosingForX losing;
  MctsOptions o;
  o.simulations = 10;  // the root's own evaluation, then 9 simulations
  o.c_puct = 0.1;
  Mcts zero(o, 1);
  zero.sync(*empty_board());
  zero.search(losing);
  EXPECT_EQ(children_visited(zero), 9);
  o.fpu_parent = true;
  o.fpu_reduction = 0.2;
  Mcts parent(o, 1);
  parent.sync(*empty_board());
  parent.search(losing);
  EXPECT_EQ(children_visited(parent), 1);
  std::vector<int> visits;
  parent.visit_counts(visits);
  EXPECT_EQ(*std::max_element(visits.begin(), visits.end()), 9);
}

// Priors: b2 (the centre) `centre_prior`, a1 `corner_prior`, the rest share what is left.
// Value: a game X opened at b2 or a1 is worth +0.8 to X (-0.8 to O), anything else 0.
class TwoGoodOpenings final : public Evaluator {
 public:
  TwoGoodOpenings(float centre_prior, float corner_prior) : centre_(centre_prior), corner_(corner_prior) {}
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override {
    const int actions = states[0]->info().num_actions;
    for (int i = 0; i < n; ++i) {
      float* p = priors + i * actions;
      std::fill(p, p + actions, (1.f - centre_ - corner_) / 7.f);
      p[kCentre] = centre_;
      p[kCorner] = corner_;
      const auto& h = states[i]->history();
      const bool good = !h.empty() && (h[0] == kCentre || (corner_ > 0.1f && h[0] == kCorner));
      values[i] = good ? (states[i]->current_player() == 0 ? 0.8f : -0.8f) : 0.f;
    }
  }
  static constexpr envs::Action kCentre = 4, kCorner = 0;

 private:
  float centre_, corner_;
};

MctsOptions forced(double k) {
  MctsOptions o;
  o.simulations = 801;
  o.root_noise = true;
  o.noise_fraction = 0;  // the priors stay as given, so the forced counts follow from them
  o.forced_playouts = k;
  return o;
}

// The centre scores >= 0.8 while a 0.01-prior move scores at most 1.25 * 0.01 * sqrt(801)
// = 0.35, so plain PUCT never tries one. Forcing sqrt(2 * 0.01 * 800) = 4 visits gives each
// at least 3; pruning then takes them all back out: at any count, PUCT would not have
// chosen them over the centre.
TEST(KataGoSearch, ForcedPlayoutsVisitEveryRootMoveAndPruningRemovesThem) {
  TwoGoodOpenings centre_only(0.93f, 0.01f);
  Mcts plain(forced(0), 1);
  plain.sync(*empty_board());
  plain.search(centre_only);
  EXPECT_EQ(children_visited(plain), 1);

  Mcts mcts(forced(2), 1);
  mcts.sync(*empty_board());
  mcts.search(centre_only);
  std::vector<int> visits;
  mcts.visit_counts(visits);
  for (int a = 0; a < 9; ++a) {
    if (a != TwoGoodOpenings::kCentre) {
      EXPECT_GE(visits[a], 3) << "move " << a;
    }
  }
  std::vector<float> visit_share, target;
  mcts.visit_policy(visit_share);
  mcts.policy_target(target);
  EXPECT_GT(visit_share[0], 0.f);
  EXPECT_FLOAT_EQ(target[TwoGoodOpenings::kCentre], 1.f);
  EXPECT_FLOAT_EQ(std::accumulate(target.begin(), target.end(), 0.f), 1.f);
}

// A second good move (a1, prior 0.4, worth the same as the centre) earns its visits: pruning
// removes at most its forced ones (sqrt(2 * 0.4 * 800) = 25 of 800), and the bad moves'
// (7 x 4) renormalise the rest by under 4%, so its share of the target stays within 5
// points of its share of the visits, while the bad moves' forced visits go.
TEST(KataGoSearch, PruningKeepsTheVisitsAMoveEarned) {
  TwoGoodOpenings two(0.5f, 0.4f);
  Mcts mcts(forced(2), 3);
  mcts.sync(*empty_board());
  mcts.search(two);
  std::vector<float> visit_share, target;
  mcts.visit_policy(visit_share);
  mcts.policy_target(target);
  EXPECT_GT(visit_share[TwoGoodOpenings::kCorner], 0.2f);
  EXPECT_NEAR(target[TwoGoodOpenings::kCorner], visit_share[TwoGoodOpenings::kCorner], 0.05f);
  for (int a = 1; a < 9; ++a) {
    if (a != TwoGoodOpenings::kCentre) {
      EXPECT_EQ(target[a], 0.f) << "move " << a;
    }
  }
  // Without forced playouts the target is the visit distribution itself.
  Mcts plain(forced(0), 3);
  plain.sync(*empty_board());
  plain.search(two);
  plain.visit_policy(visit_share);
  plain.policy_target(target);
  EXPECT_EQ(target, visit_share);
}

// Gumbel search has no tree reuse, so every move's root gets exactly its budget plus its own
// evaluation: full moves 8 + 1, fast moves 2 + 1. Only full moves are recorded.
TEST(KataGoSelfPlay, PlayoutCapRandomisationRecordsOnlyFullSearches) {
  UniformEvaluator uniform;
  BatchedSearch search{&uniform, {}};
  search.options.gumbel = true;
  search.options.gumbel_noise = true;
  search.options.simulations = 8;
  BatchedPlayOptions opt;
  opt.games = 24;
  opt.parallel = 8;
  const BatchedPlayResult all = self_play(*empty_board(), search, opt, 5);
  int64_t plies = 0;
  for (const auto& g : all.games) plies += static_cast<int64_t>(g.moves.size());
  EXPECT_EQ(static_cast<int64_t>(all.positions.size()), plies);
  EXPECT_EQ(all.simulations, plies * 9);

  opt.full_search_prob = 0.25;
  opt.fast_simulations = 2;
  const BatchedPlayResult capped = self_play(*empty_board(), search, opt, 5);
  plies = 0;
  for (const auto& g : capped.games) plies += static_cast<int64_t>(g.moves.size());
  const auto full = static_cast<int64_t>(capped.positions.size());
  EXPECT_GT(full, plies / 10);
  EXPECT_LT(full, plies / 2);
  EXPECT_EQ(capped.simulations, full * 9 + (plies - full) * 3);
  for (const auto& p : capped.positions) EXPECT_FLOAT_EQ(std::accumulate(p.policy.begin(), p.policy.end(), 0.f), 1.f);

  opt.fast_simulations = 0;
  EXPECT_THROW(self_play(*empty_board(), search, opt, 5), UsageError);
  opt.full_search_prob = 0;
  opt.fast_simulations = 2;
  EXPECT_THROW(self_play(*empty_board(), search, opt, 5), UsageError);
}

// The value target (1 - w) z + w q: with w = 1 it is the root search's value q, which in the
// first two plies is the evaluator's (9 simulations reach at most 3 stones, no game ends
// there): -0.6 for x on the empty board, +0.6 for o after one stone. The weight changes no
// game, and the targets are linear in it.
TEST(SearchValueTarget, MixesTheResultWithTheRootSearchValue) {
  LosingForX behind;
  BatchedSearch search{&behind, {}};
  search.options.simulations = 9;
  search.options.c_puct = 0.1;
  BatchedPlayOptions opt;
  opt.games = 6;
  opt.parallel = 3;
  opt.temperature_moves = 9;
  const auto play = [&](double w) {
    opt.value_q_weight = w;
    return self_play(*empty_board(), search, opt, 3);
  };
  const auto z = play(0), q = play(1), half = play(0.5);
  ASSERT_EQ(z.games.size(), 6u);
  for (size_t g = 0; g < z.games.size(); ++g) {
    EXPECT_EQ(q.games[g].moves, z.games[g].moves);
    EXPECT_EQ(half.games[g].moves, z.games[g].moves);
  }
  ASSERT_EQ(q.positions.size(), z.positions.size());
  ASSERT_EQ(half.positions.size(), z.positions.size());
  int empty_boards = 0, one_stone = 0, differ = 0;
  for (size_t i = 0; i < z.positions.size(); ++i) {
    const float zi = z.positions[i].z, qi = q.positions[i].z;
    EXPECT_TRUE(zi == 1.f || zi == 0.f || zi == -1.f);
    EXPECT_LE(std::abs(qi), 1.f);
    EXPECT_NEAR(half.positions[i].z, 0.5f * (zi + qi), 1e-6);
    differ += qi != zi;
    const auto& planes = z.positions[i].planes;
    const float stones = std::accumulate(planes.begin(), planes.begin() + 18, 0.f);
    if (stones == 0.f) {
      EXPECT_NEAR(qi, -0.6f, 1e-5);
      ++empty_boards;
    } else if (stones == 1.f) {
      EXPECT_NEAR(qi, 0.6f, 1e-5);
      ++one_stone;
    }
  }
  EXPECT_EQ(empty_boards, 6);
  EXPECT_EQ(one_stone, 6);
  EXPECT_GT(differ, 0);
  EXPECT_THROW(play(1.5), UsageError);
  EXPECT_THROW(play(-0.1), UsageError);
}

}  // namespace
}  // namespace tp::agents
