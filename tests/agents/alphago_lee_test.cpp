// The AlphaGo-Lee agent: the leaf value's lambda mixture, the evaluator's parts, agent specs,
// the search's time limit, GTP clocks, and a seeded 5x5 learning test of the whole pipeline
// (GNU Go games -> SL policy and rollout policy -> search against plain UCT; RL policy
// against the SL policy; value network).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "agents/alphago/lee_agent.h"
#include "agents/alphazero/mcts.h"
#include "agents/gtp/gtp_engine.h"
#include "agents/gtp/time_control.h"
#include "core/error.h"
#include "core/json.h"
#include "core/timer.h"
#include "tests/test_util.h"

namespace tp::agents::alphago {
namespace {

using envs::go::GoState;

TEST(LeeEvaluatorTest, MixesTheValueNetworkAndTheRolloutByLambda) {
  EXPECT_FLOAT_EQ(mix_leaf_value(0.5, 0.2f, 1.0f), 0.6f);
  EXPECT_FLOAT_EQ(mix_leaf_value(0.0, 0.2f, -1.0f), 0.2f);
  EXPECT_FLOAT_EQ(mix_leaf_value(1.0, 0.2f, -1.0f), -1.0f);

  // A decided 5x5 board (Black everywhere but two eyes, komi 7.5): every playout ends B+17.5.
  envs::go::GoParams params;
  params.size = 5;
  GoState won(params);
  std::vector<envs::Action> black;
  for (int a = 0; a < 25; ++a)
    if (a != 6 && a != 18) black.push_back(a);
  won.set_up(black, {}, 1);  // White to move: the rollouts say -1 for it
  const envs::GameState* states[1] = {&won};
  auto policy = [](const GoState* const* s, int n, float* priors) {
    for (int i = 0; i < n; ++i)
      for (int a = 0; a < s[i]->info().num_actions; ++a) priors[i * s[i]->info().num_actions + a] = a == 0 ? 1.f : 0.f;
  };
  auto value = [](const GoState* const*, int n, float* values) {
    for (int i = 0; i < n; ++i) values[i] = 0.5f;
  };
  auto rollout = std::make_shared<const RolloutPolicy>();
  std::vector<float> priors(26);
  float v = 0;
  LeeEvaluator rollouts_only(policy, {}, rollout, 1.0, 1);
  rollouts_only.evaluate(states, 1, priors.data(), &v);
  EXPECT_EQ(v, -1.0f);
  EXPECT_EQ(priors[0], 1.0f);
  EXPECT_EQ(rollouts_only.playouts(), 1);
  LeeEvaluator network_only(policy, value, nullptr, 0.0, 1);
  network_only.evaluate(states, 1, priors.data(), &v);
  EXPECT_EQ(v, 0.5f);
  LeeEvaluator mixed(policy, value, rollout, 0.5, 1);
  mixed.evaluate(states, 1, priors.data(), &v);
  EXPECT_FLOAT_EQ(v, 0.5f * 0.5f + 0.5f * -1.0f);
  EXPECT_THROW(LeeEvaluator(policy, {}, rollout, 0.5, 1), Error);     // lambda < 1 needs a value
  EXPECT_THROW(LeeEvaluator(policy, value, nullptr, 0.5, 1), Error);  // lambda > 0 needs rollouts
}

TEST(LeeAgentSpecTest, ParsesKeysAndRefusesMistakes) {
  const LeeAgentSpec s = parse_lee_spec("policy=runs/sl,rollout=runs/ro,simulations=200,c_puct=2.5");
  EXPECT_EQ(s.policy, "runs/sl");
  EXPECT_EQ(s.rollout, "runs/ro");
  EXPECT_EQ(s.simulations, 200);
  EXPECT_EQ(s.c_puct, 2.5);
  EXPECT_EQ(s.batch, 8);
  EXPECT_EQ(parse_lee_spec("policy=a,rollout=b,batch=1").batch, 1);
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,batch=0"), UsageError);
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,batch=100000"), UsageError);
  EXPECT_THROW(parse_lee_spec("policy=a"), UsageError);
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,simulations=1.5"), UsageError);
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,simulations=1e300"), UsageError);
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,depth=3"), UsageError);
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,"), UsageError);
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,lambda=0.5"), UsageError);  // lambda needs a value network
  EXPECT_THROW(parse_lee_spec("policy=a,rollout=b,value=v,lambda=2"), UsageError);
  const LeeAgentSpec v = parse_lee_spec("policy=a,rollout=b,value=v,lambda=0.25");
  EXPECT_EQ(v.value, "v");
  EXPECT_EQ(v.lambda, 0.25);
}

// Uniform priors, value 0, 2 ms per call: a search that a clock must stop.
class SlowEvaluator final : public Evaluator {
 public:
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    for (int i = 0; i < n; ++i) {
      const int actions = states[i]->info().num_actions;
      for (int a = 0; a < actions; ++a) priors[i * actions + a] = 1.0f;
      values[i] = 0;
    }
  }
};

TEST(MctsTimeLimit, StopsTheSearchInTime) {
  MctsOptions o;
  o.simulations = 100000;
  Mcts mcts(o, 1);
  SlowEvaluator slow;
  mcts.sync(GoState());
  const Timer clock;
  mcts.search(slow, 0.1);
  EXPECT_LT(clock.seconds(), 0.5);
  EXPECT_GT(mcts.root_visits(), 5);
  EXPECT_LT(mcts.root_visits(), 100);
}

TEST(GtpClockTest, SpreadsMainTimeAndByoYomi) {
  GtpClock clock;
  EXPECT_EQ(clock.move_budget(81), 0.0);  // no settings: no limit
  clock.set(300, 0, 0);                   // 5 minutes absolute
  EXPECT_NEAR(clock.move_budget(81), 300.0 / 27 * 0.95 - 0.15, 1e-9);
  EXPECT_NEAR(clock.move_budget(9), 300.0 / 10 * 0.95 - 0.15, 1e-9);  // at least 10 moves to go
  clock.time_left(20, 0);
  EXPECT_NEAR(clock.move_budget(30), 20.0 / 10 * 0.95 - 0.15, 1e-9);
  clock.set(0, 10, 5);  // Canadian: 10 s for 5 stones
  EXPECT_NEAR(clock.move_budget(81), 2 * 0.95 - 0.15, 1e-9);
  clock.time_left(0.1, 4);
  EXPECT_NEAR(clock.move_budget(81), 0.02, 1e-9);  // never below the minimum
  clock.set(0, 5, 0);                              // byo-yomi time without stones: no limit
  EXPECT_EQ(clock.move_budget(81), 0.0);
  clock.set(20, 2, 1);  // main time, then 2 s per move: the period's share is always there
  EXPECT_NEAR(clock.move_budget(81), 2 * 0.95 - 0.15, 1e-9);
  EXPECT_EQ(clock.set_kgs({"byoyomi", "0", "3", "5"}), "");
  EXPECT_NEAR(clock.move_budget(81), 3 * 0.95 - 0.15, 1e-9);
  EXPECT_EQ(clock.set_kgs({"none"}), "");
  EXPECT_EQ(clock.move_budget(81), 0.0);
  EXPECT_NE(clock.set_kgs({"canadian", "0", "10", "0"}), "");
  EXPECT_NE(clock.set_kgs({"fischer", "1"}), "");
  EXPECT_NE(clock.set_kgs({"absolute", "x"}), "");
}

// Records the time each genmove was given.
class BudgetRecorder final : public MoveGenerator {
 public:
  std::string name() const override { return "recorder"; }
  envs::Action generate(const envs::go::GoState& state) override {
    budgets.push_back(budget_);
    return state.pass_action();
  }
  void set_move_time(double seconds) override { budget_ = seconds; }
  std::vector<double> budgets;

 private:
  double budget_ = -1;
};

TEST(GtpTimeControl, GenmoveGetsItsShareOfTheClock) {
  BudgetRecorder recorder;
  GtpEngine engine(recorder, GtpEngineOptions{});
  EXPECT_EQ(engine.handle_line("genmove b"), "= pass\n\n");
  EXPECT_EQ(engine.handle_line("clear_board"), "=\n\n");
  EXPECT_EQ(engine.handle_line("time_settings 0 4 1"), "=\n\n");
  EXPECT_EQ(engine.handle_line("time_left b 4 1"), "=\n\n");
  engine.handle_line("genmove b");
  EXPECT_EQ(engine.handle_line("kgs-time_settings canadian 0 30 10"), "=\n\n");
  engine.handle_line("genmove w");
  EXPECT_EQ(engine.handle_line("kgs-time_settings canadian 0 30"),
            "? syntax error (kgs-time_settings none | "
            "absolute MAIN | byoyomi MAIN PERIOD PERIODS | "
            "canadian MAIN PERIOD STONES)\n\n");
  EXPECT_EQ(engine.handle_line("known_command kgs-time_settings"), "= true\n\n");
  ASSERT_EQ(recorder.budgets.size(), 3u);
  EXPECT_EQ(recorder.budgets[0], 0.0);
  EXPECT_NEAR(recorder.budgets[1], 4 * 0.95 - 0.15, 1e-9);
  EXPECT_NEAR(recorder.budgets[2], 3 * 0.95 - 0.15, 1e-9);
}

bool have_gnugo() { return test::run_command("/usr/games/gnugo --version").exit_code == 0; }

TEST(AlphaGoLeePipeline, LearnsFromGnuGoGamesAndBeatsPlainUctOn5x5) {
  if (!have_gnugo()) GTEST_SKIP() << "gnugo not installed";
  test::TempDir dir;
  const std::string games = dir.file("games"), sl = dir.file("sl"), ro = dir.file("ro");
  ASSERT_EQ(test::run_torchplay("engine-games --games 60 --size 5 --gnugo-levels 0-2 --workers 2 --random-moves 3 "
                                "--quiet --run-dir " +
                                games)
                .exit_code,
            0);
  const test::CommandResult a = test::run_torchplay("train alphago-sl --data " + games +
                                                    "/sgf --size 5 --epochs 4 --filters 16 --layers 2 "
                                                    "--test-fraction 0.2 --seed 2 --quiet --run-dir " +
                                                    sl);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const test::CommandResult b = test::run_torchplay("train alphago-rollout --data " + games +
                                                    "/sgf --size 5 --epochs 4 --test-fraction 0.2 --timed-playouts 0 "
                                                    "--quiet --run-dir " +
                                                    ro);
  ASSERT_EQ(b.exit_code, 0) << b.output;
  // The same number of simulations as UCT with uniformly random playouts; the learnt priors
  // and playouts make the difference (20-0 here on seeds 1 and 2).
  const test::CommandResult r =
      test::run_torchplay("eval --game go --game-options size=5,komi=0.5 --agent lee:policy=" + sl + ",rollout=" + ro +
                          ",simulations=64 --opponent mcts:64 --games 20 --quiet --json --run-dir " + dir.file("eval"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json j = Json::parse(test::last_line(r.output));
  EXPECT_GE(j.at("wins").get<int64_t>(), 16) << r.output;
  // The agent plays through GTP too, and the SL policy alone is an agent.
  std::ofstream(dir.file("gtp.txt")) << "boardsize 5\nkomi 0.5\ntime_settings 0 1 1\ngenmove b\nquit\n";
  const test::CommandResult g = test::run_command(test::torchplay_bin() + " gtp --size 5 --agent lee:policy=" + sl +
                                                  ",rollout=" + ro + " < " + dir.file("gtp.txt"));
  ASSERT_EQ(g.exit_code, 0) << g.output;
  EXPECT_NE(g.output.find("= "), std::string::npos);
  EXPECT_EQ(g.output.find("?"), std::string::npos) << g.output;
  const test::CommandResult p =
      test::run_torchplay("eval --game go --game-options size=5,komi=0.5 --agent " + sl +
                          " --opponent random --games 4 --quiet --json --run-dir " + dir.file("eval-sl"));
  EXPECT_EQ(p.exit_code, 0) << p.output;

  // Stage 3: REINFORCE against the pool beats the SL policy it started from (0.86 and 0.93
  // after 50 iterations at seeds 1 and 2 here), and --resume continues with the pool.
  const std::string rl = dir.file("rl");
  const test::CommandResult q = test::run_torchplay("train alphago-rl --sl " + sl +
                                                    " --iterations 40 --games 32 --lr 1e-3 --snapshot-every 10 "
                                                    "--eval-every 20 --eval-games 100 --komi 0.5 --quiet --json "
                                                    "--run-dir " +
                                                    rl);
  ASSERT_EQ(q.exit_code, 0) << q.output;
  const Json k = Json::parse(test::last_line(q.output));
  EXPECT_GE(k.at("win_rate_vs_sl").get<double>(), 0.65) << q.output;
  EXPECT_EQ(k.at("pool").get<int64_t>(), 5);
  const test::CommandResult more =
      test::run_torchplay("train alphago-rl --resume " + rl + " --iterations 41 --quiet --json");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  EXPECT_EQ(Json::parse(test::last_line(more.output)).at("iterations").get<int64_t>(), 41);
  // Stage 4: the value network on one position of each RL self-play game predicts their
  // outcomes better than a constant (MSE 1 for +-1 outcomes), and --resume goes on without
  // replaying the games.
  const std::string value = dir.file("value");
  const test::CommandResult w = test::run_torchplay(
      "train alphago-value --policy " + rl + " --rollout " + ro +
      " --games 600 --batch-games 100 --epochs 6 --filters 16 --layers 2 --komi 0.5 --quiet --json --run-dir " + value);
  ASSERT_EQ(w.exit_code, 0) << w.output;
  const Json vj = Json::parse(test::last_line(w.output));
  EXPECT_EQ(vj.at("positions").get<int64_t>(), 600);
  EXPECT_LT(vj.at("test_mse").get<double>(), 0.9) << w.output;
  EXPECT_GE(vj.at("rollout_mse").get<double>(), 0.0);
  const test::CommandResult wmore =
      test::run_torchplay("train alphago-value --resume " + value + " --epochs 7 --quiet --json");
  ASSERT_EQ(wmore.exit_code, 0) << wmore.output;
  EXPECT_EQ(Json::parse(test::last_line(wmore.output)).at("epochs").get<int64_t>(), 7);
  // The RL policy is an agent alone and as the search's prior; the value network joins the
  // search with lambda.
  const test::CommandResult e = test::run_torchplay(
      "eval --game go --game-options size=5,komi=0.5 --agent lee:policy=" + rl + ",rollout=" + ro + ",value=" + value +
      ",lambda=0.5,simulations=16 --opponent " + rl + " --games 2 --quiet --json --run-dir " + dir.file("eval-rl"));
  EXPECT_EQ(e.exit_code, 0) << e.output;
}

TEST(AlphaGoLeeAgent, BadSpecsAreOneLineErrors) {
  test::TempDir dir;
  EXPECT_EQ(test::unmet_cli_errors({
                {"eval --game go --agent lee:policy=x --opponent random", "needs policy=SL_CHECKPOINT"},
                {"eval --game go --agent lee:policy=" + dir.file("none") + ",rollout=x --opponent random", "none"},
                {"eval --game tictactoe --agent lee:policy=x,rollout=y,size=3 --opponent random", "unknown key"},
                {"eval --game go --agent lee:policy=x,rollout=y,batch=0 --opponent random",
                 "batch must be a positive integer"},
                {"gtp --agent random --leaf-batch 300", "--leaf-batch must be in 0..256"},
                {"gtp --agent random --search bfs", "--search must be puct or gumbel, not 'bfs'"},
                {"gtp --agent random --search gumbel", "applies to AlphaZero checkpoints only"},
                {"train alphago-rl --iterations 3", "--sl is required"},
                {"train alphago-rl --sl " + dir.file("none"), "none"},
                {"train alphago-rl --sl x --games 1", "--games >= 2"},
                {"train alphago-value --games 100", "--policy is required"},
                {"train alphago-value --policy x --games 5", "--games must be >= 10"},
            }),
            "");
}

}  // namespace
}  // namespace tp::agents::alphago
