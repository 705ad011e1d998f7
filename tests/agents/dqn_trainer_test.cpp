// The training loop: exact resume from a checkpoint, batched evaluation equal to the
// Policy path, a seeded learning test on CartPole, and the MinAtar preset's settings.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "agents/dqn/dqn_policy.h"
#include "agents/dqn/dqn_trainer.h"
#include "agents/greedy_q.h"
#include "core/checkpoint.h"
#include "envs/registry.h"
#include "tests/test_util.h"

using namespace tp::agents::dqn;

namespace {
DqnOptions small_options() {
  DqnOptions o = DqnOptions::preset("CartPole-v1");
  o.steps = 700;
  o.hidden = "16,16";
  o.learning_starts = 100;
  o.batch_size = 16;
  o.replay_size = 500;  // wraps around during the test
  o.target_sync_every = 50;
  o.epsilon_decay_steps = 300;
  o.train_every = 1;
  // Every extension on, so all of their state must survive the checkpoint.
  o.double_dqn = true;
  o.dueling = true;
  o.prioritized = true;
  o.n_step = 3;
  o.save_replay = true;
  return o;
}

std::unique_ptr<DqnTrainer> make_trainer(const DqnOptions& o, uint64_t seed) {
  torch::manual_seed(seed);
  const auto registry = tp::envs::make_env_registry();
  return std::make_unique<DqnTrainer>(o, registry.make(o.env), seed);
}

std::vector<double> run_steps(DqnTrainer& t, int64_t until) {
  std::vector<double> losses;  // one entry per step: the mean loss of its updates
  while (t.steps() < until) {
    t.step();
    const auto s = t.take_loss_stats();
    if (s.updates > 0) losses.push_back(s.loss);
  }
  return losses;
}
}  // namespace

TEST(DqnTrainer, ResumeGivesTheSameNextUpdatesAsAnUninterruptedRun) {
  torch::set_num_threads(1);
  const DqnOptions o = small_options();
  auto straight = make_trainer(o, 42);
  run_steps(*straight, 350);
  const auto straight_tail = run_steps(*straight, 700);

  tp::test::TempDir dir;
  auto first = make_trainer(o, 42);
  run_steps(*first, 350);
  tp::CheckpointWriter w(first->checkpoint_header());
  first->save(w);
  w.write(dir.file("ckpt.tpck"));
  first.reset();

  auto resumed = make_trainer(o, 999);  // other seed: everything must come from the checkpoint
  tp::CheckpointReader r(dir.file("ckpt.tpck"));
  ASSERT_TRUE(resumed->load(r));
  EXPECT_EQ(resumed->steps(), 350);
  const auto resumed_tail = run_steps(*resumed, 700);

  ASSERT_EQ(straight_tail.size(), resumed_tail.size());
  ASSERT_GT(straight_tail.size(), 300u);
  for (size_t i = 0; i < straight_tail.size(); ++i) ASSERT_EQ(straight_tail[i], resumed_tail[i]) << "update " << i;
  EXPECT_EQ(straight->updates(), resumed->updates());
  EXPECT_EQ(straight->episodes(), resumed->episodes());
  auto a = straight->learner().online()->parameters();
  auto b = resumed->learner().online()->parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
  auto ta = straight->learner().target()->parameters();
  auto tb = resumed->learner().target()->parameters();
  for (size_t i = 0; i < ta.size(); ++i) EXPECT_TRUE(torch::equal(ta[i], tb[i]));
}

TEST(DqnTrainer, CheckpointOfAnotherArchitectureIsRefused) {
  DqnOptions o = small_options();
  auto t = make_trainer(o, 1);
  tp::test::TempDir dir;
  tp::CheckpointWriter w(t->checkpoint_header());
  t->save(w);
  w.write(dir.file("c.tpck"));
  o.hidden = "32,32";
  auto other = make_trainer(o, 1);
  tp::CheckpointReader r(dir.file("c.tpck"));
  EXPECT_THROW(other->load(r), tp::CheckpointError);
}

TEST(DqnTrainer, BatchedEvaluationMatchesThePolicyPath) {
  torch::set_num_threads(1);
  DqnOptions o = small_options();
  auto t = make_trainer(o, 3);
  run_steps(*t, 600);
  const auto registry = tp::envs::make_env_registry();
  auto env = registry.make("CartPole-v1");
  const auto batched = tp::agents::evaluate_greedy_q(t->learner().online(), *env, 8, 1234);
  auto policy = tp::agents::greedy_policy_of(tp::nets::clone_q_network(t->learner().online()), "dqn");
  const auto sequential = tp::agents::evaluate(*env, *policy, 8, 1234);
  EXPECT_EQ(batched.returns, sequential.returns);
}

// MinAtar's examples/dqn.py as it ran for the paper's curves: centered RMSProp with momentum 0
// (GRAD_MOMENTUM = 0.95 was never passed to the optimizer) and raw rewards (Seaquest's
// surfacing bonus reaches 10). docs/dqn.md, "Defaults", has the history.
TEST(DqnOptions, MinAtarPresetIsTheSettingsOfMinAtarsDqnPy) {
  const DqnOptions o = DqnOptions::preset("MinAtar/Seaquest-v1");
  EXPECT_EQ(o.optimizer, "centered_rmsprop");
  EXPECT_DOUBLE_EQ(o.lr, 2.5e-4);
  EXPECT_DOUBLE_EQ(o.rms_alpha, 0.95);
  EXPECT_DOUBLE_EQ(o.rms_momentum, 0.0);
  EXPECT_DOUBLE_EQ(o.optim_eps, 0.01);
  EXPECT_FALSE(o.clip_rewards);
  EXPECT_DOUBLE_EQ(o.huber_delta, 1.0);
  EXPECT_DOUBLE_EQ(o.max_grad_norm, 0.0);
  EXPECT_EQ(o.batch_size, 32);
  EXPECT_EQ(o.replay_size, 100'000);
  EXPECT_EQ(o.learning_starts, 5'000);
  EXPECT_EQ(o.train_every, 1);
  EXPECT_EQ(o.target_sync_every, 1'000);
  EXPECT_DOUBLE_EQ(o.target_tau, 0.0);
  EXPECT_DOUBLE_EQ(o.gamma, 0.99);
  EXPECT_DOUBLE_EQ(o.epsilon_start, 1.0);
  EXPECT_DOUBLE_EQ(o.epsilon_end, 0.1);
  EXPECT_EQ(o.epsilon_decay_steps, 100'000);
  EXPECT_EQ(o.steps, 5'000'000);
  EXPECT_FALSE(o.double_dqn || o.dueling || o.prioritized);
  EXPECT_EQ(o.n_step, 1);
}
