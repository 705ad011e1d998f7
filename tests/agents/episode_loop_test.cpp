// The one episode loop (agents/episode_loop.h) with continuous-action envs: run_episode drives
// them through Policy::act_continuous and Env::step_continuous (the callback sees action -1),
// discrete envs still through act/step; RandomPolicy samples uniformly in the action box.
#include "agents/episode_loop.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "envs/registry.h"

namespace tp::agents {
namespace {

// A continuous policy: a fixed function of the observation; act() must never be called.
class PushPolicy final : public Policy {
 public:
  explicit PushPolicy(float (*push)(const float* obs)) : push_(push) {}
  std::string name() const override { return "push"; }
  int act(const float*, const envs::Env&) override { throw std::logic_error("act() on a continuous env"); }
  void act_continuous(const float* obs, const envs::Env&, float* action) override {
    action[0] = push_(obs);
    ++calls;
  }
  int calls = 0;

 private:
  float (*push_)(const float*);
};

TEST(RunEpisode, DrivesContinuousEnvsThroughActContinuous) {
  const auto registry = envs::make_env_registry();
  auto env = registry.make("Pendulum-v1");
  auto replay = registry.make("Pendulum-v1");
  env->reset(3);
  replay->reset(3);
  // Torque against the angular velocity, 3x past the bound (the env clips it).
  PushPolicy policy([](const float* obs) { return obs[2] > 0 ? -6.0f : 6.0f; });
  int callbacks = 0;
  double callback_return = 0;
  std::vector<float> obs(3);
  const EpisodeResult r = run_episode(*env, policy, [&](const envs::Env& e, int action, const envs::StepResult& s) {
    EXPECT_EQ(action, -1);
    EXPECT_EQ(e.elapsed_steps(), callbacks);
    if (callbacks++ == 0) return true;  // after reset
    // The same step on a second env with the policy's action gives the same result.
    replay->observe(obs.data());
    const float a = obs[2] > 0 ? -6.0f : 6.0f;
    const envs::StepResult want = replay->step_continuous(&a);
    EXPECT_EQ(s.reward, want.reward);
    EXPECT_EQ(e.get_state(), replay->get_state());
    callback_return += s.reward;
    return true;
  });
  EXPECT_EQ(r.length, 200);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(policy.calls, 200);
  EXPECT_EQ(callbacks, 201);
  EXPECT_DOUBLE_EQ(r.episode_return, callback_return);
}

TEST(RunEpisode, MountainCarContinuousReachesTheGoalByPushingAlongTheVelocity) {
  auto env = envs::make_env_registry().make("MountainCarContinuous-v0");
  env->reset(1);
  PushPolicy policy([](const float* obs) { return obs[1] >= 0 ? 1.0f : -1.0f; });
  const EpisodeResult r = run_episode(*env, policy);
  EXPECT_FALSE(r.truncated);  // terminated at the goal
  EXPECT_LT(r.length, 999);
  EXPECT_GT(r.episode_return, 80.0);  // +100 minus 0.1 per step
}

TEST(RunEpisode, DiscreteEnvsStillUseAct) {
  auto env = envs::make_env_registry().make("CartPole-v1");
  env->reset(1);
  RandomPolicy random(4);
  std::vector<int> actions;
  const EpisodeResult r = run_episode(*env, random, [&](const envs::Env&, int action, const envs::StepResult&) {
    actions.push_back(action);
    return true;
  });
  ASSERT_EQ(static_cast<int>(actions.size()), r.length + 1);
  EXPECT_EQ(actions.front(), -1);  // after reset
  for (size_t i = 1; i < actions.size(); ++i) EXPECT_TRUE(actions[i] == 0 || actions[i] == 1);
}

TEST(RunEpisode, ADiscretePolicyOnAContinuousEnvIsAOneLineError) {
  auto env = envs::make_env_registry().make("Pendulum-v1");
  env->reset(1);
  class Discrete final : public Policy {
   public:
    std::string name() const override { return "greedy"; }
    int act(const float*, const envs::Env&) override { return 0; }
  } discrete;
  try {
    run_episode(*env, discrete);
    FAIL() << "expected tp::Error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "agent 'greedy' picks discrete actions; Pendulum-v1 takes continuous ones");
  }
}

TEST(RandomPolicy, ActContinuousIsUniformInTheBox) {
  const auto registry = envs::make_env_registry();
  for (const char* id : {"Pendulum-v1", "MountainCarContinuous-v0"}) {
    SCOPED_TRACE(id);
    auto env = registry.make(id);
    const envs::BoxSpace& box = *env->continuous_action_space();
    RandomPolicy a(7), b(7);
    std::vector<float> obs(static_cast<size_t>(env->observation_space().size()));
    const int n = 20000;
    double sum = 0, lo = 1e9, hi = -1e9;
    int below_centre = 0;
    for (int i = 0; i < n; ++i) {
      float x = 0, y = 0;
      a.act_continuous(obs.data(), *env, &x);
      b.act_continuous(obs.data(), *env, &y);
      ASSERT_EQ(x, y);  // seeded: reproducible
      ASSERT_GE(x, box.low[0]);
      ASSERT_LE(x, box.high[0]);
      sum += x;
      lo = std::min(lo, static_cast<double>(x));
      hi = std::max(hi, static_cast<double>(x));
      below_centre += x < (box.low[0] + box.high[0]) / 2;
    }
    const double width = box.high[0] - box.low[0];
    EXPECT_NEAR(sum / n, (box.low[0] + box.high[0]) / 2, 0.02 * width);
    EXPECT_LT(lo, box.low[0] + 0.001 * width);
    EXPECT_GT(hi, box.high[0] - 0.001 * width);
    EXPECT_NEAR(below_centre, n / 2, 400);
  }
  auto cartpole = registry.make("CartPole-v1");
  RandomPolicy random(1);
  std::vector<float> obs(4);
  float action = 0;
  EXPECT_THROW(random.act_continuous(obs.data(), *cartpole, &action), Error);
}

TEST(Evaluate, RandomAgentOnContinuousEnvsIsReproducible) {
  auto env = envs::make_env_registry().make("Pendulum-v1");
  RandomPolicy a(2), b(2);
  const EvalReport ra = evaluate(*env, a, 3, 100), rb = evaluate(*env, b, 3, 100);
  EXPECT_EQ(ra.returns, rb.returns);
  EXPECT_EQ(ra.lengths, std::vector<double>({200, 200, 200}));
  for (double ret : ra.returns) EXPECT_LT(ret, -100);  // random torque does not hold it upright
}

}  // namespace
}  // namespace tp::agents
