// Smoke tests of the real torchplay binary: exit codes and one-line errors.
#include <gtest/gtest.h>

#include <fstream>

#include "core/json.h"
#include "core/run_dir.h"
#include "tests/test_util.h"

namespace tp {
namespace {

using test::count_lines;
using test::run_torchplay;

TEST(Cli, HelpListsCommands) {
  auto r = run_torchplay("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* c : {"envs", "train", "eval", "watch", "play", "generate", "match", "gtp", "bench"})
    EXPECT_NE(r.output.find(c), std::string::npos) << c;
}

TEST(Cli, VersionReportsLibTorchBlasThreads) {
  auto r = run_torchplay("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("LibTorch 1.13"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("BLAS "), std::string::npos);
  EXPECT_NE(r.output.find("threads 1 intra-op (LibTorch/OpenMP), 1 OpenBLAS, OpenMP wait "), std::string::npos)
      << r.output;
}

// libgomp's own report of its settings (OMP_DISPLAY_ENV) is the oracle: torchplay's start-up
// hook must have set the passive wait policy before libgomp read its environment, and must
// leave a user's own choice alone.
TEST(Cli, OpenMPWaitsPassivelyUnlessTheUserChose) {
  const std::string torchplay = test::torchplay_bin();
  auto r =
      test::run_command("env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT OMP_DISPLAY_ENV=TRUE " + torchplay + " --version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("OMP_WAIT_POLICY = 'PASSIVE'"), std::string::npos) << r.output;

  r = test::run_command("env -u GOMP_SPINCOUNT OMP_WAIT_POLICY=active OMP_DISPLAY_ENV=TRUE " + torchplay +
                        " --version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("OMP_WAIT_POLICY = 'ACTIVE'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("OpenMP wait OMP_WAIT_POLICY=active"), std::string::npos) << r.output;
}

// --threads N is N intra-op threads and still one OpenBLAS thread; the run records it. DQN's
// small networks keep one intra-op thread, and its config.ini says why.
TEST(Cli, ConfigIniRecordsTheThreadLayoutUsed) {
  test::TempDir dir;
  auto r = run_torchplay(
      "train ppo --env CartPole-v1 --steps 512 --num-envs 4 --num-steps 128 --threads 2 "
      "--final-eval-episodes 2 --quiet --run-dir " +
      dir.file("run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string ini = read_file(dir.file("run/config.ini"));
  EXPECT_NE(ini.find("# thread layout: 2 intra-op (LibTorch/OpenMP), 1 OpenBLAS, OpenMP wait passive"),
            std::string::npos)
      << ini;
  r = run_torchplay(
      "train dqn --env CartPole-v1 --steps 200 --learning-starts 100 --eval-every 0 --threads 2 "
      "--quiet --run-dir " +
      dir.file("dqn"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ini = read_file(dir.file("dqn/config.ini"));
  EXPECT_NE(ini.find("# thread layout: 1 intra-op (LibTorch/OpenMP), 1 OpenBLAS, OpenMP wait passive"),
            std::string::npos)
      << ini;
  EXPECT_NE(ini.find("(--threads 2 kept one intra-op thread: this network's products are too small to split)"),
            std::string::npos)
      << ini;
}

TEST(Cli, UnknownCommandAndOptionExitTwoWithOneLine) {
  auto r = run_torchplay("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("torchplay: error: unknown command 'frobnicate'"), std::string::npos);

  r = run_torchplay("eval --bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("bogus"), std::string::npos);

  r = run_torchplay("train nosuchalgo");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
}

TEST(Cli, BadValueAndBadConfig) {
  auto r = run_torchplay("eval --episodes lots");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("episodes"), std::string::npos);
  test::TempDir dir;
  std::ofstream(dir.file("bad.ini")) << "episodes = 3\nnot a valid line\n";
  r = run_torchplay("eval --config " + dir.file("bad.ini"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("bad.ini:2"), std::string::npos) << r.output;
  r = run_torchplay("eval --device tpu");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("tpu"), std::string::npos);
  // Thread counts past 4 per core only spin (100,000 used to hang); inf is no learning rate.
  for (const char* args : {"eval --threads 100000", "train dqn --env CartPole-v1 --threads 1000 --steps 10",
                           "train ppo --lr inf --steps 10", "train dqn --env CartPole-v1 --gamma nan"}) {
    r = run_torchplay(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_EQ(count_lines(r.output), 1) << args << ": " << r.output;
  }
}

// A typo in a command, an algorithm, an env or game name, an option or a config key gets the
// usual one-line usage error, with the closest name as a hint.
TEST(Cli, TyposGetADidYouMeanHint) {
  test::TempDir dir;
  std::ofstream(dir.file("typo.ini")) << "stepz = 3\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"trian dqn", "did you mean 'train'?"},
      {"train dqm", "did you mean 'dqn'?"},
      {"train dqn --env CartPol-v1 --steps 10", "did you mean 'CartPole-v1'?"},
      {"train dqn --env cartpole-v1 --steps 10", "did you mean 'CartPole-v1'?"},
      {"train dqn --env CartPole-v1 --stepz 10", "did you mean 'steps'?"},
      {"train alphazero --game conect4", "did you mean 'connect4'?"},
      {"train dqn --env CartPole-v1 --config " + dir.file("typo.ini"), "did you mean 'steps'?"},
      {"eval --env CartPole-v1 --agent randm", "did you mean 'random'?"},
      {"eval --game connect4 --agent mcst:50", "did you mean 'mcts'?"},
      {"eval --env CartPole-v1 --agent " + dir.file("gone.tpck"), "no such checkpoint file or run directory"},
      {"eval --env CartPole-v1 --agent " + dir.path(), "has no checkpoint yet"},
  };
  for (const auto& [args, hint] : cases) {
    const auto r = run_torchplay(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_EQ(count_lines(r.output), 1) << args << ": " << r.output;
    EXPECT_NE(r.output.find(hint), std::string::npos) << args << ": " << r.output;
  }
  // Nothing close: no hint.
  const auto r = run_torchplay("train dqn --env Zebra-v9 --steps 10");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output.find("did you mean"), std::string::npos) << r.output;
}

TEST(Cli, CommandHelpShowsDefaults) {
  auto r = run_torchplay("eval --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--episodes"), std::string::npos);
  EXPECT_NE(r.output.find("(=100)"), std::string::npos) << r.output;
}

TEST(Cli, EnvsListsCartPoleWithSpaces) {
  auto r = run_torchplay("envs");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("CartPole-v1"), std::string::npos);
  EXPECT_NE(r.output.find("Discrete(2)"), std::string::npos);
}

TEST(Cli, EvalRandomCartPoleJson) {
  auto r = run_torchplay("eval --env CartPole-v1 --agent random --episodes 50 --seed 3 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string last = r.output.substr(r.output.rfind('{'));
  Json j = Json::parse(last.substr(0, last.find('\n')));
  EXPECT_EQ(j.at("episodes").get<int64_t>(), 50);
  // A random CartPole policy averages about 22 steps.
  EXPECT_GT(j.at("return_mean").get<double>(), 12);
  EXPECT_LT(j.at("return_mean").get<double>(), 35);
  EXPECT_GE(j.at("return_min").get<double>(), 8);
  // Same seed, same result.
  auto r2 = run_torchplay("eval --env CartPole-v1 --agent random --episodes 50 --seed 3 --quiet --json");
  EXPECT_EQ(r.output, r2.output);
}

TEST(Cli, EvalRandomPendulumJson) {
  // Continuous actions: the random agent samples torques uniformly in [-2, 2].
  auto r = run_torchplay("eval --env Pendulum-v1 --agent random --episodes 5 --seed 3 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string last = r.output.substr(r.output.rfind('{'));
  Json j = Json::parse(last.substr(0, last.find('\n')));
  EXPECT_EQ(j.at("episodes").get<int64_t>(), 5);
  EXPECT_EQ(j.at("length_mean").get<double>(), 200);  // the time limit
  // Each step costs between 0 and 16.27: a random torque never holds the pendulum upright.
  EXPECT_LT(j.at("return_mean").get<double>(), -300);
  EXPECT_GT(j.at("return_mean").get<double>(), -3256);
}

TEST(Cli, UnknownEnvListsKnownNames) {
  auto r = run_torchplay("eval --env Pong-v0 --quiet");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("CartPole-v1"), std::string::npos) << r.output;
}

TEST(Cli, MissingCheckpointIsOneLineError) {
  auto r = run_torchplay("eval --env CartPole-v1 --agent /nonexistent/ckpt.tpck --quiet");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
}

// Periodic evaluations reach the screen as lines of their own (not only metrics.csv); --quiet
// keeps them off.
TEST(Cli, PeriodicEvaluationsPrintALineEach) {
  test::TempDir dir;
  auto r = run_torchplay(
      "train dqn --env CartPole-v1 --steps 2000 --eval-every 1000 --eval-episodes 2 --threads 1 "
      "--run-dir " +
      dir.file("run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("eval at step 1000: return "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" over 2 episodes"), std::string::npos) << r.output;
  r = run_torchplay(
      "train dqn --env CartPole-v1 --steps 2000 --eval-every 1000 --eval-episodes 2 --threads 1 --quiet "
      "--run-dir " +
      dir.file("quiet"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("eval at step"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tp
