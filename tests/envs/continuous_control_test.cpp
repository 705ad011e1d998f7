// Rules of the continuous-action classic control envs beyond the golden trajectories
// (classic_control_test.cpp): spaces, the env's own clipping, the unclipped-action cost of
// MountainCarContinuous, the goal bonus, discrete and NaN actions refused, kwargs, resets.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "envs/classic/mountain_car_continuous.h"
#include "envs/classic/pendulum.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

constexpr double kPi = 3.141592653589793;

TEST(ContinuousControl, SpacesAndTimeLimits) {
  const auto registry = make_env_registry();
  auto p = registry.make("Pendulum-v1");
  ASSERT_TRUE(p->has_continuous_actions());
  EXPECT_EQ(p->continuous_action_space()->to_string(), "Box(-2, 2, (1,), float32)");
  EXPECT_EQ(p->observation_space().to_string(), "Box([-1, -1, -8], [1, 1, 8], (3,), float32)");
  EXPECT_EQ(p->max_episode_steps(), 200);
  EXPECT_EQ(p->action_space().n, 0);
  EXPECT_TRUE(p->action_names().empty());
  auto m = registry.make("MountainCarContinuous-v0");
  ASSERT_TRUE(m->has_continuous_actions());
  EXPECT_EQ(m->continuous_action_space()->to_string(), "Box(-1, 1, (1,), float32)");
  EXPECT_EQ(m->observation_space().to_string(), "Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)");
  EXPECT_EQ(m->max_episode_steps(), 999);
  EXPECT_EQ(m->action_space().n, 0);
  EXPECT_FALSE(registry.make("Pendulum-v1")->clone()->continuous_action_space() == nullptr);
}

TEST(ContinuousControl, DiscreteAndNanActionsAreRefused) {
  const auto registry = make_env_registry();
  for (const char* id : {"Pendulum-v1", "MountainCarContinuous-v0"}) {
    auto env = registry.make(id);
    env->reset(1);
    try {
      env->step(0);
      FAIL() << id << ": step(int) must throw";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("takes continuous actions"), std::string::npos) << e.what();
    }
    const float nan[1] = {std::numeric_limits<float>::quiet_NaN()};
    EXPECT_THROW(env->step_continuous(nan), Error) << id;
    EXPECT_EQ(env->elapsed_steps(), 0) << id << ": a refused action must not step";
  }
}

TEST(ContinuousControl, PendulumClipsTheTorque) {
  Pendulum a, b;
  for (const float big : {2.5f, 100.0f, std::numeric_limits<float>::infinity()}) {
    for (const float sign : {1.0f, -1.0f}) {
      a.set_state({0.7, -1.3});
      b.set_state({0.7, -1.3});
      const float over[1] = {sign * big}, bound[1] = {sign * 2.0f};
      const StepResult ra = a.step_continuous(over), rb = b.step_continuous(bound);
      EXPECT_EQ(a.physics(), b.physics()) << big;
      EXPECT_EQ(ra.reward, rb.reward) << big;  // the cost uses the clipped torque
    }
  }
}

TEST(ContinuousControl, PendulumRewardAndDynamics) {
  Pendulum p;
  p.set_state({3.5, 2.0});
  const float u[1] = {1.0f};
  const StepResult r = p.step_continuous(u);
  const double norm = 3.5 - 2 * kPi;  // the angle wrapped into [-pi, pi)
  EXPECT_FLOAT_EQ(r.reward, static_cast<float>(-(norm * norm + 0.1 * 4 + 0.001)));
  const double thdot = 2.0 + (15.0 * std::sin(3.5) + 3.0) * 0.05;
  EXPECT_DOUBLE_EQ(p.physics()[1], thdot);
  EXPECT_DOUBLE_EQ(p.physics()[0], 3.5 + thdot * 0.05);
  EXPECT_FALSE(r.terminated);
  // Angular velocity is clipped to +-8.
  p.set_state({1.5, 7.9});
  const float push[1] = {2.0f};
  p.step_continuous(push);
  EXPECT_EQ(p.physics()[1], 8.0);
  EXPECT_DOUBLE_EQ(Pendulum::normalize_angle(-kPi - 0.5), kPi - 0.5);
  EXPECT_DOUBLE_EQ(Pendulum::normalize_angle(kPi + 0.5), -kPi + 0.5);
}

TEST(ContinuousControl, PendulumNeverTerminatesAndTruncatesAt200) {
  Pendulum p;
  p.reset(3);
  const float zero[1] = {0};
  for (int t = 1; t <= 200; ++t) {
    const StepResult r = p.step_continuous(zero);
    ASSERT_FALSE(r.terminated);
    ASSERT_EQ(r.truncated, t == 200);
  }
  EXPECT_THROW(p.step_continuous(zero), Error);
}

TEST(ContinuousControl, MountainCarContinuousCostsTheUnclippedAction) {
  MountainCarContinuous a, b;
  a.set_state({-0.5, 0.01});
  b.set_state({-0.5, 0.01});
  const float two[1] = {2.0f}, one[1] = {1.0f};
  const StepResult ra = a.step_continuous(two), rb = b.step_continuous(one);
  EXPECT_EQ(a.physics(), b.physics());  // the force is clipped to 1 ...
  EXPECT_FLOAT_EQ(ra.reward, -0.4f);    // ... the cost is not (Gymnasium)
  EXPECT_FLOAT_EQ(rb.reward, -0.1f);
  // The state is stored as float32 after a step.
  for (double v : a.physics()) EXPECT_EQ(v, static_cast<double>(static_cast<float>(v)));
}

TEST(ContinuousControl, MountainCarContinuousGoalAndLeftWall) {
  MountainCarContinuous m;
  m.set_state({0.44, 0.02});
  const float half[1] = {0.5f};
  const StepResult r = m.step_continuous(half);
  EXPECT_TRUE(r.terminated);
  EXPECT_FALSE(r.truncated);
  EXPECT_FLOAT_EQ(r.reward, 100.0f - 0.025f);
  EXPECT_THROW(m.step_continuous(half), Error);
  m.set_state({-1.19, -0.05});
  const float left[1] = {-1.0f};
  EXPECT_FALSE(m.step_continuous(left).done());
  EXPECT_EQ(m.physics()[0], static_cast<double>(static_cast<float>(MountainCarContinuous::kMinPosition)));
  EXPECT_EQ(m.physics()[1], 0.0);
}

TEST(ContinuousControl, KwargsAreGymnasiumsArguments) {
  const auto registry = make_env_registry();
  // g=0: no gravity, so without torque the pendulum keeps its (zero) speed.
  auto p = registry.make("Pendulum-v1", {{"g", "0"}});
  p->set_state({1.0, 0.0});
  const float zero[1] = {0};
  p->step_continuous(zero);
  EXPECT_EQ(p->get_state()[1], 0.0);
  // goal_velocity=0.05: reaching the goal position slowly is not the end.
  auto m = registry.make("MountainCarContinuous-v0", {{"goal_velocity", "0.05"}});
  m->set_state({0.44, 0.02});
  const float half[1] = {0.5f};
  EXPECT_FALSE(m->step_continuous(half).terminated);
  EXPECT_THROW(registry.make("Pendulum-v1", {{"g", "nan"}}), UsageError);
  EXPECT_THROW(registry.make("MountainCarContinuous-v0", {{"goal_velocity", "fast"}}), UsageError);
}

TEST(ContinuousControl, InitialStateDistributions) {
  // Gymnasium: Pendulum theta ~ U(-pi, pi), theta_dot ~ U(-1, 1); MountainCarContinuous
  // position ~ U(-0.6, -0.4), velocity 0.
  Pendulum p;
  MountainCarContinuous m;
  double th_min = 1, th_max = -1, pos_min = 0, pos_max = -1;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    p.reset(seed);
    ASSERT_GE(p.physics()[0], -kPi);
    ASSERT_LT(p.physics()[0], kPi);
    ASSERT_LE(std::fabs(p.physics()[1]), 1.0);
    th_min = std::min(th_min, p.physics()[0]);
    th_max = std::max(th_max, p.physics()[0]);
    m.reset(seed);
    ASSERT_GE(m.physics()[0], -0.6);
    ASSERT_LT(m.physics()[0], -0.4);
    ASSERT_EQ(m.physics()[1], 0.0);
    pos_min = std::min(pos_min, m.physics()[0]);
    pos_max = std::max(pos_max, m.physics()[0]);
  }
  EXPECT_LT(th_min, -3.0);
  EXPECT_GT(th_max, 3.0);
  EXPECT_LT(pos_min, -0.58);
  EXPECT_GT(pos_max, -0.42);
}

}  // namespace
}  // namespace tp::envs
