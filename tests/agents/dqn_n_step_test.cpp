// n-step returns and the bootstrap rules at the end of an episode.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "agents/dqn/n_step.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "tests/test_util.h"

using namespace tp::agents::dqn;

namespace {
struct Emitted {
  float obs;
  int action;
  float reward;
  float next_obs;
  bool terminated, truncated;
  int n;
};

std::vector<Emitted> run(int n, double gamma, const std::vector<float>& rewards, bool terminated_at_end,
                         bool truncated_at_end) {
  NStepBuffer buf(n, gamma, 1);
  std::vector<Emitted> out;
  auto emit = [&](const Transition& t) {
    out.push_back({t.obs[0], t.action, t.reward, t.next_obs[0], t.terminated, t.truncated, t.n_steps});
  };
  for (size_t i = 0; i < rewards.size(); ++i) {
    const bool last = i + 1 == rewards.size();
    const float obs = float(i), next = float(i + 1);
    buf.push(&obs, int(i), rewards[i], &next, last && terminated_at_end, last && truncated_at_end, emit);
  }
  EXPECT_EQ(buf.pending(), (terminated_at_end || truncated_at_end) ? 0 : std::min<int>(n - 1, int(rewards.size())));
  return out;
}
}  // namespace

TEST(DqnNStep, OneStepPassesTransitionsThrough) {
  auto out = run(1, 0.9, {1, 2, 3}, true, false);
  ASSERT_EQ(out.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out[size_t(i)].obs, float(i));
    EXPECT_EQ(out[size_t(i)].next_obs, float(i + 1));
    EXPECT_EQ(out[size_t(i)].reward, float(i + 1));
    EXPECT_EQ(out[size_t(i)].n, 1);
    EXPECT_EQ(out[size_t(i)].terminated, i == 2);
  }
}

TEST(DqnNStep, DiscountedSumsAndTerminalFlush) {
  // n = 3, gamma = 0.5, rewards 1 2 4 8, the last step terminates.
  auto out = run(3, 0.5, {1, 2, 4, 8}, true, false);
  ASSERT_EQ(out.size(), 4u);
  // s0: 1 + 0.5*2 + 0.25*4 = 3, bootstraps from s3 (mid-episode).
  EXPECT_EQ(out[0].obs, 0.0f);
  EXPECT_FLOAT_EQ(out[0].reward, 3.0f);
  EXPECT_EQ(out[0].next_obs, 3.0f);
  EXPECT_EQ(out[0].n, 3);
  EXPECT_FALSE(out[0].terminated);
  // At the end every pending start is emitted with the return to the end, next obs = s4.
  EXPECT_FLOAT_EQ(out[1].reward, 2 + 0.5f * 4 + 0.25f * 8);
  EXPECT_EQ(out[1].n, 3);
  EXPECT_FLOAT_EQ(out[2].reward, 4 + 0.5f * 8);
  EXPECT_EQ(out[2].n, 2);
  EXPECT_FLOAT_EQ(out[3].reward, 8);
  EXPECT_EQ(out[3].n, 1);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(out[i].obs, float(i));
    EXPECT_EQ(out[i].action, int(i));
    EXPECT_EQ(out[i].next_obs, 4.0f);
    EXPECT_TRUE(out[i].terminated);
    EXPECT_FALSE(out[i].truncated);
  }
}

TEST(DqnNStep, TruncationKeepsBootstrapFlagsApart) {
  auto out = run(3, 0.5, {1, 2, 4, 8}, false, true);
  ASSERT_EQ(out.size(), 4u);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_FALSE(out[i].terminated) << "a time limit is not a terminal state";
    EXPECT_TRUE(out[i].truncated);
    EXPECT_EQ(out[i].next_obs, 4.0f);  // bootstrap from the last observation
  }
}

TEST(DqnNStep, ShortEpisodeAndNewEpisodeStartClean) {
  NStepBuffer buf(5, 0.9, 1);
  std::vector<Emitted> out;
  auto emit = [&](const Transition& t) {
    out.push_back({t.obs[0], t.action, t.reward, t.next_obs[0], t.terminated, t.truncated, t.n_steps});
  };
  const float a = 0, b = 1, c = 2;
  buf.push(&a, 0, 1.0f, &b, false, false, emit);
  buf.push(&b, 1, 1.0f, &c, true, false, emit);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].reward, 1.9f);
  EXPECT_EQ(out[0].n, 2);
  // The next episode does not mix with the previous one.
  out.clear();
  for (int i = 0; i < 5; ++i) {
    const float o = 10.0f + i, nx = 11.0f + i;
    buf.push(&o, i, 1.0f, &nx, false, false, emit);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].obs, 10.0f);
  EXPECT_EQ(out[0].next_obs, 15.0f);
  EXPECT_EQ(out[0].n, 5);
}

// An n-step buffer's saved cursor is range-checked on load: a head or count outside [0, n)
// used to index past the buffer.
TEST(DqnNStep, LoadRefusesCursorsOutOfRange) {
  tp::test::TempDir dir;
  tp::CheckpointHeader h;
  h.algorithm = "test";
  tp::CheckpointWriter w(h);
  const std::vector<std::vector<int64_t>> cursors = {{3, 0, 1}, {3, 7, 0}, {3, 0, 3}, {3, -2, 1}, {4, 0, 0}};
  for (size_t k = 0; k < cursors.size(); ++k) {
    const std::string p = "n" + std::to_string(k) + "/";
    w.add_tensor(p + "cursor", torch::tensor(cursors[k], torch::kInt64));
    w.add_tensor(p + "obs", torch::zeros({6}));
    w.add_tensor(p + "actions", torch::zeros({3}, torch::kInt64));
    w.add_tensor(p + "rewards", torch::zeros({3}));
  }
  w.write(dir.file("n.tpck"));
  tp::CheckpointReader r(dir.file("n.tpck"));
  NStepBuffer ok(3, 0.9, 2);
  EXPECT_NO_THROW(ok.load(r, "n0/"));
  for (size_t k = 1; k < cursors.size(); ++k) {
    NStepBuffer b(3, 0.9, 2);
    EXPECT_THROW(b.load(r, "n" + std::to_string(k) + "/"), tp::CheckpointError) << k;
  }
}
