#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/error.h"
#include "core/options.h"
#include "core/text.h"
#include "tests/test_util.h"

namespace tp {
namespace {

struct Opts {
  int steps = 100;
  double lr = 2.5e-4;
  std::string env = "CartPole-v1";
  bool double_dqn = false;
};

void bind(OptionSet& set, Opts& o) {
  set.add("steps", &o.steps, "steps")
      .add("lr", &o.lr, "lr")
      .add("env", &o.env, "env")
      .add("double-dqn", &o.double_dqn, "ddqn");
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
void make_dirs_for_test(const std::string& path) { std::filesystem::create_directories(path); }

TEST(Options, DefaultsAndCommandLine) {
  Opts o;
  OptionSet set("t");
  bind(set, o);
  ASSERT_TRUE(set.parse({"--steps", "7", "--double-dqn"}));
  EXPECT_EQ(o.steps, 7);
  EXPECT_TRUE(o.double_dqn);
  EXPECT_DOUBLE_EQ(o.lr, 2.5e-4);
  EXPECT_TRUE(set.given("steps"));
  EXPECT_FALSE(set.given("lr"));
}

TEST(Text, ClosestMatchIsATypoDistanceAwayOrNothing) {
  const std::vector<std::string> names = {"steps", "seed", "lr", "gamma", "CartPole-v1", "connect4"};
  EXPECT_EQ(closest_match("stepz", names), "steps");
  EXPECT_EQ(closest_match("sed", names), "seed");
  EXPECT_EQ(closest_match("cartpole-v1", names), "CartPole-v1");  // case does not count
  EXPECT_EQ(closest_match("CartPol-v0", names), "CartPole-v1");   // two edits for a long name
  EXPECT_EQ(closest_match("conect4", names), "connect4");
  EXPECT_EQ(closest_match("gmama", names), "gamma");  // a transposition is one edit
  EXPECT_EQ(closest_match(std::string(10000000, 's'), names), std::nullopt);
  EXPECT_EQ(closest_match("gamma", names), "gamma");
  EXPECT_EQ(closest_match("xyz", names), std::nullopt);       // three edits from "lr": too far
  EXPECT_EQ(closest_match("learning", names), std::nullopt);  // not a typo of anything
  EXPECT_EQ(closest_match("", {}), std::nullopt);
  EXPECT_EQ(did_you_mean("gama", names), " (did you mean 'gamma'?)");
  EXPECT_EQ(did_you_mean("zzzzzz", names), "");
}

TEST(Options, UnknownOptionIsUsageErrorNamingIt) {
  Opts o;
  OptionSet set("t");
  bind(set, o);
  try {
    set.parse({"--bogus"});
    FAIL() << "no throw";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("bogus"), std::string::npos) << e.what();
  }
}

TEST(Options, BadValueIsUsageErrorNamingOption) {
  Opts o;
  OptionSet set("t");
  bind(set, o);
  try {
    set.parse({"--steps", "many"});
    FAIL() << "no throw";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("steps"), std::string::npos) << e.what();
  }
}

// inf and nan parse as numbers; no option means either. A key twice in a config file and a
// directory given as --config are mistakes too: each a UsageError naming it.
TEST(Options, NonFiniteNumbersDuplicateKeysAndADirectoryConfigAreRefused) {
  for (const char* v : {"inf", "-inf", "nan", "1e999"}) {
    Opts o;
    OptionSet set("t");
    bind(set, o);
    try {
      set.parse({"--lr", v});
      ADD_FAILURE() << "--lr " << v << " accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("lr"), std::string::npos) << e.what();
    }
  }
  test::TempDir dir;
  write(dir.file("dup.ini"), "steps = 3\nlr = 0.1\nsteps = 4\n");
  Opts o;
  OptionSet set("t");
  bind(set, o);
  try {
    set.parse({"--config", dir.file("dup.ini")});
    ADD_FAILURE() << "duplicate key accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate key 'steps'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("dup.ini:3 (first at line 1)"), std::string::npos) << e.what();
  }
  make_dirs_for_test(dir.file("adir"));
  Opts p;
  OptionSet set2("t");
  bind(set2, p);
  EXPECT_THROW(set2.parse({"--config", dir.file("adir")}), UsageError);
}

// Control bytes in a config (a NUL, an escape code) are refused naming the line, error
// messages that quote a value stay printable and finite; 20,000 distinct keys parse in linear time
// (duplicates are found with a map, not by rescanning every earlier line).
TEST(Options, HostileConfigTextIsRefusedInOneLineAndManyKeysParseFast) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string("lr = 1\0\n", 7), "control character (byte 0) in c.ini:1"},
      {"steps = 3\nenv = \x1b[31mred\n", "control character (byte 27) in c.ini:2"},
      {"steps = 3\x7f\n", "control character (byte 127) in c.ini:1"},
  };
  for (const auto& [text, expected] : cases) {
    try {
      parse_ini(text, "c.ini");
      ADD_FAILURE() << "accepted: " << expected;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(parse_ini("a = 1\t\r\n", "c.ini").at(0).value, "1");
  // A value or option name holding one of Boost's message placeholders made its error message
  // loop forever (found by fuzz_ini); now it is an ordinary refusal.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--steps", "%value%"}, {"--%canonical_option%"}, {"--%option%=1"}, {"--steps=%value%%value%"}}) {
    Opts o;
    OptionSet set("t");
    bind(set, o);
    EXPECT_THROW(set.parse(args), UsageError) << args[0];
  }
  Opts o;
  OptionSet set("t");
  bind(set, o);
  try {
    set.parse_config_text("steps = %value%'\n", "c.ini");
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("c.ini:1"), std::string::npos) << e.what();
  }
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "k" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  EXPECT_EQ(parse_ini(many, "c.ini").size(), 20000u);
}

TEST(Options, ConfigFileLoadsAndCommandLineWins) {
  test::TempDir dir;
  write(dir.file("c.ini"), "# comment\n[dqn]\nsteps = 50\nlr = 0.01\n\nenv = MountainCar-v0\n");
  Opts o;
  OptionSet set("t");
  bind(set, o);
  ASSERT_TRUE(set.parse({"--config", dir.file("c.ini"), "--steps", "9"}));
  EXPECT_EQ(o.steps, 9);
  EXPECT_DOUBLE_EQ(o.lr, 0.01);
  EXPECT_EQ(o.env, "MountainCar-v0");
}

TEST(Options, MalformedConfigLineNamesFileAndLine) {
  test::TempDir dir;
  write(dir.file("c.ini"), "steps = 5\nthis line is wrong\n");
  Opts o;
  OptionSet set("t");
  bind(set, o);
  try {
    set.parse({"--config", dir.file("c.ini")});
    FAIL() << "no throw";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("c.ini:2"), std::string::npos) << msg;
  }
}

TEST(Options, UnknownKeyAndBadValueInConfig) {
  test::TempDir dir;
  write(dir.file("a.ini"), "nope = 1\n");
  write(dir.file("b.ini"), "steps = x\n");
  {
    Opts o;
    OptionSet set("t");
    bind(set, o);
    EXPECT_THROW(set.parse({"--config", dir.file("a.ini")}), UsageError);
  }
  {
    Opts o;
    OptionSet set("t");
    bind(set, o);
    try {
      set.parse({"--config", dir.file("b.ini")});
      FAIL();
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("b.ini:1"), std::string::npos) << e.what();
    }
  }
  {
    Opts o;
    OptionSet set("t");
    bind(set, o);
    EXPECT_THROW(set.parse({"--config", dir.file("missing.ini")}), UsageError);
  }
}

TEST(Options, ResolvedIniRoundTrips) {
  test::TempDir dir;
  Opts a;
  OptionSet sa("t");
  bind(sa, a);
  ASSERT_TRUE(sa.parse({"--steps", "123", "--lr", "0.000123", "--double-dqn", "--env", "MinAtar/Breakout-v1"}));
  write(dir.file("r.ini"), sa.to_ini());
  Opts b;
  OptionSet sb("t");
  bind(sb, b);
  ASSERT_TRUE(sb.parse({"--config", dir.file("r.ini")}));
  EXPECT_EQ(b.steps, 123);
  EXPECT_DOUBLE_EQ(b.lr, 0.000123);
  EXPECT_TRUE(b.double_dqn);
  EXPECT_EQ(b.env, "MinAtar/Breakout-v1");
}

TEST(Options, SplitList) {
  EXPECT_EQ(split_list("a, b,c", "x").size(), 3u);
  EXPECT_THROW(split_list("a,,b", "x"), UsageError);
}

TEST(Options, GivenThrowsForANameThatWasNeverBound) {
  Opts o;
  OptionSet set("t");
  bind(set, o);
  ASSERT_TRUE(set.parse({}));
  EXPECT_THROW(set.given("step"), std::logic_error);  // misspelt: a bug, not "not given"
  EXPECT_FALSE(set.given("steps"));
}

TEST(Options, PeekReadsCommandLineThenConfigThenResumedRun) {
  test::TempDir dir;
  make_dirs_for_test(dir.file("run"));
  write(dir.file("run/config.ini"), "env = MountainCar-v0\nsteps = 3\n");
  write(dir.file("c.ini"), "env = Acrobot-v1\n");
  OptionSet set("t");
  set.enable_resume();
  // Before anything is bound: the preset key of a family.
  EXPECT_EQ(set.peek({"--env", "CartPole-v1"}, "env").value_or(""), "CartPole-v1");
  EXPECT_EQ(set.peek({"--env=Pong"}, "env").value_or(""), "Pong");
  EXPECT_EQ(set.peek({"--config", dir.file("c.ini")}, "env").value_or(""), "Acrobot-v1");
  EXPECT_EQ(set.peek({"--resume", dir.file("run")}, "env").value_or(""), "MountainCar-v0");
  EXPECT_EQ(set.peek({"--resume", dir.file("run"), "--config", dir.file("c.ini")}, "env").value_or(""), "Acrobot-v1");
  EXPECT_FALSE(set.peek({"--steps", "4"}, "env").has_value());
  EXPECT_THROW(set.peek({"--resume", dir.file("no-such-run")}, "env"), UsageError);
}

TEST(Options, ResumeTakesTheRunsConfigBelowCommandLineAndConfigFile) {
  test::TempDir dir;
  make_dirs_for_test(dir.file("run"));
  write(dir.file("run/config.ini"), "env = MountainCar-v0\nsteps = 3\nlr = 0.5\n");
  write(dir.file("c.ini"), "lr = 0.25\n");
  Opts o;
  OptionSet set("t");
  set.enable_resume();
  bind(set, o);
  ASSERT_TRUE(set.parse({"--resume", dir.file("run"), "--steps", "9", "--config", dir.file("c.ini")}));
  EXPECT_EQ(set.resume_dir(), dir.file("run"));
  EXPECT_EQ(o.env, "MountainCar-v0");                         // from the run
  EXPECT_EQ(o.steps, 9);                                      // the command line wins
  EXPECT_DOUBLE_EQ(o.lr, 0.25);                               // --config wins over the run
  EXPECT_EQ(set.to_ini().find("resume"), std::string::npos);  // --resume is not a config value
  Opts other;
  OptionSet plain("t");
  bind(plain, other);
  EXPECT_THROW(plain.parse({"--resume", dir.file("run")}), UsageError);  // not enabled: unknown option
}

TEST(Options, ParseConfigTextSetsValuesAndNamesTheOrigin) {
  Opts o;
  OptionSet set("t");
  bind(set, o);
  set.parse_config_text("steps = 12\nenv = Acrobot-v1\n", "checkpoint x");
  EXPECT_EQ(o.steps, 12);
  EXPECT_EQ(o.env, "Acrobot-v1");
  Opts p;
  OptionSet bad("t");
  bind(bad, p);
  try {
    bad.parse_config_text("stepz = 1\n", "checkpoint y");
    FAIL() << "unknown key accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint y"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tp
