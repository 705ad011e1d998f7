// Golden trajectories: CartPole-v1, MountainCar-v0 and Acrobot-v1 against episodes recorded
// from Gymnasium 0.29.1 itself (tests/data/classic_control.jsonl, see tests/data/README.md).
// Each episode starts from the recorded post-reset state and replays the recorded actions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../test_util.h"
#include "core/error.h"
#include "core/json.h"
#include "envs/classic/acrobot.h"
#include "envs/classic/cartpole.h"
#include "envs/classic/mountain_car.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

std::vector<Json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<Json> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(Json::parse(line));
  return out;
}

std::vector<double> numbers(const Json& arr) {
  std::vector<double> v;
  for (const auto& x : arr) v.push_back(x.get<double>());
  return v;
}

// The recorded action: an index, or for a continuous-action env a list of float32 values.
StepResult step_recorded(Env& env, const Json& action) {
  if (!env.has_continuous_actions()) return env.step(static_cast<int>(action.get<int64_t>()));
  std::vector<float> a;
  for (const auto& x : action) a.push_back(static_cast<float>(x.get<double>()));
  EXPECT_EQ(static_cast<int64_t>(a.size()), env.continuous_action_space()->size());
  return env.step_continuous(a.data());
}

// One valid action after the end (which must throw).
void step_after_end(Env& env) {
  if (!env.has_continuous_actions()) {
    env.step(0);
    return;
  }
  const std::vector<float> zero(static_cast<size_t>(env.continuous_action_space()->size()), 0.0f);
  env.step_continuous(zero.data());
}

// Replays every recorded episode of `env_id` in tests/data/`file` (`expected_episodes` of
// them), counting the steps checked.
void replay_golden(const std::string& file, const std::string& env_id, int expected_episodes, int& checked) {
  const auto registry = make_env_registry();
  int episodes = 0;
  checked = 0;
  for (const Json& ep : read_jsonl(test::test_data(file))) {
    if (ep.at("env").get<std::string>() != env_id) continue;
    ++episodes;
    SCOPED_TRACE(env_id + " reset_seed " + std::to_string(ep.at("reset_seed").get<int64_t>()));
    auto env = registry.make(env_id);
    const auto& steps = ep.at("steps");
    const std::vector<double> start = numbers(steps.at(0).at("state"));
    env->set_state(start);
    const size_t n_obs = static_cast<size_t>(env->observation_space().size());
    std::vector<float> obs(n_obs);
    env->observe(obs.data());
    std::vector<double> want_obs = numbers(steps.at(0).at("obs"));
    for (size_t i = 0; i < n_obs; ++i) EXPECT_EQ(obs[i], static_cast<float>(want_obs[i]));
    for (size_t t = 1; t < steps.size(); ++t) {
      const Json& s = steps[t];
      SCOPED_TRACE("t=" + std::to_string(t));
      const StepResult r = step_recorded(*env, s.at("action"));
      const std::vector<double> want_state = numbers(s.at("state"));
      const std::vector<double> got_state = env->get_state();
      for (size_t i = 0; i < want_state.size(); ++i)
        ASSERT_NEAR(got_state[i], want_state[i], 1e-9) << "state[" << i << "]";
      env->observe(obs.data());
      want_obs = numbers(s.at("obs"));
      for (size_t i = 0; i < n_obs; ++i) {
        const float want = static_cast<float>(want_obs[i]);
        // float32 precision: within one float32 ulp, or within the state tolerance (1e-9)
        // for values near zero, where a last-bit float64 difference can cross ulps.
        ASSERT_LE(std::fabs(obs[i] - want), std::max(std::fabs(want) * 1.2e-7f, 1e-9f)) << "obs[" << i << "]";
      }
      EXPECT_EQ(r.reward, static_cast<float>(s.at("reward").get<double>()));
      ASSERT_EQ(r.terminated, s.at("terminated").get<bool>());
      ASSERT_EQ(r.truncated, s.at("truncated").get<bool>());
      ++checked;
    }
    EXPECT_TRUE(steps.size() > 1 &&
                (steps.back().at("terminated").get<bool>() || steps.back().at("truncated").get<bool>()));
    EXPECT_THROW(step_after_end(*env), Error) << "stepping past the end must be an error";
  }
  EXPECT_EQ(episodes, expected_episodes);
}

void replay_golden(const std::string& env_id, int& checked) {
  replay_golden("classic_control.jsonl", env_id, 10, checked);
}

TEST(ClassicControlGolden, CartPoleMatchesGymnasium) {
  int checked = 0;
  replay_golden("CartPole-v1", checked);
  EXPECT_GT(checked, 1000);
}
TEST(ClassicControlGolden, MountainCarMatchesGymnasium) {
  int checked = 0;
  replay_golden("MountainCar-v0", checked);
  EXPECT_GT(checked, 1000);
}
TEST(ClassicControlGolden, AcrobotMatchesGymnasium) {
  int checked = 0;
  replay_golden("Acrobot-v1", checked);
  EXPECT_GT(checked, 1000);
}

// Pendulum-v1 and MountainCarContinuous-v0: tests/data/continuous_control.jsonl, with some
// recorded actions outside the bounds (the env clips them) and some on a bound.
TEST(ClassicControlGolden, PendulumMatchesGymnasium) {
  int checked = 0;
  replay_golden("continuous_control.jsonl", "Pendulum-v1", 6, checked);
  EXPECT_EQ(checked, 6 * 200);
}
TEST(ClassicControlGolden, MountainCarContinuousMatchesGymnasium) {
  int checked = 0;
  replay_golden("continuous_control.jsonl", "MountainCarContinuous-v0", 6, checked);
  EXPECT_GT(checked, 3 * 999);
}

TEST(ClassicControlGolden, ContinuousFileExercisesTheClipping) {
  // Both envs' recorded actions include values outside the bounds (the env clips them) and
  // values exactly on a bound (58 and 133 outside, 112 and 571 on a bound in this file).
  const auto registry = make_env_registry();
  std::map<std::string, std::pair<int, int>> outside_on;
  for (const Json& ep : read_jsonl(test::test_data("continuous_control.jsonl"))) {
    const std::string id = ep.at("env").get<std::string>();
    auto env = registry.make(id);
    const BoxSpace& box = *env->continuous_action_space();
    const auto& steps = ep.at("steps");
    for (size_t t = 1; t < steps.size(); ++t) {
      const float a = static_cast<float>(steps[t].at("action").at(0).get<double>());
      outside_on[id].first += a < box.low[0] || a > box.high[0];
      outside_on[id].second += a == box.low[0] || a == box.high[0];
    }
  }
  ASSERT_EQ(outside_on.size(), 2u);
  for (const auto& [id, counts] : outside_on) {
    EXPECT_GE(counts.first, 50) << id;
    EXPECT_GE(counts.second, 100) << id;
  }
}

TEST(ClassicControl, TimeLimitsAndSpaces) {
  const auto registry = make_env_registry();
  EXPECT_EQ(registry.make("CartPole-v1")->max_episode_steps(), 500);
  EXPECT_EQ(registry.make("MountainCar-v0")->max_episode_steps(), 200);
  EXPECT_EQ(registry.make("Acrobot-v1")->max_episode_steps(), 500);
  EXPECT_EQ(registry.make("MountainCar-v0")->action_space().n, 3);
  EXPECT_EQ(registry.make("Acrobot-v1")->observation_space().size(), 6);
}

TEST(ClassicControl, InitialStateDistributions) {
  // Gymnasium: CartPole U(-0.05, 0.05)^4; MountainCar position U(-0.6, -0.4), velocity 0;
  // Acrobot U(-0.1, 0.1)^4 rounded to float32.
  CartPole cp;
  MountainCar mc;
  Acrobot ac;
  double mc_min = 1, mc_max = -1;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    cp.reset(seed);
    for (double v : cp.physics()) ASSERT_LT(std::fabs(v), 0.05);
    mc.reset(seed);
    ASSERT_GE(mc.physics()[0], -0.6);
    ASSERT_LT(mc.physics()[0], -0.4);
    ASSERT_EQ(mc.physics()[1], 0.0);
    mc_min = std::min(mc_min, mc.physics()[0]);
    mc_max = std::max(mc_max, mc.physics()[0]);
    ac.reset(seed);
    for (double v : ac.physics()) {
      ASSERT_LE(std::fabs(v), 0.1);
      ASSERT_EQ(v, static_cast<double>(static_cast<float>(v)));
    }
  }
  EXPECT_LT(mc_min, -0.58);  // the whole interval is covered
  EXPECT_GT(mc_max, -0.42);
}

TEST(ClassicControl, MountainCarLeftWallStopsTheCar) {
  MountainCar mc;
  mc.set_state({-1.19, -0.05});
  mc.step(0);
  EXPECT_EQ(mc.physics()[0], MountainCar::kMinPosition);
  EXPECT_EQ(mc.physics()[1], 0.0);
}

TEST(ClassicControl, AcrobotAnglesWrapAndVelocitiesClip) {
  Acrobot ac;
  ac.set_state({3.1, -3.1, 40.0, -40.0});
  ac.step(2);
  EXPECT_LE(std::fabs(ac.physics()[0]), Acrobot::kPi);
  EXPECT_LE(std::fabs(ac.physics()[1]), Acrobot::kPi);
  EXPECT_LE(std::fabs(ac.physics()[2]), Acrobot::kMaxVel1);
  EXPECT_LE(std::fabs(ac.physics()[3]), Acrobot::kMaxVel2);
}

}  // namespace
}  // namespace tp::envs
