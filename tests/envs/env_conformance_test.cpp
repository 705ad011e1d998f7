// Conformance tests every registered env passes (OpenSpiel basic_tests style): random play
// to the end with invariants, seeding reproducibility, spaces respected, get/set state
// round trip, clone independence, invalid actions and unknown names rejected.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/rng.h"
#include "envs/random_actions.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

struct Trace {
  std::vector<float> obs;  // all observations, concatenated
  std::vector<float> rewards;
  std::vector<int> flags;  // terminated * 2 + truncated
  bool operator==(const Trace& o) const { return obs == o.obs && rewards == o.rewards && flags == o.flags; }
};

// One uniform random action from `rng` (discrete or continuous: envs/random_actions.h).
StepResult random_step(Env& env, Rng& rng) { return RandomActions(env).step(env, rng); }

// One valid action: 0, or for a continuous-action env the box's centre.
StepResult valid_step(Env& env) {
  const BoxSpace* box = env.continuous_action_space();
  if (!box) return env.step(0);
  std::vector<float> action(static_cast<size_t>(box->size()));
  for (size_t i = 0; i < action.size(); ++i) action[i] = (box->low[i] + box->high[i]) / 2;
  return env.step_continuous(action.data());
}

// Plays `steps` random actions (from `rng`), resetting at episode ends, recording everything.
Trace play(Env& env, Rng& rng, int steps) {
  Trace t;
  std::vector<float> obs(static_cast<size_t>(env.observation_space().size()));
  for (int i = 0; i < steps; ++i) {
    const StepResult r = random_step(env, rng);
    env.observe(obs.data());
    t.obs.insert(t.obs.end(), obs.begin(), obs.end());
    t.rewards.push_back(r.reward);
    t.flags.push_back(r.terminated * 2 + r.truncated);
    if (r.done()) env.reset();
  }
  return t;
}

// One ctest entry per env (each test process start loads LibTorch, so the checks below run
// as named steps of a single test rather than as ~150 separate tests).
// A parameter is an env id, optionally followed by "|" and env options (e.g. frame_stack=4).
class EnvConformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::string id() const { return GetParam().substr(0, GetParam().find('|')); }
  EnvKwargs kwargs() const {
    const size_t bar = GetParam().find('|');
    return bar == std::string::npos ? EnvKwargs{} : parse_env_kwargs(GetParam().substr(bar + 1));
  }
  std::unique_ptr<Env> make() const { return registry_.make(id(), kwargs()); }
  EnvRegistry registry_ = make_env_registry();

  void SpacesAreConsistent() {
    auto env = make();
    const BoxSpace& space = env->observation_space();
    ASSERT_FALSE(space.shape.empty());
    EXPECT_EQ(static_cast<int64_t>(space.low.size()), space.size());
    EXPECT_EQ(static_cast<int64_t>(space.high.size()), space.size());
    for (size_t i = 0; i < space.low.size(); ++i) EXPECT_LE(space.low[i], space.high[i]);
    if (const BoxSpace* actions = env->continuous_action_space()) {
      // A continuous-action env: a finite box, Discrete(0), no action names.
      ASSERT_FALSE(actions->shape.empty());
      ASSERT_EQ(static_cast<int64_t>(actions->low.size()), actions->size());
      ASSERT_EQ(static_cast<int64_t>(actions->high.size()), actions->size());
      for (size_t i = 0; i < actions->low.size(); ++i) {
        EXPECT_TRUE(std::isfinite(actions->low[i]) && std::isfinite(actions->high[i]));
        EXPECT_LT(actions->low[i], actions->high[i]);
      }
      EXPECT_TRUE(env->has_continuous_actions());
      EXPECT_EQ(env->action_space().n, 0);
    } else {
      EXPECT_GT(env->action_space().n, 0);
    }
    EXPECT_EQ(static_cast<int>(env->action_names().size()), env->action_space().n);
    EXPECT_EQ(env->id(), id());
    EXPECT_GT(env->max_episode_steps(), 0);
  }

  void RandomPlayToTheEndKeepsInvariants() {
    auto env = make();
    const BoxSpace& space = env->observation_space();
    std::vector<float> obs(static_cast<size_t>(space.size()));
    Rng rng(7);
    int episodes = 0;
    long total_steps = 0;
    for (uint64_t seed = 0; seed < 12 && total_steps < 60000; ++seed) {
      env->reset(seed);
      EXPECT_EQ(env->elapsed_steps(), 0);
      env->observe(obs.data());
      ASSERT_TRUE(space.contains(obs.data())) << "reset observation outside " << space.to_string();
      for (int t = 1;; ++t) {
        const StepResult r = random_step(*env, rng);
        ++total_steps;
        ASSERT_EQ(env->elapsed_steps(), t);
        env->observe(obs.data());
        ASSERT_TRUE(space.contains(obs.data())) << "step " << t << " observation outside the space";
        ASSERT_TRUE(std::isfinite(r.reward));
        // Truncation happens exactly at the time limit, never before.
        ASSERT_EQ(r.truncated, t >= env->max_episode_steps()) << "step " << t;
        if (r.done()) break;
        ASSERT_LT(t, 200000) << "episode never ends";
      }
      EXPECT_THROW(valid_step(*env), Error) << "step after the end must throw";
      ++episodes;
    }
    EXPECT_GE(episodes, 1);
  }

  void InvalidActionsThrow() {
    auto env = make();
    env->reset(1);
    EXPECT_THROW(env->step(-1), Error);
    EXPECT_THROW(env->step(env->action_space().n), Error);
    if (const BoxSpace* box = env->continuous_action_space()) {
      // Continuous: any discrete action and NaN throw; out-of-bounds values are clipped.
      EXPECT_THROW(env->step(0), Error);
      std::vector<float> action(static_cast<size_t>(box->size()), std::nanf(""));
      EXPECT_THROW(env->step_continuous(action.data()), Error);
      for (size_t i = 0; i < action.size(); ++i) action[i] = box->high[i] + 10;
      EXPECT_NO_THROW(env->step_continuous(action.data()));
    } else {
      const float zero[1] = {0};
      EXPECT_THROW(env->step_continuous(zero), Error);  // a discrete env refuses continuous actions
    }
    EXPECT_NO_THROW(valid_step(*env));  // the env is still usable after a rejected action
  }

  void ResetWithSeedIsReproducible() {
    auto a = make();
    auto b = make();
    Rng ra(3), rb(3);
    a->reset(42);
    b->reset(42);
    valid_step(*b);  // history before reset(seed) must not matter
    b->reset(42);
    EXPECT_TRUE(play(*a, ra, 3000) == play(*b, rb, 3000));
  }

  void DifferentSeedsGiveDifferentPlay() {
    auto a = make();
    auto b = make();
    Rng ra(3), rb(3);
    a->reset(1);
    b->reset(2);
    EXPECT_FALSE(play(*a, ra, 3000) == play(*b, rb, 3000));
  }

  void StateRoundTripContinuesIdentically() {
    auto env = make();
    Rng rng(5);
    env->reset(9);
    play(*env, rng, 777);  // somewhere mid-play, possibly after some resets
    const std::vector<double> saved = env->get_state();
    Rng rng_a = rng, rng_b = rng;
    const Trace a = play(*env, rng_a, 2000);
    auto other = make();
    other->reset(12345);  // a different history
    other->set_state(saved);
    EXPECT_EQ(other->get_state(), saved);
    const Trace b = play(*other, rng_b, 2000);
    EXPECT_TRUE(a == b);
  }

  void EveryReachedStateRoundTrips() {
    // Every state random play reaches can be written back (no reachable state fails set_state's
    // validation) and reads back identically.
    auto env = make();
    auto other = make();
    Rng rng(13);
    env->reset(21);
    for (int t = 0; t < 4000; ++t) {
      const std::vector<double> st = env->get_state();
      ASSERT_NO_THROW(other->set_state(st)) << "step " << t;
      ASSERT_EQ(other->get_state(), st) << "step " << t;
      if (random_step(*env, rng).done()) env->reset();
    }
  }

  void CloneIsIndependent() {
    auto env = make();
    Rng rng(11);
    env->reset(4);
    play(*env, rng, 50);
    const std::vector<double> before = env->get_state();
    auto copy = env->clone();
    EXPECT_EQ(copy->get_state(), before);
    Rng r1(1), r2(1);
    play(*copy, r1, 500);
    EXPECT_EQ(env->get_state(), before) << "stepping the clone changed the original";
    const Trace original = play(*env, r2, 500);  // and the original still plays as the clone did
    auto copy2 = make();
    copy2->set_state(before);
    Rng r3(1);
    EXPECT_TRUE(play(*copy2, r3, 500) == original);
  }

  void ObserveBytesMatchesObserveForGridEnvs() {
    auto env = make();
    const BoxSpace& space = env->observation_space();
    bool integral = true;
    for (size_t i = 0; i < space.low.size(); ++i) integral = integral && space.low[i] == 0 && space.high[i] == 1;
    if (!integral) {
      env->reset(0);
      std::vector<uint8_t> bytes(static_cast<size_t>(space.size()));
      EXPECT_THROW(env->observe_bytes(bytes.data()), Error);  // continuous observations
      return;
    }
    std::vector<float> obs(static_cast<size_t>(space.size()));
    std::vector<uint8_t> bytes(obs.size());
    Rng rng(2);
    env->reset(3);
    for (int t = 0; t < 500; ++t) {
      env->observe(obs.data());
      env->observe_bytes(bytes.data());
      for (size_t i = 0; i < obs.size(); ++i) ASSERT_EQ(static_cast<float>(bytes[i]), obs[i]);
      if (random_step(*env, rng).done()) env->reset();
    }
  }

  void BadStatesAreRejected() {
    auto env = make();
    env->reset(0);
    EXPECT_THROW(env->set_state({}), Error);
    std::vector<double> st = env->get_state();
    st.push_back(0.0);
    st.push_back(0.0);
    st.push_back(0.0);
    EXPECT_THROW(env->set_state(st), Error);
  }

  void UnknownKwargIsAUsageError() {
    EnvKwargs bad = kwargs();
    bad["no_such_option"] = "1";
    EXPECT_THROW(registry_.make(id(), bad), UsageError);
  }

 public:
  void run_all() {
    using Check = void (EnvConformance::*)();
    const std::pair<const char*, Check> checks[] = {
        {"SpacesAreConsistent", &EnvConformance::SpacesAreConsistent},
        {"RandomPlayToTheEndKeepsInvariants", &EnvConformance::RandomPlayToTheEndKeepsInvariants},
        {"InvalidActionsThrow", &EnvConformance::InvalidActionsThrow},
        {"ResetWithSeedIsReproducible", &EnvConformance::ResetWithSeedIsReproducible},
        {"DifferentSeedsGiveDifferentPlay", &EnvConformance::DifferentSeedsGiveDifferentPlay},
        {"StateRoundTripContinuesIdentically", &EnvConformance::StateRoundTripContinuesIdentically},
        {"EveryReachedStateRoundTrips", &EnvConformance::EveryReachedStateRoundTrips},
        {"CloneIsIndependent", &EnvConformance::CloneIsIndependent},
        {"ObserveBytesMatchesObserveForGridEnvs", &EnvConformance::ObserveBytesMatchesObserveForGridEnvs},
        {"BadStatesAreRejected", &EnvConformance::BadStatesAreRejected},
        {"UnknownKwargIsAUsageError", &EnvConformance::UnknownKwargIsAUsageError},
    };
    for (const auto& [name, check] : checks) {
      SCOPED_TRACE(name);
      (this->*check)();
    }
  }
};

TEST_P(EnvConformance, Contract) { run_all(); }

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s;
  for (char c : info.param) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(AllEnvs, EnvConformance, ::testing::ValuesIn(make_env_registry().ids()), test_name);
// The frame_stack option every env takes, on a vector, a grid (flickering) and a continuous env.
INSTANTIATE_TEST_SUITE_P(FrameStacked, EnvConformance,
                         ::testing::Values("MaskedCartPole-v1|frame_stack=4",
                                           "MinAtar/FlickeringBreakout-v1|frame_stack=2", "Pendulum-v1|frame_stack=3"),
                         test_name);

TEST(EnvRegistry, UnknownNameListsTheKnownOnes) {
  const auto registry = make_env_registry();
  try {
    registry.make("NoSuchEnv-v0");
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    for (const auto& id : registry.ids()) EXPECT_NE(what.find(id), std::string::npos) << id;
  }
}

TEST(EnvRegistry, ShipsTheIssueEnvs) {
  const auto registry = make_env_registry();
  for (const char* id : {"CartPole-v1", "MountainCar-v0", "Acrobot-v1", "MinAtar/Breakout-v1",
                         "MinAtar/SpaceInvaders-v1", "MinAtar/Freeway-v1", "MinAtar/Asterix-v1", "MinAtar/Seaquest-v1",
                         "Snake-v0", "Pendulum-v1", "MountainCarContinuous-v0", "MaskedCartPole-v1",
                         "MinAtar/FlickeringBreakout-v1", "MinAtar/FlickeringSpaceInvaders-v1"})
    EXPECT_TRUE(registry.contains(id)) << id;
}

}  // namespace
}  // namespace tp::envs
