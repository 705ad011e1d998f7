// Distributed R2D2 (docs/distributed.md): the batch of sequences an actor sends, the
// priorities it gives them (the loss's own, with its network as online and target), and a
// learner with two actor processes through the CLI on 127.0.0.1 that learns the
// velocity-masked CartPole.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "agents/r2d2/actor_sequences.h"
#include "agents/r2d2/r2d2_network.h"
#include "agents/r2d2/r2d2_options.h"
#include "agents/r2d2/sequence_loss.h"
#include "agents/r2d2/sequence_replay.h"
#include "core/error.h"
#include "core/json.h"
#include "core/rank_launcher.h"
#include "core/run_dir.h"
#include "envs/registry.h"
#include "tests/test_util.h"

namespace tp::agents::r2d2 {
namespace {

constexpr int64_t kM = 4, kObs = 3, kState = 2;

Sequence sample_sequence(int i, bool whole_numbers) {
  Sequence s;
  s.length = i == 1 ? 2 : kM;
  s.terminal = i == 1;
  for (int64_t k = 0; k < (kM + 1) * kObs; ++k)
    s.obs.push_back(whole_numbers ? static_cast<float>((k + i) % 2) : 0.25f * static_cast<float>(k - i));
  for (int64_t t = 0; t < kM; ++t) {
    s.actions.push_back((t + i) % 2);
    s.rewards.push_back(t < s.length ? 0.5f * static_cast<float>(t) : 0.f);
  }
  s.h = {0.1f * i, -0.2f};
  s.c = {0.3f, 0.4f * i};
  return s;
}

ActorSequences sample_batch(bool whole_numbers) {
  ActorSequences b;
  b.generation = 7;
  b.frames = 16;
  b.seconds = 0.5;
  b.seq_length = kM;
  b.obs_size = kObs;
  b.state_size = kState;
  for (int i = 0; i < 3; ++i) {
    b.sequences.push_back(sample_sequence(i, whole_numbers));
    b.priorities.push_back(0.1f * static_cast<float>(i));
  }
  b.episodes = {{1, 12.5, 13}, {0, -2.0, 4}};
  return b;
}

// Every actor (one process or distributed) runs the whole Ape-X ladder over its env copies,
// the formula the DQN actors use by id.
TEST(R2d2Options, ActorEpsilonsAreApeXsLadderOverTheEnvCopies) {
  R2d2Options o;
  o.num_envs = 8;
  const std::vector<double> eps = o.actor_epsilons();
  ASSERT_EQ(eps.size(), 8u);
  EXPECT_DOUBLE_EQ(eps.front(), 0.4);                // 0.4^(1 + 7 i / (K - 1))
  EXPECT_NEAR(eps.back(), std::pow(0.4, 8), 1e-12);  // the greediest
  EXPECT_NEAR(eps[3], std::pow(0.4, 4), 1e-12);
  for (size_t i = 1; i < eps.size(); ++i) EXPECT_LT(eps[i], eps[i - 1]);
  o.num_envs = 1;
  EXPECT_EQ(o.actor_epsilons(), std::vector<double>{0.4});
}

TEST(ActorSequences, RoundTripWithByteOrFloatObservations) {
  for (const bool whole : {true, false}) {
    const ActorSequences b = sample_batch(whole);
    const std::string bytes = b.encode();
    const ActorSequences c = ActorSequences::decode(bytes, kM, kObs, kState, 2, 2, "actor 1");
    ASSERT_EQ(c.sequences.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      const Sequence &x = b.sequences[i], &y = c.sequences[i];
      EXPECT_EQ(y.obs, x.obs);
      EXPECT_EQ(y.actions, x.actions);
      EXPECT_EQ(y.rewards, x.rewards);
      EXPECT_EQ(y.length, x.length);
      EXPECT_EQ(y.terminal, x.terminal);
      EXPECT_EQ(y.h, x.h);
      EXPECT_EQ(y.c, x.c);
    }
    EXPECT_EQ(c.priorities, b.priorities);
    ASSERT_EQ(c.episodes.size(), 2u);
    EXPECT_EQ(c.episodes[0].actor, 1);
    EXPECT_EQ(c.episodes[0].episode_return, 12.5);
    EXPECT_EQ(c.episodes[1].length, 4);
    EXPECT_EQ(c.generation, 7);
    EXPECT_EQ(c.frames, 16);
    // Whole-number observations travel as bytes.
    if (whole) {
      EXPECT_LT(bytes.size(), sample_batch(false).encode().size());
    }
  }
}

TEST(ActorSequences, CorruptOrForeignBatchesAreDataErrors) {
  const std::string bytes = sample_batch(false).encode();
  const auto fails = [](const std::string& data, int64_t m, int64_t obs, int64_t state, int actions, int envs,
                        const std::string& expected) {
    try {
      ActorSequences::decode(data, m, obs, state, actions, envs, "actor 4");
      ADD_FAILURE() << "accepted a batch that should fail with: " << expected;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("actor 4"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  fails(bytes, kM, 4, kState, 2, 2, "the learner's 4, 4 and 2");
  fails(bytes, 5, kObs, kState, 2, 2, "4 steps of 3 values");
  fails(bytes, kM, kObs, kState, 1, 2, "an action outside 0..0");
  fails(bytes, kM, kObs, kState, 2, 1, "an episode of env copy 1, not 0..0");
  fails(bytes.substr(0, bytes.size() - 3), kM, kObs, kState, 2, 2, "for 3 sequences and 2 episodes");
  fails("x" + bytes.substr(1), kM, kObs, kState, 2, 2, "marker");
  fails(bytes + "junk", kM, kObs, kState, 2, 2, "for 3 sequences and 2 episodes");
  ActorSequences bad = sample_batch(false);
  bad.sequences[0].h[1] = std::nanf("");
  fails(bad.encode(), kM, kObs, kState, 2, 2, "a recurrent state is not finite");
  bad = sample_batch(false);
  bad.priorities[2] = -1.f;
  fails(bad.encode(), kM, kObs, kState, 2, 2, "a priority is negative");
}

// What an actor computes for new sequences is what the learner's loss would give them with
// the target network equal to the online one: the same burn-in, targets and eta mix.
TEST(ActorSequences, InitialPrioritiesAreTheLossPrioritiesUnderTheActorsNetwork) {
  torch::manual_seed(5);
  R2d2NetworkOptions no;
  no.obs_size = kObs;
  no.num_actions = 2;
  no.torso = {8};
  no.lstm_size = kState;
  R2d2Network net(no);
  std::vector<Sequence> seqs;
  for (int i = 0; i < 3; ++i) seqs.push_back(sample_sequence(i, false));
  const SequenceBatch batch = stack_sequences(seqs, kM, kObs, kState);
  ASSERT_EQ(batch.obs.sizes(), (std::vector<int64_t>{kM + 1, 3, kObs}));
  for (const bool stored : {true, false}) {
    for (const int64_t burn_in : {0, 1}) {
      LossSettings s;
      s.burn_in = burn_in;
      s.n_step = 2;
      s.gamma = 0.9;
      s.stored_state = stored;
      R2d2Network target = clone_network(net);
      const LossOutput loss = sequence_loss(net, target, batch, torch::ones({3}), s);
      const torch::Tensor p = initial_priorities(net, batch, s);
      EXPECT_TRUE(torch::allclose(p, loss.priorities, 1e-5, 1e-6))
          << "stored " << stored << " burn-in " << burn_in << ": " << p << " vs " << loss.priorities;
      EXPECT_GT(p.sum().item<double>(), 0.0);
    }
  }
}

// A learner in the background and two actors until it ends the run: the learner's greedy
// network learns the velocity-masked CartPole from their sequences. Which network each batch
// was acted with depends on timing, so the run is not reproducible step for step.
TEST(DistributedR2d2, MaskedCartPoleLearnerAndTwoActorsLearnIt) {
  test::TempDir dir;
  const std::string run = dir.file("r2d2");
  const auto r = test::run_learner_and_two_actors(
      dir, free_port("127.0.0.1"),
      "train r2d2 --env MaskedCartPole-v1 --seed 1 --steps 30000 --json --quiet --run-dir " + run, "--quiet --json");
  const std::string logs = r.all_logs();
  ASSERT_EQ(r.learner_exit, 0) << logs;
  EXPECT_EQ(r.actor_exit[0], 0) << logs;
  EXPECT_EQ(r.actor_exit[1], 0) << logs;
  const Json learner = Json::parse(test::last_line(r.learner_log));
  EXPECT_GE(learner.at("steps").get<int64_t>(), 30000);
  EXPECT_EQ(learner.at("actors").get<int64_t>(), 2);
  // One update per 8 frames, as in one process.
  EXPECT_NEAR(learner.at("updates").get<double>(), (learner.at("steps").get<double>() - 2000) / 8, 100);
  // A random policy averages about 22.
  EXPECT_GE(learner.at("final_eval_mean").get<double>(), 100.0) << logs;
  int64_t steps = 0;
  for (const std::string& log : r.actor_log) {
    const Json a = Json::parse(test::last_line(log));
    EXPECT_EQ(a.at("algorithm").get<std::string>(), "r2d2");
    EXPECT_EQ(a.at("envs").get<int64_t>(), 8) << log;
    EXPECT_GT(a.at("sequences").get<int64_t>(), 100) << log;
    steps += a.at("steps").get<int64_t>();
  }
  // The learner took every frame the actors sent (up to the batches still queued at the end).
  EXPECT_GE(steps, learner.at("steps").get<int64_t>());
  // The learner's episode rows name the actor process beside the env copy.
  const std::string metrics = read_file(run + "/metrics.csv");
  EXPECT_NE(metrics.find("network_age"), std::string::npos);
  EXPECT_NE(metrics.find("actor_id"), std::string::npos);
}

TEST(DistributedR2d2, LearnerOptionsAreCheckedAndPublished) {
  R2d2Options o = R2d2Options::preset("MaskedCartPole-v1");
  o.actors_port = 70000;
  EXPECT_THROW(o.validate(), UsageError);
  o.actors_port = 0;
  o.actor_batch_steps = 0;
  EXPECT_THROW(o.validate(), UsageError);
  const auto bad =
      test::run_command(test::torchplay_bin() + " train r2d2 --env MaskedCartPole-v1 --actor-sync-every 0");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--actor-sync-every must be > 0"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace tp::agents::r2d2
