#include "envs/vec_env.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

// The batch equals N single envs stepped by hand (same seeds, same actions, reset on end).
TEST(VecEnv, MatchesSingleEnvsWithAutoReset) {
  const auto reg = make_env_registry();
  for (const char* id : {"CartPole-v1", "MinAtar/Breakout-v1", "Snake-v0"}) {
    SCOPED_TRACE(id);
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
    int episodes = 0;
    for (int t = 0; t < 2000; ++t) {
      std::vector<int> actions(n);
      for (int& a : actions) a = static_cast<int>(rng.below(static_cast<uint32_t>(vec.action_space().n)));
      vec.step(actions);
      size_t f = 0;
      for (int i = 0; i < n; ++i) {
        Env& e = *singles[static_cast<size_t>(i)];
        const StepResult r = e.step(actions[static_cast<size_t>(i)]);
        returns[static_cast<size_t>(i)] += r.reward;
        ++lengths[static_cast<size_t>(i)];
        ASSERT_EQ(vec.rewards()[static_cast<size_t>(i)], r.reward);
        ASSERT_EQ(vec.terminated()[static_cast<size_t>(i)] != 0, r.terminated);
        ASSERT_EQ(vec.truncated()[static_cast<size_t>(i)] != 0, r.truncated);
        if (r.done()) {
          e.observe(final_obs.data());
          for (int64_t j = 0; j < m; ++j) ASSERT_EQ(vec.final_obs(i)[j], final_obs[static_cast<size_t>(j)]);
          ASSERT_LT(f, vec.finished().size());
          const auto& fe = vec.finished()[f++];
          EXPECT_EQ(fe.index, i);
          EXPECT_DOUBLE_EQ(fe.episode_return, returns[static_cast<size_t>(i)]);
          EXPECT_EQ(fe.length, lengths[static_cast<size_t>(i)]);
          EXPECT_EQ(fe.terminated, r.terminated);
          EXPECT_EQ(fe.truncated, r.truncated);
          returns[static_cast<size_t>(i)] = 0;
          lengths[static_cast<size_t>(i)] = 0;
          e.reset();
          ++episodes;
        }
        e.observe(obs.data());
        for (int64_t j = 0; j < m; ++j) ASSERT_EQ(vec.obs(i)[j], obs[static_cast<size_t>(j)]);
      }
      ASSERT_EQ(f, vec.finished().size());
    }
    EXPECT_GT(episodes, 5);
  }
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
