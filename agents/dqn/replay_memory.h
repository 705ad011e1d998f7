#pragma once
// Experience replay (Mnih et al. 2015, "experience replay"): a preallocated ring buffer of
// transitions. Observations are stored compactly: float32, one byte per element (integer
// observations 0..255) or one bit per element (binary planes such as MinAtar's). The two end
// flags stay apart: `terminated` stops bootstrapping, `truncated` (a time limit) does not.
// Each transition may span n steps (n-step returns): it stores the discounted reward sum and
// n, so the target discounts the bootstrap by gamma^n.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
}  // namespace tp

namespace tp::agents::dqn {

enum class ObsStorage { Float, Byte, Bit };
// "float" | "byte" | "bit" (UsageError otherwise).
ObsStorage parse_obs_storage(const std::string& name);
std::string to_string(ObsStorage storage);

// A sampled minibatch as tensors, allocated once and refilled in place.
struct ReplayBatch {
  torch::Tensor obs;         // [B, obs_shape...] float
  torch::Tensor actions;     // [B] int64
  torch::Tensor rewards;     // [B] float: sum_{i<n} gamma^i r_{t+i}
  torch::Tensor next_obs;    // [B, obs_shape...] float: s_{t+n}
  torch::Tensor terminated;  // [B] float 0/1: s_{t+n} is terminal (no bootstrap)
  torch::Tensor truncated;   // [B] float 0/1: the episode was cut by a time limit at s_{t+n}
  torch::Tensor n_steps;     // [B] float: n for this transition
  torch::Tensor weights;     // [B] float: importance-sampling weights (1 for uniform replay)
  std::vector<int64_t> indices;

  ReplayBatch(int64_t batch_size, const std::vector<int64_t>& obs_shape);
  int64_t size() const { return static_cast<int64_t>(indices.size()); }
};

struct Transition {
  const float* obs;
  int action;
  float reward;
  const float* next_obs;
  bool terminated;
  bool truncated;
  int n_steps;
};

class ReplayMemory {
 public:
  ReplayMemory(int64_t capacity, std::vector<int64_t> obs_shape, ObsStorage storage);

  // Writes at the ring position (overwriting the oldest when full); returns the slot index.
  // Throws tp::Error when an observation cannot be stored exactly in the chosen storage.
  int64_t add(const Transition& t);
  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  // Bytes one stored transition takes (observation pair, action, reward, flags, n).
  int64_t bytes_per_transition() const;
  ObsStorage storage() const { return storage_; }

  // `batch.size()` indices drawn uniformly (with replacement) from the stored transitions.
  void sample_uniform(Rng& rng, ReplayBatch& batch) const;
  // Fills the batch tensors from batch.indices (weights untouched).
  void gather(ReplayBatch& batch) const;
  // One stored transition's observation, decoded (tests).
  std::vector<float> observation(int64_t index, bool next) const;
  int action(int64_t index) const { return actions_[static_cast<size_t>(index)]; }
  float reward(int64_t index) const { return rewards_[static_cast<size_t>(index)]; }

  void save(CheckpointWriter& writer, const std::string& prefix) const;
  void load(CheckpointReader& reader, const std::string& prefix);

 private:
  void encode(const float* obs, uint8_t* out) const;
  void decode(const uint8_t* in, float* out) const;

  int64_t capacity_;
  std::vector<int64_t> obs_shape_;
  int64_t obs_size_;
  ObsStorage storage_;
  int64_t obs_bytes_;  // per observation
  std::vector<uint8_t> obs_, next_obs_;
  std::vector<int32_t> actions_;
  std::vector<float> rewards_;
  std::vector<uint8_t> terminated_, truncated_, n_steps_;
  int64_t next_ = 0, size_ = 0;
};

}  // namespace tp::agents::dqn
