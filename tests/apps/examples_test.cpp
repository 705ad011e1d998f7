// Every config in examples/ runs with the command its header names (on a tiny budget given on
// the command line), and the run's resolved config.ini holds each of the example's settings:
// an example that names a key the command does not know, or a value it refuses, fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "core/options.h"
#include "core/run_dir.h"
#include "tests/test_util.h"
#include "tests/tiny_mnist.h"

namespace tp {
namespace {

// Budgets small enough for a test, per algorithm; the keys they override are not compared.
const std::map<std::string, std::string> kTinyBudget = {
    {"dqn", "--steps 400 --learning-starts 100 --eval-every 0 --final-eval-episodes 2 --replay-size 1000"},
    {"ppo", "--steps 512 --eval-every 0 --final-eval-episodes 2"},
    {"alphazero",
     "--iterations 1 --games-per-iteration 2 --parallel-games 2 --simulations 4 --steps-per-iteration 2 "
     "--batch-size 16 --baseline-games 0"},
    {"gan", "--epochs 1 --synthetic-size 2048"},
    {"cgan", "--epochs 1 --data TINY_MNIST"},
};

TEST(Examples, EachConfigRunsAndItsSettingsReachTheRun) {
  const std::string examples = test::test_data("../../examples");
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("mnist"));
  test::write_tiny_mnist(dir.file("mnist"));
  const std::regex command(R"(#\s+torchplay train ([a-z0-9-]+) --config examples/([a-z0-9-]+\.ini))");
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(examples)) {
    if (entry.path().extension() != ".ini") continue;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    const std::string text = read_file(entry.path().string());
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, command))
        << "no '#   torchplay train ALGO --config examples/" << name << "' line";
    EXPECT_EQ(m[2].str(), name);
    const std::string algorithm = m[1];
    ASSERT_TRUE(kTinyBudget.count(algorithm)) << "no test budget for " << algorithm;
    std::string budget = kTinyBudget.at(algorithm);
    budget = std::regex_replace(budget, std::regex("TINY_MNIST"), dir.file("mnist"));
    const std::string run = dir.file("run-" + name);
    const auto r = test::run_torchplay("train " + algorithm + " --config " + entry.path().string() + " " + budget +
                                       " --threads 1 --quiet --run-dir " + run);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // The settings: each of the example's keys has its value in the run's config.ini.
    std::set<std::string> overridden;
    const std::regex option("--([a-z0-9-]+)");
    for (std::sregex_iterator it(budget.begin(), budget.end(), option), end; it != end; ++it)
      overridden.insert((*it)[1]);
    const auto resolved = read_ini(run + "/config.ini");
    std::map<std::string, std::string> value_of;
    for (const auto& line : resolved) value_of[line.key] = line.value;
    const auto settings = read_ini(entry.path().string());
    EXPECT_GE(settings.size(), 5u);
    for (const auto& s : settings) {
      if (overridden.count(s.key)) continue;
      ASSERT_TRUE(value_of.count(s.key)) << s.key << " is not an option of train " << algorithm;
      EXPECT_EQ(value_of[s.key], s.value) << s.key;
    }
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

}  // namespace
}  // namespace tp
