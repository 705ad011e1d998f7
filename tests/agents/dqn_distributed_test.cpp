// Distributed DQN (Ape-X; docs/distributed.md): the batch an actor sends, the actors'
// epsilons and priorities, and a learner with two actor processes through the CLI on
// 127.0.0.1 that solves CartPole.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "agents/dqn/dqn_options.h"
#include "agents/dqn/prioritized_sampler.h"
#include "agents/dqn/transition_batch.h"
#include "core/error.h"
#include "core/json.h"
#include "core/rank_launcher.h"
#include "core/run_dir.h"
#include "tests/test_util.h"

namespace tp::agents::dqn {
namespace {

TransitionBatch sample_batch(bool whole_numbers) {
  TransitionBatch b;
  b.obs_size = 3;
  b.generation = 7;
  b.frames = 4;
  b.seconds = 0.5;
  for (int i = 0; i < 4; ++i) {
    const float o[3] = {whole_numbers ? 1.f : 0.25f * i, 0.f, static_cast<float>(i)};
    const float n[3] = {1.f, whole_numbers ? 2.f : -0.5f, static_cast<float>(i + 1)};
    b.add(o, i % 2, 0.5f * i, n, i == 3, false, 1 + i % 3);
    b.priorities.push_back(0.1f * i);
  }
  b.episode_returns = {12.5f};
  b.episode_lengths = {13};
  return b;
}

TEST(TransitionBatch, RoundTripsWithByteOrFloatObservations) {
  for (const bool whole : {true, false}) {
    const TransitionBatch b = sample_batch(whole);
    const std::string bytes = b.encode();
    const TransitionBatch c = TransitionBatch::decode(bytes, 3, 2, 3, "actor 1");
    EXPECT_EQ(c.obs, b.obs);
    EXPECT_EQ(c.next_obs, b.next_obs);
    EXPECT_EQ(c.actions, b.actions);
    EXPECT_EQ(c.rewards, b.rewards);
    EXPECT_EQ(c.terminated, b.terminated);
    EXPECT_EQ(c.n_steps, b.n_steps);
    EXPECT_EQ(c.priorities, b.priorities);
    EXPECT_EQ(c.episode_returns, b.episode_returns);
    EXPECT_EQ(c.episode_lengths, b.episode_lengths);
    EXPECT_EQ(c.generation, 7);
    EXPECT_EQ(c.frames, 4);
    // Whole-number observations travel as bytes: a quarter of the floats' size.
    if (whole) {
      EXPECT_LT(bytes.size(), sample_batch(false).encode().size());
    }
  }
}

TEST(TransitionBatch, CorruptOrForeignBatchesAreDataErrors) {
  const std::string bytes = sample_batch(false).encode();
  const auto fails = [](const std::string& data, int obs, int actions, int max_n, const std::string& expected) {
    try {
      TransitionBatch::decode(data, obs, actions, max_n, "actor 4");
      ADD_FAILURE() << "accepted a batch that should fail with: " << expected;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("actor 4"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  fails(bytes, 4, 2, 3, "3 values, this env's 4");
  fails(bytes, 3, 1, 3, "an action outside 0..0");
  fails(bytes, 3, 2, 2, "n-step length outside 1..2");
  fails(bytes.substr(0, bytes.size() - 3), 3, 2, 3, "bytes for 4 transitions");
  fails("x" + bytes.substr(1), 3, 2, 3, "marker");
  fails(bytes + "junk", 3, 2, 3, "bytes for 4 transitions");
}

TEST(ApeX, ActorsCycleThroughTheirEpsilonsAndPrioritiesComeFromTheirTdErrors) {
  DqnOptions o;
  EXPECT_DOUBLE_EQ(o.actor_epsilon_of(0), 0.4);                 // Ape-X: 0.4^(1 + 7 i / (N - 1))
  EXPECT_NEAR(o.actor_epsilon_of(7), std::pow(0.4, 8), 1e-12);  // the greediest
  EXPECT_DOUBLE_EQ(o.actor_epsilon_of(8), o.actor_epsilon_of(0));
  o.actor_epsilons = 1;
  EXPECT_DOUBLE_EQ(o.actor_epsilon_of(5), 0.4);
  // An actor's |TD error| enters replay as the priority (|delta| + eps)^alpha.
  PrioritizedSampler per(8, 0.5, 0.01);
  per.on_add(2, 0.99f);
  EXPECT_NEAR(per.priority(2), 1.0, 1e-6);
  per.on_add(3, 3.99f);
  EXPECT_NEAR(per.priority(3), 2.0, 1e-6);
  per.on_add(4);  // a transition without one gets the largest so far
  EXPECT_NEAR(per.priority(4), 2.0, 1e-6);
}

// A learner in the background and two actors until it ends the run: the learner's greedy
// network learns CartPole, and both actors, each with its own epsilon, fed it. Which network
// each batch was acted with depends on timing, so the run is not reproducible step for step.
// Idle or beside two busy loops it solved CartPole (>= 475) in 6 of 6 runs, but in two
// fresh-clone CI runs only 151 and 165 (docs/distributed.md): the bound is that it learned.
TEST(DistributedDqn, CartPoleLearnerAndTwoActorsLearnIt) {
  test::TempDir dir;
  const std::string run = dir.file("apex");
  // Ape-X's N is the number of actors: with 2, one explores at 0.4 and one at 0.4^8.
  const auto r = test::run_learner_and_two_actors(
      dir, free_port("127.0.0.1"),
      "train dqn --env CartPole-v1 --seed 2 --json --quiet --actor-epsilons 2 --run-dir " + run, "--quiet --json");
  const std::string logs = r.all_logs();
  ASSERT_EQ(r.learner_exit, 0) << logs;
  EXPECT_EQ(r.actor_exit[0], 0) << logs;
  EXPECT_EQ(r.actor_exit[1], 0) << logs;
  const Json learner = Json::parse(test::last_line(r.learner_log));
  EXPECT_EQ(learner.at("steps").get<int64_t>(), 80000);
  EXPECT_EQ(learner.at("actors").get<int64_t>(), 2);
  // A random policy averages about 22; the single process reaches 475 (DqnCli.DefaultsSolveCartPole).
  EXPECT_GE(learner.at("final_eval_mean").get<double>(), 100.0) << logs;
  std::vector<double> epsilons;
  int64_t steps = 0;
  for (const std::string& log : r.actor_log) {
    const Json a = Json::parse(test::last_line(log));
    EXPECT_EQ(a.at("algorithm").get<std::string>(), "dqn");
    EXPECT_GT(a.at("steps").get<int64_t>(), 1000) << log;
    epsilons.push_back(a.at("epsilon").get<double>());
    steps += a.at("steps").get<int64_t>();
  }
  std::sort(epsilons.begin(), epsilons.end());
  ASSERT_EQ(epsilons.size(), 2u);
  EXPECT_NEAR(epsilons[0], std::pow(0.4, 8), 1e-12);
  EXPECT_NEAR(epsilons[1], 0.4, 1e-12);
  // The learner took every transition the actors sent, and no more (up to the batches still
  // queued when it ended the run).
  EXPECT_GE(steps, 80000);
  EXPECT_NE(read_file(run + "/metrics.csv").find("network_age"), std::string::npos);
}

}  // namespace
}  // namespace tp::agents::dqn
