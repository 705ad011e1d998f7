// R2D2's pieces on hand-worked numbers: the value rescaling and its inverse, the n-step
// rescaled double-Q targets with burn-in and episode ends, the sequence priority mix, and
// the replayed sequences whose stored start state reproduces the actor's LSTM state.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "agents/r2d2/r2d2_network.h"
#include "agents/r2d2/sequence_loss.h"
#include "agents/r2d2/sequence_replay.h"
#include "agents/r2d2/value_rescale.h"
#include "envs/registry.h"

using namespace tp::agents::r2d2;

TEST(R2d2Rescale, HandValues) {
  EXPECT_DOUBLE_EQ(value_rescale(0.0), 0.0);
  EXPECT_NEAR(value_rescale(3.0, 1e-3), 1.003, 1e-12);    // sqrt(4) - 1 + 0.003
  EXPECT_NEAR(value_rescale(-8.0, 1e-3), -2.008, 1e-12);  // -(sqrt(9) - 1) - 0.008
  EXPECT_NEAR(value_rescale(15.0, 0.0), 3.0, 1e-12);
  EXPECT_NEAR(value_rescale_inverse(3.0, 0.0), 15.0, 1e-12);  // (3 + 1)^2 - 1
  EXPECT_NEAR(value_rescale_inverse(1.003, 1e-3), 3.0, 1e-9);
  EXPECT_NEAR(value_rescale_inverse(-2.008, 1e-3), -8.0, 1e-9);
}

TEST(R2d2Rescale, InverseRoundTripsScalarAndTensor) {
  for (double eps : {0.0, 1e-3, 1e-2}) {
    for (double x = -1000.0; x <= 1000.0; x += 0.37) {
      EXPECT_NEAR(value_rescale_inverse(value_rescale(x, eps), eps), x, 1e-9 * (1 + std::fabs(x))) << x;
      EXPECT_NEAR(value_rescale(value_rescale_inverse(x / 50, eps), eps), x / 50, 1e-9 * (1 + std::fabs(x))) << x;
    }
    const torch::Tensor x = torch::linspace(-500, 500, 1001, torch::kFloat64);
    EXPECT_TRUE(torch::allclose(value_rescale_inverse(value_rescale(x, eps), eps), x, 1e-9, 1e-9));
    EXPECT_NEAR(value_rescale(x, eps)[1000].item<double>(), value_rescale(500.0, eps), 1e-12);
    EXPECT_NEAR(value_rescale_inverse(x, eps)[3].item<double>(), value_rescale_inverse(-497.0, eps), 1e-6);
  }
}

TEST(R2d2Targets, NStepRescaledDoubleQOnAHandWorkedExample) {
  // m = 4, two sequences, n = 2, gamma = 0.5, eps = 0 (h(x) = sqrt(x + 1) - 1 for x >= 0), burn-in 1.
  // Sequence 0: 4 valid steps, no end. Sequence 1: 2 valid steps, the second terminal.
  const torch::Tensor rewards = torch::tensor({1.f, 1.f, 2.f, 1.f, 3.f, 0.f, 4.f, 0.f}).reshape({4, 2});
  const torch::Tensor lengths = torch::tensor({4, 2}, torch::kInt64);
  const torch::Tensor terminal = torch::tensor({0.f, 1.f});
  // Online values choose the bootstrap action; target values give its value.
  torch::Tensor online =
      torch::tensor({0.f, 1.f, 1.f, 0.f, 0.f, 1.f, 1.f, 0.f, 0.f, 1.f}).reshape({5, 1, 2}).repeat({1, 2, 1});
  torch::Tensor target =
      torch::tensor({10.f, 20.f, 3.f, 8.f, 8.f, 3.f, 15.f, 24.f, 2.f, 3.f}).reshape({5, 1, 2}).repeat({1, 2, 1});
  LossSettings s;
  s.burn_in = 1;
  s.n_step = 2;
  s.gamma = 0.5;
  s.rescale_eps = 0.0;
  const Targets y = rescaled_double_q_targets(rewards, lengths, terminal, online, target, s);
  // t = 1: 2 + 0.5 * 3 + 0.25 * h^-1(Q_target(s_3, argmax Q_online(s_3) = 0) = 15) = 3.5 + 0.25 * 255
  //   (the max of the target, 24, would give h^-1(24) = 624: double Q picks 15).
  EXPECT_NEAR(y.values[1][0].item<double>(), std::sqrt(67.25 + 1) - 1, 1e-5);
  // t = 2: 3 + 0.5 * 4 + 0.25 * h^-1(Q_target(s_4, 1) = 3) = 5 + 0.25 * 15
  EXPECT_NEAR(y.values[2][0].item<double>(), std::sqrt(8.75 + 1) - 1, 1e-5);
  // t = 3: the sequence ends after one step: 4 + 0.5 * 15
  EXPECT_NEAR(y.values[3][0].item<double>(), std::sqrt(11.5 + 1) - 1, 1e-5);
  // Sequence 1, t = 1: one step to the terminal state, no bootstrap.
  EXPECT_NEAR(y.values[1][1].item<double>(), std::sqrt(2.0) - 1, 1e-6);
  const torch::Tensor expected_mask = torch::tensor({0.f, 0.f, 1.f, 1.f, 1.f, 0.f, 1.f, 0.f}).reshape({4, 2});
  EXPECT_TRUE(torch::equal(y.mask, expected_mask)) << y.mask;
  EXPECT_EQ(y.values[0][0].item<float>(), 0.0f);
}

TEST(R2d2Priority, MixesMaxAndMeanWithEta) {
  const torch::Tensor td = torch::tensor({1.f, 4.f, 2.f, 1.f, 3.f, 100.f}).reshape({3, 2});
  const torch::Tensor mask = torch::tensor({1.f, 1.f, 1.f, 1.f, 1.f, 0.f}).reshape({3, 2});
  const torch::Tensor p = sequence_priorities(td, mask, 0.9);
  EXPECT_NEAR(p[0].item<double>(), 0.9 * 3 + 0.1 * 2, 1e-6);    // max 3, mean 2
  EXPECT_NEAR(p[1].item<double>(), 0.9 * 4 + 0.1 * 2.5, 1e-6);  // the masked 100 is ignored
  EXPECT_NEAR(sequence_priorities(td, mask, 0.0)[1].item<double>(), 2.5, 1e-6);
  EXPECT_NEAR(sequence_priorities(td, mask, 1.0)[0].item<double>(), 3.0, 1e-6);
}

TEST(R2d2Sequences, StoredStartStateReproducesTheActorsLstmState) {
  torch::manual_seed(3);
  R2d2NetworkOptions no;
  no.obs_size = 4;
  no.num_actions = 2;
  no.torso = {16};
  no.lstm_size = 8;
  R2d2Network net(no);
  const int64_t m = 6;
  auto env = tp::envs::make_env_registry().make("CartPole-v1", {});
  env->reset(7);
  SequenceBuilder builder(4, 8, m);
  SequenceReplay replay(100, m, 4, 8);
  std::vector<Sequence> seqs;
  std::vector<torch::Tensor> acting_q;  // the Q values the actor saw, per step
  RecurrentState state = RecurrentState::zeros(1, 8);
  std::vector<float> obs(4), next(4);
  env->observe(obs.data());
  torch::NoGradGuard guard;
  for (int t = 0;; ++t) {
    auto [q, st] = net->forward(torch::from_blob(obs.data(), {1, 1, 4}).clone(), state);
    acting_q.push_back(q[0][0].clone());
    const int action = t % 3 == 0 ? 1 : static_cast<int>(q[0][0].argmax().item<int64_t>());
    const auto r = env->step(action);
    env->observe(next.data());
    for (auto& s : builder.add(obs.data(), state.h.data_ptr<float>(), state.c.data_ptr<float>(), action, r.reward,
                               next.data(), r.terminated, r.truncated))
      seqs.push_back(s);
    state = st;
    obs = next;
    if (r.done()) break;
  }
  const auto steps = static_cast<int64_t>(acting_q.size());
  ASSERT_GE(steps, 10) << "the episode is long enough for overlapping sequences";
  // Sequence j starts at step j * m/2 (overlap m/2); the last one ends with the episode.
  ASSERT_GE(seqs.size(), 3u);
  for (size_t j = 0; j + 1 < seqs.size(); ++j) {
    EXPECT_EQ(seqs[j].length, m);
    EXPECT_FALSE(seqs[j].terminal);
  }
  EXPECT_TRUE(seqs.back().terminal);
  EXPECT_GT(seqs.back().length, 0);
  EXPECT_EQ(seqs[0].obs[static_cast<size_t>(m / 2 * 4)], seqs[1].obs[0]) << "overlap of m/2";
  std::vector<int64_t> slots;
  for (const auto& s : seqs) slots.push_back(replay.add(s));
  const SequenceBatch b = replay.gather(slots);
  auto [q_stored, st_stored] = net->forward(b.obs, b.state);
  const torch::Tensor q_zero = net->forward(b.obs, RecurrentState::zeros(static_cast<int64_t>(seqs.size()), 8)).first;
  for (size_t j = 0; j < seqs.size(); ++j) {
    const int64_t start = static_cast<int64_t>(j) * (m / 2);
    for (int64_t t = 0; t < seqs[j].length; ++t)
      EXPECT_TRUE(
          torch::allclose(q_stored[t][static_cast<int64_t>(j)], acting_q[static_cast<size_t>(start + t)], 1e-5, 1e-6))
          << "sequence " << j << " step " << t;
  }
  // From a zero state (DRQN) the second sequence's values differ from what the actor saw.
  EXPECT_FALSE(torch::allclose(q_zero[0][1], acting_q[static_cast<size_t>(m / 2)], 1e-5, 1e-6));
  // The stored start state of sequence 1 is the state after unrolling sequence 0's first m/2 steps.
  const auto half = net->forward(b.obs.narrow(0, 0, m / 2).narrow(1, 0, 1), RecurrentState::zeros(1, 8)).second;
  EXPECT_TRUE(torch::allclose(half.h[0][0], b.state.h[0][1], 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(half.c[0][0], b.state.c[0][1], 1e-5, 1e-6));
}
