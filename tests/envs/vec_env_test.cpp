#include "envs/vec_env.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/error.h"
#include "core/rng.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

// Steps the VecEnv and the single envs with the same actions (drawn from `rng`); returns the
// singles' results.
using StepBoth =
    std::function<std::vector<StepResult>(VecEnv& vec, std::vector<std::unique_ptr<Env>>& singles, Rng& rng)>;

// The batch equals N single envs stepped by hand (same seeds, same actions, reset on end):
// rewards, flags, observations, final observations and finished episodes.
struct Ended {
  int episodes = 0, terminated = 0;
};
Ended expect_matches_single_envs(const std::string& id, int steps, const StepBoth& step_both) {
  SCOPED_TRACE(id);
  const auto reg = make_env_registry();
  auto proto = reg.make(id);
  const int n = 5;
  VecEnv vec(*proto, n);
  vec.reset(100);
  std::vector<std::unique_ptr<Env>> singles;
  for (int i = 0; i < n; ++i) {
    singles.push_back(reg.make(id));
    singles.back()->reset(100 + static_cast<uint64_t>(i));
  }
  const int64_t m = vec.obs_size();
  std::vector<float> obs(static_cast<size_t>(m)), final_obs(static_cast<size_t>(m));
  std::vector<double> returns(n, 0.0);
  std::vector<int> lengths(n, 0);
  Rng rng(1);
  Ended ended;
  for (int t = 0; t < steps; ++t) {
    const std::vector<StepResult> results = step_both(vec, singles, rng);
    size_t f = 0;
    for (int i = 0; i < n; ++i) {
      Env& e = *singles[static_cast<size_t>(i)];
      const StepResult& r = results[static_cast<size_t>(i)];
      returns[static_cast<size_t>(i)] += r.reward;
      ++lengths[static_cast<size_t>(i)];
      EXPECT_EQ(vec.rewards()[static_cast<size_t>(i)], r.reward);
      EXPECT_EQ(vec.terminated()[static_cast<size_t>(i)] != 0, r.terminated);
      EXPECT_EQ(vec.truncated()[static_cast<size_t>(i)] != 0, r.truncated);
      if (r.done()) {
        e.observe(final_obs.data());
        for (int64_t j = 0; j < m; ++j) EXPECT_EQ(vec.final_obs(i)[j], final_obs[static_cast<size_t>(j)]);
        if (f >= vec.finished().size()) {
          ADD_FAILURE() << "episode of env " << i << " missing from finished()";
          return ended;
        }
        const auto& fe = vec.finished()[f++];
        EXPECT_EQ(fe.index, i);
        EXPECT_DOUBLE_EQ(fe.episode_return, returns[static_cast<size_t>(i)]);
        EXPECT_EQ(fe.length, lengths[static_cast<size_t>(i)]);
        EXPECT_EQ(fe.terminated, r.terminated);
        EXPECT_EQ(fe.truncated, r.truncated);
        returns[static_cast<size_t>(i)] = 0;
        lengths[static_cast<size_t>(i)] = 0;
        e.reset();
        ++ended.episodes;
        ended.terminated += r.terminated;
      }
      e.observe(obs.data());
      for (int64_t j = 0; j < m; ++j) EXPECT_EQ(vec.obs(i)[j], obs[static_cast<size_t>(j)]);
    }
    EXPECT_EQ(f, vec.finished().size());
    if (::testing::Test::HasFailure()) return ended;
  }
  return ended;
}

TEST(VecEnv, MatchesSingleEnvsWithAutoReset) {
  const StepBoth discrete = [](VecEnv& vec, std::vector<std::unique_ptr<Env>>& singles, Rng& rng) {
    std::vector<int> actions(singles.size());
    for (int& a : actions) a = static_cast<int>(rng.below(static_cast<uint32_t>(vec.action_space().n)));
    vec.step(actions);
    std::vector<StepResult> results;
    for (size_t i = 0; i < singles.size(); ++i) results.push_back(singles[i]->step(actions[i]));
    return results;
  };
  for (const char* id : {"CartPole-v1", "MinAtar/Breakout-v1", "Snake-v0"})
    EXPECT_GT(expect_matches_single_envs(id, 2000, discrete).episodes, 5) << id;
}

// Continuous actions: uniform in [-1.5, 1.5] x the box's high bound (so some are clipped),
// pushed along the velocity for MountainCarContinuous so episodes also terminate at the goal.
TEST(VecEnv, ContinuousMatchesSingleEnvsWithAutoReset) {
  const StepBoth continuous = [](VecEnv& vec, std::vector<std::unique_ptr<Env>>& singles, Rng& rng) {
    const BoxSpace& box = *vec.continuous_action_space();
    std::vector<float> actions(singles.size());  // one dimension
    for (size_t i = 0; i < singles.size(); ++i) {
      actions[i] = static_cast<float>(rng.uniform(-1.5, 1.5)) * box.high[0];
      if (singles[i]->id() == "MountainCarContinuous-v0")
        actions[i] = std::fabs(actions[i]) * (singles[i]->get_state()[1] >= 0 ? 1.0f : -1.0f);
    }
    vec.step_continuous(actions);
    std::vector<StepResult> results;
    for (size_t i = 0; i < singles.size(); ++i) results.push_back(singles[i]->step_continuous(&actions[i]));
    return results;
  };
  EXPECT_EQ(expect_matches_single_envs("Pendulum-v1", 1000, continuous).episodes, 25);  // 5 x 1000 / 200
  const Ended car = expect_matches_single_envs("MountainCarContinuous-v0", 1500, continuous);
  EXPECT_GT(car.terminated, 20);  // reached the goal
}

TEST(VecEnv, ThreadCountDoesNotChangeResults) {
  auto proto = make_env_registry().make("MinAtar/SpaceInvaders-v1");
  VecEnv one(*proto, 7, 1), three(*proto, 7, 3);
  EXPECT_EQ(three.threads(), 3);
  one.reset(5);
  three.reset(5);
  Rng rng(2);
  double total_return = 0;
  for (int t = 0; t < 1500; ++t) {
    std::vector<int> actions(7);
    for (int& a : actions) a = static_cast<int>(rng.below(4));
    one.step(actions);
    three.step(actions);
    ASSERT_EQ(std::vector<float>(one.obs(), one.obs() + 7 * one.obs_size()),
              std::vector<float>(three.obs(), three.obs() + 7 * three.obs_size()));
    ASSERT_EQ(one.rewards(), three.rewards());
    ASSERT_EQ(one.terminated(), three.terminated());
    ASSERT_EQ(one.finished().size(), three.finished().size());
    for (const auto& f : one.finished()) total_return += f.episode_return;
  }
  EXPECT_GT(total_return, 0);
}

TEST(VecEnv, ContinuousThreadCountDoesNotChangeResults) {
  for (const char* id : {"Pendulum-v1", "MountainCarContinuous-v0"}) {
    SCOPED_TRACE(id);
    auto proto = make_env_registry().make(id);
    VecEnv one(*proto, 7, 1), three(*proto, 7, 3);
    ASSERT_EQ(three.threads(), 3);
    ASSERT_EQ(one.action_dim(), 1);
    one.reset(5);
    three.reset(5);
    Rng rng(2);
    int finished = 0;
    std::vector<float> actions(7);
    for (int t = 0; t < 1200; ++t) {
      for (float& a : actions) a = static_cast<float>(rng.uniform(-2.5, 2.5));
      one.step_continuous(actions);
      three.step_continuous(actions);
      ASSERT_EQ(std::vector<float>(one.obs(), one.obs() + 7 * one.obs_size()),
                std::vector<float>(three.obs(), three.obs() + 7 * three.obs_size()));
      ASSERT_EQ(one.rewards(), three.rewards());
      ASSERT_EQ(one.terminated(), three.terminated());
      ASSERT_EQ(one.truncated(), three.truncated());
      ASSERT_EQ(one.finished().size(), three.finished().size());
      for (size_t k = 0; k < one.finished().size(); ++k) {
        EXPECT_EQ(one.finished()[k].index, three.finished()[k].index);
        EXPECT_EQ(one.finished()[k].episode_return, three.finished()[k].episode_return);
        ASSERT_EQ(std::vector<float>(one.final_obs(one.finished()[k].index),
                                     one.final_obs(one.finished()[k].index) + one.obs_size()),
                  std::vector<float>(three.final_obs(three.finished()[k].index),
                                     three.final_obs(three.finished()[k].index) + three.obs_size()));
      }
      finished += static_cast<int>(one.finished().size());
    }
    EXPECT_GE(finished, 7);  // every copy auto-reset at least once (time limits 200 and 999)
  }
}

TEST(VecEnv, ContinuousAndDiscreteActionsAreNotMixed) {
  const auto reg = make_env_registry();
  auto pendulum = reg.make("Pendulum-v1");
  VecEnv vec(*pendulum, 3, 2);
  EXPECT_NE(vec.continuous_action_space(), nullptr);
  vec.reset(0);
  EXPECT_THROW(vec.step(std::vector<int>{0, 0, 0}), Error);
  const float nan = std::nanf("");
  EXPECT_THROW(vec.step_continuous(std::vector<float>{0.5f, nan, 0.5f}), Error);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(vec.env(i).elapsed_steps(), 0) << "a rejected batch must not step any copy";
  EXPECT_THROW(vec.step_continuous(std::vector<float>{0.5f, 0.5f}), Error);
  EXPECT_NO_THROW(vec.step_continuous(std::vector<float>{0.5f, -9.0f, 9.0f}));  // clipped by the envs
  for (int i = 0; i < 3; ++i) EXPECT_EQ(vec.env(i).elapsed_steps(), 1);
  auto cartpole = reg.make("CartPole-v1");
  VecEnv discrete(*cartpole, 2);
  discrete.reset(0);
  EXPECT_EQ(discrete.continuous_action_space(), nullptr);
  EXPECT_EQ(discrete.action_dim(), 0);
  const float zero[2] = {0, 0};
  EXPECT_THROW(discrete.step_continuous(zero), Error);
  std::vector<std::unique_ptr<Env>> mixed;
  mixed.push_back(reg.make("Pendulum-v1"));
  mixed.push_back(reg.make("MountainCarContinuous-v0"));
  EXPECT_THROW(VecEnv(std::move(mixed)), Error);  // different observation shapes
}

TEST(VecEnv, KeepsTerminatedAndTruncatedApart) {
  // Asterix with a 30-step limit: random play both dies (terminated) and times out (truncated).
  auto proto = make_env_registry().make("MinAtar/Asterix-v1", {{"max_episode_steps", "30"}});
  VecEnv vec(*proto, 8, 2);
  vec.reset(0);
  Rng rng(4);
  int terminated = 0, truncated = 0;
  std::vector<int> actions(8);
  for (int t = 0; t < 3000; ++t) {
    for (int& a : actions) a = static_cast<int>(rng.below(5));
    vec.step(actions);
    for (const auto& f : vec.finished()) {
      EXPECT_TRUE(f.terminated || f.truncated);
      if (f.truncated)
        EXPECT_EQ(f.length, 30);
      else
        EXPECT_LT(f.length, 30);
      terminated += f.terminated;
      truncated += f.truncated && !f.terminated;
    }
  }
  EXPECT_GT(terminated, 10);
  EXPECT_GT(truncated, 10);
}

TEST(VecEnv, BadInputIsRejected) {
  auto proto = make_env_registry().make("CartPole-v1");
  EXPECT_THROW(VecEnv(*proto, 0), UsageError);
  EXPECT_THROW(VecEnv(*proto, 2, 0), UsageError);
  VecEnv vec(*proto, 4, 2);
  vec.reset(0);
  EXPECT_THROW(vec.step(std::vector<int>{0, 1, 2, 0}), Error);
  EXPECT_THROW(vec.step(std::vector<int>{0, 1}), Error);
  EXPECT_NO_THROW(vec.step(std::vector<int>{0, 1, 1, 0}));  // still usable
  std::vector<std::unique_ptr<Env>> mixed;
  mixed.push_back(make_env_registry().make("CartPole-v1"));
  mixed.push_back(make_env_registry().make("Acrobot-v1"));
  EXPECT_THROW(VecEnv(std::move(mixed)), Error);
}

}  // namespace
}  // namespace tp::envs
