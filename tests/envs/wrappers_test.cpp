// The partially observed envs and frame stacking (envs/wrappers/), checked against the env
// they wrap, played side by side with the same seed and actions.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"
#include "envs/classic/cartpole.h"
#include "envs/registry.h"
#include "envs/wrappers/flicker.h"
#include "envs/wrappers/frame_stack.h"

namespace tp::envs {
namespace {

std::vector<float> observation(const Env& env) {
  std::vector<float> obs(static_cast<size_t>(env.observation_space().size()));
  env.observe(obs.data());
  return obs;
}

TEST(MaskedCartPole, ObservesPositionAndAngleOfTheSameCartPole) {
  const auto registry = make_env_registry();
  auto masked = registry.make("MaskedCartPole-v1");
  auto full = registry.make("CartPole-v1");
  ASSERT_EQ(masked->observation_space().shape, std::vector<int>{2});
  EXPECT_EQ(masked->observation_space().high[0], full->observation_space().high[0]);
  EXPECT_EQ(masked->observation_space().high[1], full->observation_space().high[2]);
  Rng rng(4);
  masked->reset(17);
  full->reset(17);
  for (int t = 0; t < 3000; ++t) {
    const std::vector<float> m = observation(*masked), f = observation(*full);
    ASSERT_EQ(m[0], f[0]) << t;
    ASSERT_EQ(m[1], f[2]) << t;
    const int a = static_cast<int>(rng.below(2));
    const StepResult rm = masked->step(a), rf = full->step(a);
    ASSERT_EQ(rm.reward, rf.reward);
    ASSERT_EQ(rm.terminated, rf.terminated);
    ASSERT_EQ(rm.truncated, rf.truncated);
    if (rm.done()) {
      masked->reset();
      full->reset();
    }
  }
}

TEST(Flicker, BlanksAboutHalfTheFramesAndShowsTheGameOtherwise) {
  const auto registry = make_env_registry();
  auto flicker = registry.make("MinAtar/FlickeringBreakout-v1");
  auto game = registry.make("MinAtar/Breakout-v1");
  Rng rng(8);
  flicker->reset(5);
  game->reset(5);
  int blanked = 0, frames = 0, nonzero_games = 0;
  for (int t = 0; t < 4000; ++t) {
    const std::vector<float> f = observation(*flicker), g = observation(*game);
    bool all_zero = true;
    for (const float v : f) all_zero = all_zero && v == 0.0f;
    bool game_zero = true;
    for (const float v : g) game_zero = game_zero && v == 0.0f;
    nonzero_games += !game_zero;
    if (all_zero && !game_zero)
      ++blanked;
    else
      ASSERT_EQ(f, g) << "an unblanked frame is the game's own, step " << t;
    ++frames;
    const int a = static_cast<int>(rng.below(static_cast<uint64_t>(game->action_space().n)));
    const StepResult rf = flicker->step(a), rg = game->step(a);
    ASSERT_EQ(rf.reward, rg.reward);
    ASSERT_EQ(rf.done(), rg.done());
    if (rf.done()) {
      flicker->reset();
      game->reset();
    }
  }
  ASSERT_EQ(nonzero_games, frames);  // Breakout always shows a paddle: a blank is the wrapper's
  EXPECT_NEAR(static_cast<double>(blanked) / frames, 0.5, 0.03);
}

TEST(Flicker, ProbabilityZeroNeverBlanksAndOneAlwaysDoes) {
  const auto registry = make_env_registry();
  for (const char* p : {"0", "1"}) {
    auto env = registry.make("MinAtar/FlickeringSpaceInvaders-v1", {{"blank_probability", p}});
    env->reset(1);
    for (int t = 0; t < 200; ++t) {
      EXPECT_EQ(dynamic_cast<const Flicker&>(*env).blanked(), std::string(p) == "1");
      if (env->step(0).done()) env->reset();
    }
  }
  EXPECT_THROW(registry.make("MinAtar/FlickeringBreakout-v1", {{"blank_probability", "1.5"}}), UsageError);
  EXPECT_THROW(registry.make("MinAtar/FlickeringBreakout-v1", {{"blank_probability", "x"}}), UsageError);
}

TEST(FrameStack, HoldsTheLastFramesOldestFirstAndFillsOnReset) {
  const auto registry = make_env_registry();
  auto stacked = registry.make("CartPole-v1", {{"frame_stack", "3"}});
  auto plain = registry.make("CartPole-v1");
  ASSERT_EQ(stacked->observation_space().shape, std::vector<int>{12});
  ASSERT_EQ(stacked->observation_space().size(), 12);
  stacked->reset(2);
  plain->reset(2);
  std::vector<std::vector<float>> history(3, observation(*plain));  // reset fills every slot
  Rng rng(3);
  for (int t = 0; t < 1500; ++t) {
    const std::vector<float> s = observation(*stacked);
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 4; ++i)
        ASSERT_EQ(s[static_cast<size_t>(4 * k + i)], history[static_cast<size_t>(k)][static_cast<size_t>(i)]) << t;
    const int a = static_cast<int>(rng.below(2));
    const StepResult r = stacked->step(a);
    ASSERT_EQ(r.terminated, plain->step(a).terminated);
    if (r.done()) {
      stacked->reset();
      plain->reset();
      history.assign(3, observation(*plain));
    } else {
      history.erase(history.begin());
      history.push_back(observation(*plain));
    }
  }
}

TEST(FrameStack, StacksGridChannelsAndRefusesBadCounts) {
  const auto registry = make_env_registry();
  auto env = registry.make("MinAtar/Breakout-v1", {{"frame_stack", "4"}});
  const auto one = registry.make("MinAtar/Breakout-v1");
  EXPECT_EQ(env->observation_space().shape, (std::vector<int>{4 * one->observation_space().shape[0], 10, 10}));
  EXPECT_EQ(registry.make("CartPole-v1", {{"frame_stack", "1"}})->observation_space().shape, std::vector<int>{4});
  for (const char* bad : {"0", "-1", "2.5", "65", "four"})
    EXPECT_THROW(registry.make("CartPole-v1", {{"frame_stack", bad}}), UsageError) << bad;
}

}  // namespace
}  // namespace tp::envs
