// Gumbel AlphaZero's search (Danihelka et al. 2022) over evaluators without LibTorch: the
// sequential-halving schedule, Gumbel-Top-k at the root, the simulation budget, the improved
// policy target, and that the search finds a win and a block.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <set>
#include <thread>

#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/mcts.h"
#include "core/error.h"
#include "envs/games/game_registry.h"

namespace tp::agents {
namespace {

std::unique_ptr<envs::GameState> ttt(const std::vector<std::string>& moves) {
  const auto registry = envs::make_game_registry();
  return envs::state_from_moves(*registry.make("tictactoe"), moves);
}

MctsOptions gumbel(int simulations, int considered = 16, bool noise = true) {
  MctsOptions o;
  o.gumbel = true;
  o.gumbel_noise = noise;
  o.simulations = simulations;
  o.considered_actions = considered;
  return o;
}

// Worked by hand from the paper's rule: each phase gives each of the remaining actions
// max(1, floor(n / (ceil(log2 m) * remaining))) more visits, then keeps half (at least 2).
TEST(GumbelSearch, SequentialHalvingSchedule) {
  EXPECT_EQ(sequential_halving_schedule(4, 8), (std::vector<int>{0, 0, 0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(sequential_halving_schedule(2, 5), (std::vector<int>{0, 0, 1, 1, 2}));
  EXPECT_EQ(sequential_halving_schedule(1, 4), (std::vector<int>{0, 1, 2, 3}));
  // 16 actions, 32 simulations: one visit each, then 8 actions x1, 4 x2, 2 x4.
  const std::vector<int> s = sequential_halving_schedule(16, 32);
  EXPECT_EQ(std::vector<int>(s.begin(), s.begin() + 16), std::vector<int>(16, 0));
  EXPECT_EQ(std::vector<int>(s.begin() + 16, s.begin() + 24), std::vector<int>(8, 1));
  EXPECT_EQ(std::vector<int>(s.begin() + 24, s.begin() + 32), (std::vector<int>{2, 2, 2, 2, 3, 3, 3, 3}));
}

TEST(GumbelSearch, SpendsTheBudgetOnTheTopKActionsOnly) {
  UniformEvaluator uniform;
  std::set<std::set<envs::Action>> considered_sets;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    Mcts mcts(gumbel(12, 2), seed);
    mcts.sync(*ttt({}));
    mcts.search(uniform);
    EXPECT_EQ(mcts.root_visits(), 13);  // the root's own evaluation, then 12 simulations
    std::vector<int> visits;
    mcts.visit_counts(visits);
    EXPECT_EQ(std::accumulate(visits.begin(), visits.end(), 0), 12);
    std::set<envs::Action> visited;
    for (size_t a = 0; a < visits.size(); ++a)
      if (visits[a] > 0) visited.insert(static_cast<envs::Action>(a));
    EXPECT_EQ(visited.size(), 2u);  // m = 2: the Gumbel-Top-2 actions, 6 visits each
    considered_sets.insert(visited);
  }
  EXPECT_GT(considered_sets.size(), 1u);  // the draw differs between seeds
}

// Without the draw (how a trained agent plays) the search is deterministic: the top-m by the
// prior, and the same move from any seed.
TEST(GumbelSearch, WithoutNoiseTheSearchIsDeterministic) {
  UniformEvaluator uniform;
  auto visits_for = [&](uint64_t seed) {
    Mcts mcts(gumbel(24, 4, false), seed);
    mcts.sync(*ttt({"b2"}));
    mcts.search(uniform);
    std::vector<int> v;
    mcts.visit_counts(v);
    return std::make_pair(v, mcts.select_move(0));
  };
  EXPECT_EQ(visits_for(1), visits_for(2));
  EXPECT_EQ(visits_for(1), visits_for(3));
}

TEST(GumbelSearch, FindsTheWinAndTheBlockWithUniformPriors) {
  UniformEvaluator uniform;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Mcts mcts(gumbel(16), seed);
    auto s = ttt({"a1", "a2", "b1", "b2"});  // x wins at c1
    mcts.sync(*s);
    mcts.search(uniform);
    EXPECT_EQ(s->action_to_string(mcts.select_move(0)), "c1") << seed;
    // The target puts most of its mass on the win, and none on occupied squares.
    std::vector<float> pi;
    mcts.policy_target(pi);
    EXPECT_NEAR(std::accumulate(pi.begin(), pi.end(), 0.f), 1.f, 1e-5);
    EXPECT_GT(pi[s->string_to_action("c1")], 0.5f);
    for (const char* taken : {"a1", "a2", "b1", "b2"}) EXPECT_EQ(pi[s->string_to_action(taken)], 0.f);
    // o must block a3: each other move is refuted two plies down, which uniform priors leave
    // the search to find among six replies, so this takes more simulations.
    Mcts deeper(gumbel(64), seed);
    s = ttt({"a1", "b2", "a2"});
    deeper.sync(*s);
    deeper.search(uniform);
    EXPECT_EQ(s->action_to_string(deeper.select_move(0)), "a3") << seed;
  }
}

// With no simulations beyond the root, completed Q is the same for every action, so the
// improved policy is the network's prior.
TEST(GumbelSearch, PolicyTargetIsThePriorWhenNothingWasSearched) {
  class Skewed final : public Evaluator {
   public:
    void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override {
      const int a = states[0]->info().num_actions;
      for (int i = 0; i < n; ++i) {
        for (int k = 0; k < a; ++k) priors[i * a + k] = static_cast<float>(k + 1);
        values[i] = 0.3f;
      }
    }
  } skewed;
  Mcts mcts(gumbel(1, 1), 7);
  auto s = ttt({});
  mcts.sync(*s);
  const envs::GameState* root = mcts.begin_simulation();  // the root's own evaluation
  ASSERT_NE(root, nullptr);
  std::vector<float> priors(9);
  float value = 0.f;
  skewed.evaluate(&root, 1, priors.data(), &value);
  mcts.finish_simulation(priors.data(), value);
  std::vector<float> pi;
  mcts.policy_target(pi);
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(pi[k], (k + 1) / 45.0, 1e-5) << k;
}

// The root value a Gumbel search reports (and self-play's value target mixes in) is the
// improved policy's, not the visits' mean, and moves sampled with a temperature follow pi'.
// Worked by hand: x wins at c1 among 5 legal moves; 5 simulations visit each once; c1 is a
// won terminal (q 1), the others leaves worth 0, so sigma(q) = (50 + 1) * 0.1 for c1 only and
// pi'(c1) = e^5.1 / (e^5.1 + 4). The visits' mean would be 1/5.
TEST(GumbelSearch, RootValueIsTheImprovedPolicysValue) {
  UniformEvaluator uniform;
  Mcts mcts(gumbel(5, 16, false), 3);
  auto s = ttt({"a1", "a2", "b1", "b2"});
  mcts.sync(*s);
  mcts.search(uniform);
  std::vector<int> visits;
  mcts.visit_counts(visits);
  for (const char* move : {"c1", "c2", "a3", "b3", "c3"}) EXPECT_EQ(visits[s->string_to_action(move)], 1) << move;
  const double win = std::exp(5.1) / (std::exp(5.1) + 4.0);
  std::vector<float> pi;
  mcts.policy_target(pi);
  EXPECT_NEAR(pi[s->string_to_action("c1")], win, 1e-5);
  EXPECT_NEAR(mcts.root_value(), win, 1e-6);
  // A match's sampled opening plies draw from pi' too, not from the visits (1/5 each here).
  int wins = 0;
  for (int k = 0; k < 200; ++k) wins += s->action_to_string(mcts.select_move(1.0)) == "c1";
  EXPECT_GE(wins, 180);  // expected 195
}

TEST(GumbelSearch, SelfPlayRecordsImprovedPolicies) {
  UniformEvaluator uniform;
  BatchedSearch search{&uniform, gumbel(8, 4)};
  BatchedPlayOptions opt;
  opt.games = 4;
  opt.parallel = 4;
  const BatchedPlayResult r = self_play(*ttt({}), search, opt, 9);
  ASSERT_EQ(r.games.size(), 4u);
  ASSERT_FALSE(r.positions.empty());
  for (const TrainingPosition& p : r.positions)
    EXPECT_NEAR(std::accumulate(p.policy.begin(), p.policy.end(), 0.f), 1.f, 1e-5);
}

// --gumbel-noise-plies: after the first N plies self-play plays the best survivor without
// the draw, and the search is deterministic, so each game is fixed by its first ply: at most
// 9 different tic-tac-toe games with N = 1, against many with the draw on every ply.
TEST(GumbelSearch, NoisePliesMakeLaterMovesDeterministic) {
  UniformEvaluator uniform;
  auto distinct_games = [&](int noise_plies) {
    BatchedSearch search{&uniform, gumbel(8, 4)};
    BatchedPlayOptions opt;
    opt.games = 48;
    opt.parallel = 16;
    opt.gumbel_noise_plies = noise_plies;
    const BatchedPlayResult r = self_play(*ttt({}), search, opt, 5);
    std::set<std::vector<envs::Action>> games;
    for (const auto& g : r.games) games.insert(g.moves);
    return games.size();
  };
  EXPECT_LE(distinct_games(1), 9u);
  EXPECT_GT(distinct_games(0), 20u);
}

// The visit counts a complete schedule leaves on its `considered` actions, largest first: each
// entry visits the first action that has as many visits as the entry asks (within a round of
// the schedule the remaining actions have equal counts, so this is the generator's order).
std::vector<int> schedule_counts(int considered, int simulations) {
  std::vector<int> counts(considered, 0);
  for (int wanted : sequential_halving_schedule(considered, simulations))
    ++*std::find(counts.begin(), counts.end(), wanted);
  std::sort(counts.begin(), counts.end(), std::greater<>());
  return counts;
}

// A search that a time limit cuts would leave the first phase's round robin (about equal
// visits on every considered action, no halving done); fitted to the time, the visits are a
// whole schedule's for the simulations that were run. The evaluator is slow for the root and
// the 4 considered actions (the calls that time the rate) and instant afterwards, so the
// fitted schedule ends well within the limit however loaded the machine.
TEST(GumbelSearch, ATimeLimitFitsTheHalvingScheduleToTheTime) {
  class SlowAtFirst final : public Evaluator {
   public:
    void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override {
      if (calls++ < 5) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      uniform.evaluate(states, n, priors, values);
    }
    int calls = 0;
    UniformEvaluator uniform;
  } slow;
  Mcts mcts(gumbel(100000, 4, false), 5);
  mcts.sync(*ttt({}));
  mcts.search(slow, 0.06);
  std::vector<int> visits;
  mcts.visit_counts(visits);
  const int simulations = std::accumulate(visits.begin(), visits.end(), 0);
  EXPECT_EQ(mcts.root_visits(), simulations + 1);
  EXPECT_GE(simulations, 4);
  EXPECT_LE(simulations, 27);  // 5 calls in >= 10 ms: at most 0.9 x 0.06 s x 500 /s - 1 = 26
  visits.erase(std::remove(visits.begin(), visits.end(), 0), visits.end());
  std::sort(visits.begin(), visits.end(), std::greater<>());
  EXPECT_EQ(visits, schedule_counts(4, simulations)) << simulations << " simulations";
  // The search is over: another call with time to spare adds nothing.
  mcts.search(slow, 0.06);
  EXPECT_EQ(mcts.root_visits(), simulations + 1);
}

TEST(GumbelSearch, RefusesNoiseAndUct) {
  MctsOptions o = gumbel(8);
  o.root_noise = true;
  EXPECT_THROW(Mcts(o, 1), UsageError);
  o = gumbel(8, 0);
  EXPECT_THROW(Mcts(o, 1), UsageError);
}

}  // namespace
}  // namespace tp::agents
