#pragma once
// A batch of experience as a distributed DQN actor sends it to the learner (Ape-X, Horgan et
// al. 2018; docs/distributed.md): n-step transitions with the priorities the actor computed
// for them, the episodes that ended, and which network generation acted. The wire form is a
// flat little-endian record (core/byte_record.h); decode() checks every size and value
// against the env's shapes, so a corrupt or foreign batch is a DataError, never a crash.
#include <cstdint>
#include <string>
#include <vector>

namespace tp::agents::dqn {

struct TransitionBatch {
  int64_t generation = 0;  // the network generation the actor acted with
  int64_t frames = 0;      // env steps the actor took for this batch
  double seconds = 0;      // the actor's time taking them
  int64_t obs_size = 0;    // floats per observation
  // Per transition (as ReplayMemory stores it).
  std::vector<float> obs, next_obs;  // size() * obs_size
  std::vector<int32_t> actions;
  std::vector<float> rewards;  // n-step discounted sums
  std::vector<uint8_t> terminated, truncated, n_steps;
  std::vector<float> priorities;  // |TD error| under the actor's network
  // Episodes that ended in this batch.
  std::vector<float> episode_returns;
  std::vector<int32_t> episode_lengths;

  int64_t size() const { return static_cast<int64_t>(actions.size()); }
  // Appends one transition.
  void add(const float* o, int action, float reward, const float* next, bool term, bool trunc, int n);

  // Observations that are all small whole numbers (MinAtar's 0/1 planes) travel as bytes.
  std::string encode() const;
  // DataError naming `origin` for anything that does not fit an env with observations of
  // `obs_size` floats, `num_actions` actions and n-step returns up to `max_n`.
  static TransitionBatch decode(const std::string& bytes, int64_t obs_size, int num_actions, int max_n,
                                const std::string& origin);
};

}  // namespace tp::agents::dqn
