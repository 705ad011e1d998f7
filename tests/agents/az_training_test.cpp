// The AlphaZero pipeline end to end through the CLI (tiny budgets): metrics, checkpoints,
// exact --resume, checkpoint players in eval; the replay window's symmetry sampling.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "../test_util.h"
#include "agents/alphazero/model.h"
#include "agents/alphazero/replay_window.h"
#include "agents/game_player_factory.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/json.h"
#include "envs/games/game_registry.h"

namespace tp::agents {
namespace {

const char* kTiny =
    "train alphazero --game tictactoe --games-per-iteration 6 --parallel-games 6 --simulations 8 "
    "--blocks 1 --filters 8 --value-hidden 8 --steps-per-iteration 4 --batch-size 16 --arena-games 4 "
    "--arena-simulations 4 --baseline-games 2 --baselines random --threads 1 --quiet --seed 3 ";

std::vector<std::string> lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::stringstream in(text);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

// Column `name` of every data row.
std::vector<std::string> column(const std::string& csv, const std::string& name) {
  const auto rows = lines(csv);
  std::vector<std::string> header, out;
  std::stringstream hs(rows.at(0));
  for (std::string c; std::getline(hs, c, ',');) header.push_back(c);
  const size_t idx = std::find(header.begin(), header.end(), name) - header.begin();
  for (size_t r = 1; r < rows.size(); ++r) {
    std::stringstream rs(rows[r]);
    std::vector<std::string> cells;
    for (std::string c; std::getline(rs, c, ',');) cells.push_back(c);
    out.push_back(idx < cells.size() ? cells[idx] : "");
  }
  return out;
}

TEST(AlphaZeroTraining, RunsResumesExactlyAndItsCheckpointPlays) {
  test::TempDir dir;
  const std::string straight = dir.file("straight"), split = dir.file("split");
  auto r = test::run_torchplay(std::string(kTiny) + "--iterations 3 --run-dir " + straight);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay(std::string(kTiny) + "--iterations 2 --run-dir " + split);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("train alphazero --resume " + split + " --iterations 3 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"iterations\":3"), std::string::npos) << r.output;
  const auto a = column(straight + "/metrics.csv", "loss_total");
  const auto b = column(split + "/metrics.csv", "loss_total");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a, b);  // resuming continues exactly (same self-play, same updates)
  EXPECT_EQ(column(straight + "/metrics.csv", "arena_score"), column(split + "/metrics.csv", "arena_score"));
  for (const auto& v : column(straight + "/metrics.csv", "vs_random")) EXPECT_FALSE(v.empty());

  const std::string ckpt = straight + "/checkpoints/ckpt-000000000003.tpck";
  const CheckpointHeader h = CheckpointReader::read_header(ckpt);
  EXPECT_EQ(h.algorithm, "alphazero");
  EXPECT_EQ(h.counter("iteration"), 3);
  EXPECT_EQ(h.counter("games"), 18);
  r = test::run_torchplay("eval --game tictactoe --agent " + ckpt + " --opponent random --games 4 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"games\":4"), std::string::npos) << r.output;
  // The checkpoint's player searches with the self-play budget unless --play-simulations says.
  const auto game = envs::make_game_registry().make("tictactoe");
  EXPECT_EQ(load_alphazero_model(ckpt, *game, torch::kCPU).info.simulations, 8);
  const std::string wide = dir.file("wide");
  r = test::run_torchplay(std::string(kTiny) + "--iterations 1 --play-simulations 24 --run-dir " + wide);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(load_alphazero_model(wide + "/checkpoints/ckpt-000000000001.tpck", *game, torch::kCPU).info.simulations,
            24);
  // A tictactoe checkpoint cannot play connect4.
  r = test::run_torchplay("eval --game connect4 --agent " + ckpt + " --games 2 --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("tictactoe"), std::string::npos) << r.output;
}

// Issue 5's target as a test: the tic-tac-toe preset (about 70 s on one core) plays a
// value-optimal move in every one of the 4520 reachable positions (exact minimax check).
TEST(AlphaZeroTraining, TicTacToeDefaultsPlayValueOptimallyEverywhere) {
  test::TempDir dir;
  const std::string run = dir.file("ttt");
  auto r = test::run_torchplay("train alphazero --game tictactoe --threads 1 --quiet --seed 1 --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("eval --game tictactoe --agent " + run +
                          "/checkpoints/ckpt-000000000020.tpck --exhaustive --threads 1 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"positions\":4520,\"suboptimal\":0}"), std::string::npos) << r.output;
  r = test::run_torchplay(
      "eval --game tictactoe --agent " + run +
      "/checkpoints/ckpt-000000000020.tpck --opponent minimax --games 20 --threads 1 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"losses\":0"), std::string::npos) << r.output;
}

// --search gumbel trains, and its checkpoint plays with the Gumbel search it trained with.
TEST(AlphaZeroTraining, GumbelSearchTrainsAndItsCheckpointKeepsIt) {
  test::TempDir dir;
  const std::string run = dir.file("gumbel");
  auto r = test::run_torchplay(std::string(kTiny) + "--iterations 1 --search gumbel --considered-actions 4 --run-dir " +
                               run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string ckpt = run + "/checkpoints/ckpt-000000000001.tpck";
  const auto game = envs::make_game_registry().make("tictactoe");
  const AlphaZeroModelInfo info = load_alphazero_model(ckpt, *game, torch::kCPU).info;
  EXPECT_TRUE(info.gumbel);
  EXPECT_EQ(info.considered_actions, 4);
  const MctsOptions play = info.play_options();
  EXPECT_TRUE(play.gumbel);
  EXPECT_EQ(play.simulations, 8);
  r = test::run_torchplay("eval --game tictactoe --agent " + ckpt + " --opponent " + ckpt +
                          " --opponent-simulations 4 --temperature-moves 2 --games 4 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("eval --game tictactoe --agent " + ckpt +
                          " --opponent random --temperature-moves -1 --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = test::run_torchplay("eval --game tictactoe --agent random --opponent " + ckpt +
                          " --opponent-simulations -1 --games 4 --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // The same network played with PUCT search instead (and a PUCT network with Gumbel's): the
  // match names the search it overrode; the choice is refused for players without a network.
  r = test::run_torchplay("eval --game tictactoe --agent " + ckpt + " --agent-search puct --opponent " + ckpt +
                          " --games 2 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("alphazero(" + ckpt + ", puct search) vs alphazero(" + ckpt + ")"), std::string::npos)
      << r.output;
  GamePlayerContext puct{1, "cpu", 0};
  puct.search = "puct";
  EXPECT_EQ(make_game_player(ckpt, *game, puct)->name(), "alphazero(" + ckpt + ", puct search)");
  EXPECT_THROW(make_game_player("mcts:8", *game, puct), UsageError);
  puct.search = "ucb";
  EXPECT_THROW(make_game_player(ckpt, *game, puct), UsageError);
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--agent " + ckpt + " --agent-search ucb", "--agent-search must be puct or gumbel, not 'ucb'"},
           {"--agent " + ckpt + " --opponent-search PUCT", "--opponent-search must be puct or gumbel, not 'PUCT'"},
           {"--agent mcts:8 --agent-search gumbel", "applies to AlphaZero checkpoints only"}}) {
    r = test::run_torchplay("eval --game tictactoe --opponent random --games 2 --quiet " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
  }
  r = test::run_torchplay(std::string(kTiny) + "--iterations 1 --search gumble --run-dir " + dir.file("typo"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--search must be puct or gumbel"), std::string::npos) << r.output;
}

// KataGo's options train; the checkpoint plays with the first-play urgency it trained with;
// --samples-per-position sets each iteration's steps from the positions it recorded.
TEST(AlphaZeroTraining, KataGoOptionsTrainAndTheCheckpointKeepsTheFpu) {
  test::TempDir dir;
  const std::string run = dir.file("katago");
  auto r = test::run_torchplay(std::string(kTiny) +
                               "--iterations 2 --fpu parent --fpu-reduction 0.3 --forced-playouts 2 "
                               "--full-search-prob 0.5 --fast-simulations 2 --samples-per-position 2 --run-dir " +
                               run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto game = envs::make_game_registry().make("tictactoe");
  const AlphaZeroModelInfo info =
      load_alphazero_model(run + "/checkpoints/ckpt-000000000002.tpck", *game, torch::kCPU).info;
  EXPECT_TRUE(info.fpu_parent);
  EXPECT_DOUBLE_EQ(info.play_options().fpu_reduction, 0.3);
  const auto positions = column(run + "/metrics.csv", "selfplay_positions");
  const auto steps = column(run + "/metrics.csv", "train_steps");
  ASSERT_EQ(positions.size(), 2u);
  for (size_t i = 0; i < positions.size(); ++i)  // ceil(2 * positions / batch 16)
    EXPECT_EQ(std::stoi(steps[i]), (2 * std::stoi(positions[i]) + 15) / 16) << positions[i];
  for (const char* bad : {"--fpu first", "--forced-playouts -1", "--full-search-prob 0", "--fast-simulations -2",
                          "--samples-per-position -1", "--search gumbel --forced-playouts 2"}) {
    r = test::run_torchplay(std::string(kTiny) + bad + " --run-dir " + dir.file("bad"));
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.output;
  }
}

// KataGo's network additions on 5x5 Go: the auxiliary losses are reported and learned, the
// checkpoint rebuilds the pooled network with its heads, and resuming keeps the targets.
TEST(AlphaZeroTraining, GoTrainsOwnershipAndScoreHeadsWithGlobalPooling) {
  test::TempDir dir;
  const std::string run = dir.file("go");
  const std::string go =
      "train alphazero --game go --size 5 --game-options komi=0.5 --games-per-iteration 8 --parallel-games 8 "
      "--simulations 8 --blocks 2 --filters 8 --value-hidden 8 --steps-per-iteration 30 --batch-size 32 "
      "--arena-games 0 --gating false --baseline-games 0 --threads 1 --quiet --seed 3 --global-pooling 2 "
      "--ownership-weight 1.5 --score-weight 1 --run-dir " +
      run;
  auto r = test::run_torchplay(go + " --iterations 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("train alphazero --resume " + run + " --iterations 4 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto ownership = column(run + "/metrics.csv", "loss_ownership");
  const auto score = column(run + "/metrics.csv", "loss_score");
  ASSERT_EQ(ownership.size(), 4u);
  // Cross-entropy per cell starts near 1.5 ln 2 = 1.04 and must fall as ownership is learned.
  EXPECT_GT(std::stod(ownership[0]), 0.5);
  EXPECT_LT(std::stod(ownership[3]), std::stod(ownership[0]) * 0.95);
  EXPECT_GT(std::stod(score[0]), 0.0);
  const auto game = envs::make_game_registry().make("go", "size=5,komi=0.5");
  const auto model = load_alphazero_model(run + "/checkpoints/ckpt-000000000004.tpck", *game, torch::kCPU);
  EXPECT_EQ(model.info.global_pooling, 2);
  EXPECT_TRUE(model.info.auxiliary_heads);
  EXPECT_NE(model.net->signature().find("-g2-aux"), std::string::npos);
  r = test::run_torchplay("eval --game go --game-options size=5,komi=0.5 --agent " + run +
                          "/checkpoints/ckpt-000000000004.tpck --opponent random --games 2 --quiet");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay(std::string(kTiny) + "--ownership-weight 1 --run-dir " + dir.file("bad"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("scored by area"), std::string::npos) << r.output;
  r = test::run_torchplay(std::string(kTiny) + "--global-pooling -1 --run-dir " + dir.file("bad2"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(AlphaZeroTraining, UsageErrors) {
  auto r = test::run_torchplay("train alphazero --game chess");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("connect4"), std::string::npos) << r.output;
  r = test::run_torchplay("train alphazero --game tictactoe --simulations 0 --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = test::run_torchplay("train alphazero --game tictactoe --play-simulations -1 --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--play-simulations must be >= 0"), std::string::npos) << r.output;
  r = test::run_torchplay("eval --game tictactoe --agent mcts:zero --games 2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = test::run_torchplay("eval --game tictactoe --agent solver --positions x");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(EvalGame, SolverReproducesThePonsFileAndMatchesPrintIntervals) {
  auto r = test::run_torchplay("eval --game connect4 --agent solver --positions " +
                               test::test_data("connect4/Test_L3_R1") + " --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"mistakes\":0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"exact_scores\":1000"), std::string::npos) << r.output;
  r = test::run_torchplay("eval --game connect4 --agent random --positions " + test::test_data("connect4/Test_L3_R1") +
                          " --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("\"mistakes\":0,"), std::string::npos) << r.output;  // random errs
  r = test::run_torchplay("eval --game tictactoe --agent minimax --opponent minimax --games 6 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"draws\":6"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CI"), std::string::npos) << r.output;
}

// Several Pons sets in one run: a line and a JSON entry per set, and the totals; a missing
// file is refused by name before any search.
TEST(EvalGame, PositionsReportEachSetAndTheTotal) {
  const std::string l3 = test::test_data("connect4/Test_L3_R1"), l2 = test::test_data("connect4/Test_L2_R1");
  auto r = test::run_torchplay("eval --game connect4 --agent solver --positions " + l3 + "," + l2 + " --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("on " + l3 + ": 1000 positions, 0 mistakes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("on " + l2 + ": 1000 positions, 0 mistakes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("on 2 sets: 2000 positions, 0 mistakes"), std::string::npos) << r.output;
  const Json j = Json::parse(lines_of(r.output).back());
  EXPECT_EQ(j.at("positions").get<int>(), 2000);
  ASSERT_EQ(j.at("sets").size(), 2u);
  EXPECT_EQ(j.at("sets")[1].at("positions_file").get<std::string>(), l2);
  EXPECT_EQ(j.at("sets")[1].at("exact_scores").get<int>(), 1000);
  r = test::run_torchplay("eval --game connect4 --agent solver --positions " + l3 + ",missing_set --quiet");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("missing_set"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("mistake rate"), std::string::npos) << r.output;
}

// --write-answers solves every column once and writes FILE.answers; later evaluations look
// their moves up there (the same mistakes as proving them, which --no-answers forces), and a
// corrupt answers file is refused by name.
TEST(EvalGame, WrittenAnswersGiveTheSameMistakesAsTheSolver) {
  test::TempDir dir;
  const std::string set = dir.file("set");
  {
    std::ifstream in(test::test_data("connect4/Test_L2_R1"));
    std::ofstream out(set);
    std::string line;
    for (int i = 0; i < 30 && std::getline(in, line); ++i) out << line << "\n";
  }
  auto r = test::run_torchplay("eval --game connect4 --positions " + set + " --write-answers --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("wrote " + set + ".answers (30 positions)"), std::string::npos) << r.output;
  r = test::run_torchplay("eval --game connect4 --agent random --positions " + set + " --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json looked_up = Json::parse(lines_of(r.output).back());
  EXPECT_EQ(looked_up.at("answers_file").get<std::string>(), set + ".answers");
  r = test::run_torchplay("eval --game connect4 --agent random --positions " + set + " --no-answers --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json proved = Json::parse(lines_of(r.output).back());
  EXPECT_EQ(proved.at("answers_file").get<std::string>(), "");
  EXPECT_GT(proved.at("mistakes").get<int>(), 0);
  EXPECT_EQ(looked_up.at("mistakes").get<int>(), proved.at("mistakes").get<int>());

  std::ofstream(set + ".answers") << "44 4\n";  // not the set's first position
  r = test::run_torchplay("eval --game connect4 --agent random --positions " + set + " --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(set + ".answers:1"), std::string::npos) << r.output;
  r = test::run_torchplay("eval --game connect4 --agent random --write-answers --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = test::run_torchplay("eval --game connect4 --positions " + set + " --write-answers --no-answers --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(EvalGame, ExhaustiveCheckCountsEveryReachableTicTacToePosition) {
  // 5478 legal positions, 958 of them finished: 4520 to move in.
  auto r = test::run_torchplay("eval --game tictactoe --agent minimax --exhaustive --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"positions\":4520,\"suboptimal\":0}"), std::string::npos) << r.output;
  r = test::run_torchplay("eval --game tictactoe --agent random --exhaustive --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"positions\":4520"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\"suboptimal\":0}"), std::string::npos) << r.output;  // random errs
  r = test::run_torchplay("eval --game connect4 --agent random --exhaustive --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;  // too many positions
}

TEST(ReplayWindow, RingBufferAndSymmetricSamples) {
  const auto registry = envs::make_game_registry();
  auto game = registry.make("tictactoe");
  ReplayWindow w(3, 27, 9);
  for (int i = 0; i < 5; ++i) {
    TrainingPosition p;
    p.planes.assign(27, 0.f);
    p.policy.assign(9, 0.f);
    p.planes[0] = 1.f;  // a stone on cell 0 (top-left)
    p.policy[0] = 1.f;  // and all policy mass on that cell
    p.z = static_cast<float>(i);
    w.add(p);
  }
  EXPECT_EQ(w.size(), 3);
  EXPECT_EQ(w.total_added(), 5);
  Rng rng(1);
  std::vector<float> planes(64 * 27), policy(64 * 9), z(64);
  w.sample(64, *game, rng, {planes.data(), policy.data(), z.data()});
  std::set<int> cells;
  for (int b = 0; b < 64; ++b) {
    EXPECT_GE(z[b], 2.f);  // positions 0 and 1 were overwritten
    int stone = -1, mass = -1;
    for (int c = 0; c < 9; ++c) {
      if (planes[b * 27 + c] == 1.f) stone = c;
      if (policy[b * 9 + c] == 1.f) mass = c;
    }
    EXPECT_EQ(stone, mass);  // planes and policy transformed alike
    cells.insert(stone);
  }
  EXPECT_EQ(cells, (std::set<int>{0, 2, 6, 8}));  // the four corners
}

}  // namespace
}  // namespace tp::agents
