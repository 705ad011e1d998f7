// Replay memory: ring overwrite, uniform sampling, compact observation storage, flags.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "core/error.h"
#include "agents/dqn/replay_memory.h"
#include "core/checkpoint.h"
#include "tests/test_util.h"

using namespace tp::agents::dqn;

namespace {
Transition make(const std::vector<float>& obs, const std::vector<float>& next, int action, float reward,
                bool terminated = false, bool truncated = false, int n = 1) {
  return Transition{obs.data(), action, reward, next.data(), terminated, truncated, n};
}
}  // namespace

TEST(DqnReplay, RingOverwritesOldestAndKeepsFields) {
  ReplayMemory m(3, {2}, ObsStorage::Float);
  for (int i = 0; i < 5; ++i) {
    std::vector<float> o{float(i), 0.5f}, n{float(i) + 1, -0.5f};
    EXPECT_EQ(m.add(make(o, n, i, 10.0f * i, i == 3, i == 4, 1 + i % 2)), i % 3);
  }
  EXPECT_EQ(m.size(), 3);
  // Slots 0,1 hold transitions 3,4; slot 2 holds 2.
  EXPECT_EQ(m.action(0), 3);
  EXPECT_EQ(m.action(1), 4);
  EXPECT_EQ(m.action(2), 2);
  EXPECT_FLOAT_EQ(m.reward(0), 30.0f);
  EXPECT_EQ(m.observation(1, false), (std::vector<float>{4.0f, 0.5f}));
  EXPECT_EQ(m.observation(1, true), (std::vector<float>{5.0f, -0.5f}));
  ReplayBatch b(3, {2});
  b.indices = {0, 1, 2};
  m.gather(b);
  EXPECT_EQ(b.terminated[0].item<float>(), 1.0f);
  EXPECT_EQ(b.truncated[0].item<float>(), 0.0f);
  EXPECT_EQ(b.terminated[1].item<float>(), 0.0f);
  EXPECT_EQ(b.truncated[1].item<float>(), 1.0f);
  EXPECT_EQ(b.n_steps[0].item<float>(), 2.0f);
  EXPECT_EQ(b.actions[2].item<int64_t>(), 2);
  EXPECT_FLOAT_EQ(b.next_obs[2][0].item<float>(), 3.0f);
}

TEST(DqnReplay, UniformSamplingCoversStoredTransitionsEvenly) {
  ReplayMemory m(100, {1}, ObsStorage::Float);
  for (int i = 0; i < 10; ++i) {
    std::vector<float> o{float(i)};
    m.add(make(o, o, i, 0));
  }
  tp::Rng rng(7);
  ReplayBatch b(50, {1});
  std::map<int64_t, int> counts;
  for (int r = 0; r < 400; ++r) {
    m.sample_uniform(rng, b);
    for (auto i : b.indices) {
      ASSERT_GE(i, 0);
      ASSERT_LT(i, 10);  // never an unwritten slot
      ++counts[i];
    }
  }
  ASSERT_EQ(counts.size(), 10u);
  for (auto& [i, c] : counts) EXPECT_NEAR(c, 2000, 200) << "index " << i;  // 20000 draws / 10
}

TEST(DqnReplay, BitAndByteStorageRoundTripExactly) {
  std::vector<float> binary(4 * 10 * 10), next(4 * 10 * 10);
  tp::Rng rng(3);
  for (auto& v : binary) v = rng.bernoulli(0.3) ? 1.0f : 0.0f;
  for (auto& v : next) v = rng.bernoulli(0.5) ? 1.0f : 0.0f;
  ReplayMemory bits(4, {4, 10, 10}, ObsStorage::Bit);
  bits.add(make(binary, next, 1, 1));
  EXPECT_EQ(bits.observation(0, false), binary);
  EXPECT_EQ(bits.observation(0, true), next);
  // 400 binary cells -> 50 bytes per observation, two per transition, + action/reward/flags.
  EXPECT_EQ(bits.bytes_per_transition(), 2 * 50 + 4 + 4 + 3);
  ReplayMemory bytes(4, {4, 10, 10}, ObsStorage::Byte);
  std::vector<float> ints(binary.size());
  for (size_t i = 0; i < ints.size(); ++i) ints[i] = float(i % 256);
  bytes.add(make(ints, binary, 0, 0));
  EXPECT_EQ(bytes.observation(0, false), ints);
  EXPECT_EQ(bytes.bytes_per_transition(), 2 * 400 + 11);
  ReplayMemory floats(4, {4, 10, 10}, ObsStorage::Float);
  EXPECT_EQ(floats.bytes_per_transition(), 2 * 1600 + 11);
  // Values the storage cannot hold exactly are refused, never rounded.
  std::vector<float> half(binary.size(), 0.5f);
  EXPECT_THROW(bits.add(make(half, next, 0, 0)), tp::Error);
  EXPECT_THROW(bytes.add(make(half, next, 0, 0)), tp::Error);
}

TEST(DqnReplay, SavesAndLoadsThroughACheckpoint) {
  tp::test::TempDir dir;
  ReplayMemory m(5, {8}, ObsStorage::Bit);
  tp::Rng rng(1);
  for (int i = 0; i < 7; ++i) {
    std::vector<float> o(8), n(8);
    for (auto& v : o) v = rng.bernoulli(0.5) ? 1.0f : 0.0f;
    for (auto& v : n) v = rng.bernoulli(0.5) ? 1.0f : 0.0f;
    m.add(make(o, n, i, 0.25f * i, i % 3 == 0, i % 3 == 1, 1));
  }
  tp::CheckpointHeader h;
  h.algorithm = "test";
  tp::CheckpointWriter w(h);
  m.save(w, "r/");
  w.write(dir.file("c.tpck"));
  tp::CheckpointReader r(dir.file("c.tpck"));
  ReplayMemory back(5, {8}, ObsStorage::Bit);
  back.load(r, "r/");
  ASSERT_EQ(back.size(), m.size());
  for (int64_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(back.observation(i, false), m.observation(i, false));
    EXPECT_EQ(back.observation(i, true), m.observation(i, true));
    EXPECT_EQ(back.action(i), m.action(i));
    EXPECT_EQ(back.reward(i), m.reward(i));
  }
  // The next write goes to the same slot in both.
  std::vector<float> z(8, 0.0f);
  EXPECT_EQ(back.add(make(z, z, 0, 0)), m.add(make(z, z, 0, 0)));
  ReplayMemory other(6, {8}, ObsStorage::Bit);
  tp::CheckpointReader r2(dir.file("c.tpck"));
  EXPECT_THROW(other.load(r2, "r/"), tp::CheckpointError);

  // Edited cursors (size past the capacity, a next slot outside the ring or inconsistent with
  // the size) used to index past the buffers on --resume: each is a CheckpointError now.
  tp::CheckpointWriter crafted(h);
  const std::vector<std::vector<int64_t>> cursors = {{5, 2, 1000, 2}, {5, 9, 5, 2}, {5, -1, 5, 2}, {5, 3, 2, 2}};
  for (size_t k = 0; k < cursors.size(); ++k) {
    const std::string p = "c" + std::to_string(k) + "/";
    crafted.add_tensor(p + "cursor", torch::tensor(cursors[k], torch::kInt64));
    for (const char* e : {"obs", "next_obs", "actions", "rewards", "terminated", "truncated", "n_steps"})
      crafted.add_tensor(p + e, r.tensor(std::string("r/") + e));
  }
  crafted.write(dir.file("crafted.tpck"));
  tp::CheckpointReader rc(dir.file("crafted.tpck"));
  for (size_t k = 0; k < cursors.size(); ++k) {
    ReplayMemory victim(5, {8}, ObsStorage::Bit);
    EXPECT_THROW(victim.load(rc, "c" + std::to_string(k) + "/"), tp::CheckpointError) << k;
    EXPECT_EQ(victim.size(), 0);
  }
}
