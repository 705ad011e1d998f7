// MCTS over evaluators without LibTorch: PUCT/UCT, masking, noise, temperature, reuse,
// batching across games.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <string>

#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/mcts.h"
#include "agents/alphazero/mcts_player.h"
#include "agents/game_player_factory.h"
#include "core/error.h"
#include "envs/games/game_registry.h"

namespace tp::agents {
namespace {

std::unique_ptr<envs::GameState> ttt(const std::vector<std::string>& moves) {
  const auto registry = envs::make_game_registry();
  return envs::state_from_moves(*registry.make("tictactoe"), moves);
}

// Puts all prior mass on illegal moves and records batch sizes.
class SpyEvaluator final : public Evaluator {
 public:
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override {
    batch_sizes.push_back(n);
    const int a = states[0]->info().num_actions;
    for (int i = 0; i < n; ++i) {
      for (int k = 0; k < a; ++k) priors[i * a + k] = states[i]->is_legal(k) ? 0.01f : 100.f;
      values[i] = 0.f;
    }
  }
  std::vector<int> batch_sizes;
};

// With uniform priors the search alone finds x's win at c1, then o's block at a3.
void expect_win_and_block(Mcts& mcts) {
  UniformEvaluator uniform;
  auto s = ttt({"a1", "a2", "b1", "b2"});  // x wins at c1
  mcts.sync(*s);
  mcts.search(uniform);
  EXPECT_EQ(s->action_to_string(mcts.select_move(0)), "c1");
  EXPECT_GT(mcts.root_value(), 0.5);
  s = ttt({"a1", "b2", "a2"});  // o must block a3
  mcts.sync(*s);
  mcts.search(uniform);
  EXPECT_EQ(s->action_to_string(mcts.select_move(0)), "a3");
}

TEST(Mcts, FindsTheWinAndTheBlockWithUniformPriors) {
  MctsOptions o;
  o.simulations = 400;
  Mcts mcts(o, 1);
  expect_win_and_block(mcts);
}

// With leaf batches too: exact counts mean every virtual loss was taken back and no
// simulation was counted twice or lost.
TEST(Mcts, VisitCountsAddUpAndIllegalMovesAreMasked) {
  for (int batch : {1, 8}) {
    SCOPED_TRACE("leaf_batch " + std::to_string(batch));
    SpyEvaluator spy;
    MctsOptions o;
    o.simulations = 200;
    o.leaf_batch = batch;
    Mcts mcts(o, 2);
    auto s = ttt({"b2", "a1"});
    mcts.sync(*s);
    mcts.search(spy);
    EXPECT_EQ(mcts.root_visits(), 200);
    std::vector<int> visits;
    mcts.visit_counts(visits);
    EXPECT_EQ(std::accumulate(visits.begin(), visits.end(), 0), 199);  // the root's own expansion
    EXPECT_EQ(visits[s->string_to_action("b2")], 0);
    EXPECT_EQ(visits[s->string_to_action("a1")], 0);
    EXPECT_LE(std::abs(mcts.root_value()), 1.0);
    std::vector<float> pi;
    mcts.visit_policy(pi);
    EXPECT_NEAR(std::accumulate(pi.begin(), pi.end(), 0.f), 1.f, 1e-5);
    // The first call is the root alone; with batches later calls carry up to `batch` leaves.
    ASSERT_FALSE(spy.batch_sizes.empty());
    EXPECT_EQ(spy.batch_sizes.front(), 1);
    EXPECT_EQ(*std::max_element(spy.batch_sizes.begin(), spy.batch_sizes.end()), batch);
    if (batch > 1) {
      EXPECT_LT(spy.batch_sizes.size(), 200u / 4);
    }
  }
}

TEST(Mcts, LeafBatchesStillFindTheWinAndTheBlock) {
  // The virtual loss spreads a batch over moves without hiding the best one.
  MctsOptions o;
  o.simulations = 400;
  o.leaf_batch = 8;
  Mcts batched(o, 1);
  expect_win_and_block(batched);
  o.leaf_batch = 0;
  EXPECT_THROW(Mcts(o, 1), UsageError);
}

TEST(Mcts, TreeReuseKeepsTheSubtreeOfThePlayedMove) {
  UniformEvaluator uniform;
  MctsOptions o;
  o.simulations = 300;
  Mcts mcts(o, 3);
  auto s = ttt({});
  mcts.sync(*s);
  mcts.search(uniform);
  std::vector<int> visits;
  mcts.visit_counts(visits);
  const envs::Action a = mcts.select_move(0);
  s->apply(a);
  mcts.sync(*s);
  EXPECT_EQ(mcts.root_visits(), visits[a]);  // the child's visits carried over
  EXPECT_EQ(mcts.root_state().history(), s->history());
  // An unrelated position starts a fresh tree.
  auto other = ttt({"c3", "c2"});
  mcts.sync(*other);
  EXPECT_EQ(mcts.root_visits(), 0);
}

TEST(Mcts, TemperatureAndNoise) {
  Rng rng(4);
  std::vector<double> d;
  sample_dirichlet(rng, 0.3, 9, d);
  EXPECT_NEAR(std::accumulate(d.begin(), d.end(), 0.0), 1.0, 1e-9);
  for (double x : d) EXPECT_GE(x, 0.0);
  // Noise makes two searches with different seeds differ; without it they agree.
  UniformEvaluator uniform;
  MctsOptions o;
  o.simulations = 50;
  auto visits_for = [&](bool noise, uint64_t seed) {
    MctsOptions n = o;
    n.root_noise = noise;
    Mcts m(n, seed);
    m.sync(*ttt({}));
    m.search(uniform);
    std::vector<int> v;
    m.visit_counts(v);
    return v;
  };
  EXPECT_EQ(visits_for(false, 1), visits_for(false, 2));
  EXPECT_NE(visits_for(true, 1), visits_for(true, 2));
  // Temperature 1 samples several moves; temperature 0 always a most visited one.
  Mcts m(o, 5);
  m.sync(*ttt({}));
  m.search(uniform);
  std::vector<int> v;
  m.visit_counts(v);
  const int most = *std::max_element(v.begin(), v.end());
  std::set<envs::Action> sampled;
  for (int i = 0; i < 200; ++i) {
    sampled.insert(m.select_move(1.0));
    EXPECT_EQ(v[m.select_move(0.0)], most);
  }
  EXPECT_GT(sampled.size(), 3u);
}

TEST(Mcts, RefusesFinishedGamesAndBadOptions) {
  UniformEvaluator uniform;
  MctsOptions o;
  Mcts mcts(o, 1);
  mcts.sync(*ttt({"a1", "a2", "b1", "b2", "c1"}));
  EXPECT_THROW(mcts.search(uniform), Error);
  o.simulations = 0;
  EXPECT_THROW(Mcts(o, 1), UsageError);
}

// Replays each game record from `initial`: every move legal, every game finished with the
// recorded returns. Returns the total number of plies.
size_t replay_games(const envs::GameState& initial, const std::vector<GameRecord>& games) {
  size_t plies = 0;
  for (const auto& g : games) {
    plies += g.moves.size();
    auto replay = initial.clone();
    for (auto a : g.moves) {
      EXPECT_TRUE(replay->is_legal(a));
      replay->apply(a);
    }
    EXPECT_TRUE(replay->is_terminal());
    EXPECT_EQ(replay->returns(), g.returns);
  }
  return plies;
}

TEST(BatchedGames, SelfPlayBatchesLeavesAcrossGamesAndRecordsPositions) {
  SpyEvaluator spy;
  BatchedSearch search{&spy, {}};
  search.options.simulations = 16;
  search.options.root_noise = true;
  BatchedPlayOptions opt;
  opt.games = 12;
  opt.parallel = 8;
  opt.temperature_moves = 9;
  auto initial = ttt({});
  const auto r = self_play(*initial, search, opt, 7);
  ASSERT_EQ(r.games.size(), 12u);
  int max_batch = 0;
  for (int b : spy.batch_sizes) max_batch = std::max(max_batch, b);
  EXPECT_EQ(max_batch, 8);  // one leaf per game in flight
  ASSERT_EQ(r.positions.size(), replay_games(*initial, r.games));
  for (const auto& p : r.positions) {
    EXPECT_EQ(p.planes.size(), 27u);
    EXPECT_NEAR(std::accumulate(p.policy.begin(), p.policy.end(), 0.f), 1.f, 1e-5);
    EXPECT_TRUE(p.z == 1.f || p.z == 0.f || p.z == -1.f);
  }
  EXPECT_GT(r.simulations, 0);
}

// Self-play workers: each uses its own evaluator and a share of the games; the games are
// legal and finished, the counts add up, progress counts every game once, and the same seed
// and worker count give the same games again.
TEST(BatchedGames, SelfPlayWorkersShareTheGamesReproducibly) {
  const auto play = [](std::vector<SpyEvaluator>& spies, std::vector<int>* progress) {
    std::vector<BatchedSearch> searches;
    for (auto& spy : spies) {
      searches.push_back({&spy, {}});
      searches.back().options.simulations = 12;
      searches.back().options.root_noise = true;
    }
    BatchedPlayOptions opt;
    opt.games = 11;
    opt.parallel = 4;
    opt.temperature_moves = 9;
    if (progress) opt.on_game_done = [progress](int finished) { progress->push_back(finished); };
    return self_play(*ttt({}), searches, opt, 21);
  };
  std::vector<SpyEvaluator> spies(3);
  std::vector<int> progress;
  const auto r = play(spies, &progress);
  ASSERT_EQ(r.games.size(), 11u);
  EXPECT_EQ(r.positions.size(), replay_games(*ttt({}), r.games));
  for (const auto& spy : spies) EXPECT_FALSE(spy.batch_sizes.empty());  // every worker searched
  std::sort(progress.begin(), progress.end());
  std::vector<int> expected(11);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(progress, expected);

  std::vector<SpyEvaluator> again(3);
  const auto r2 = play(again, nullptr);
  ASSERT_EQ(r2.games.size(), r.games.size());
  for (size_t g = 0; g < r.games.size(); ++g) EXPECT_EQ(r2.games[g].moves, r.games[g].moves) << "game " << g;
  EXPECT_THROW(self_play(*ttt({}), std::vector<BatchedSearch>{}, BatchedPlayOptions{}, 1), Error);
}

TEST(BatchedGames, RandomOpeningPliesAreLegalAndNotRecorded) {
  SpyEvaluator spy;
  BatchedSearch search{&spy, {}};
  search.options.simulations = 8;
  BatchedPlayOptions opt;
  opt.games = 40;
  opt.parallel = 8;
  opt.random_opening_plies = 6;
  auto initial = ttt({});
  const auto r = self_play(*initial, search, opt, 11);
  ASSERT_EQ(r.games.size(), 40u);
  const size_t plies = replay_games(*initial, r.games);
  // Only searched moves give training positions; with k ~ U{0..6} random plies per game
  // about 3 per game are not recorded.
  EXPECT_LT(r.positions.size(), plies);
  EXPECT_GT(r.positions.size(), plies - 6 * r.games.size());
  // Without random openings every ply is recorded (the test above); the openings differ.
  std::set<std::vector<envs::Action>> openings;
  for (const auto& g : r.games)
    openings.insert({g.moves.begin(), g.moves.begin() + std::min<size_t>(3, g.moves.size())});
  EXPECT_GT(openings.size(), 20u);
}

TEST(BatchedGames, BatchedSelectMovesFindsEachPositionsWin) {
  SpyEvaluator spy;  // legal priors uniform among themselves after masking
  BatchedSearch search{&spy, {}};
  search.options.simulations = 300;
  auto a = ttt({"a1", "a2", "b1", "b2"});        // x wins at c1
  auto b = ttt({"a1", "b2", "a2"});              // o must block a3
  auto c = ttt({"c3", "a1", "c2", "a2", "b1"});  // o wins at a3
  const std::vector<const envs::GameState*> states = {a.get(), b.get(), c.get()};
  const auto moves = batched_select_moves(states, search, 2, 1);
  ASSERT_EQ(moves.size(), 3u);
  EXPECT_EQ(a->action_to_string(moves[0]), "c1");
  EXPECT_EQ(b->action_to_string(moves[1]), "a3");
  EXPECT_EQ(c->action_to_string(moves[2]), "a3");
  int max_batch = 0;
  for (int n : spy.batch_sizes) max_batch = std::max(max_batch, n);
  EXPECT_EQ(max_batch, 2);
}

// A searcher passes back when the opponent has passed and the count already wins for it,
// instead of playing on in a decided game; it plays on when passing would draw or lose.
TEST(WinningPass, OnlyAfterAPassAndOnlyWhenTheCountWins) {
  const auto registry = envs::make_game_registry();
  auto go = [&](const std::string& moves) {
    return envs::state_from_moves(*registry.make("go", "size=5,komi=0"), envs::split_move_list(moves));
  };
  const envs::Action pass = 25;
  EXPECT_EQ(winning_pass(*go("c3 pass")), std::optional<envs::Action>(pass));  // Black owns the board
  EXPECT_EQ(winning_pass(*go("c3")), std::nullopt);                            // White did not pass
  EXPECT_EQ(winning_pass(*go("c3 b2 pass")), std::nullopt);                    // passing back draws
  EXPECT_EQ(winning_pass(*go("c3 pass d3 b2 pass")), std::nullopt);            // White is behind
  EXPECT_EQ(winning_pass(*registry.make("tictactoe")), std::nullopt);          // no passes in the game
  // The rollout player takes it without searching.
  auto player = make_game_player("mcts:50", *registry.make("go", "size=5,komi=0"), {3, "cpu", 0});
  EXPECT_EQ(player->select_action(*go("c3 pass")), pass);
  ASSERT_NE(player->last_search(), nullptr);
  EXPECT_EQ(player->last_search()->value, 1.0);
}

}  // namespace
}  // namespace tp::agents
