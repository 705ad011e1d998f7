#pragma once
// n-step returns (Sutton 1988; Hessel et al. 2018): the last n steps of the running episode
// are held back and emitted as one transition s_t, a_t, R = sum_{i<k} gamma^i r_{t+i},
// s_{t+k} with k = n, or k < n for the steps left when the episode ends. At the end the
// flags of the final step are kept apart: after `terminated` nothing is bootstrapped, after
// `truncated` (a time limit) the target still bootstraps from the last observation.
// With n = 1 every step is emitted at once, unchanged.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agents/dqn/replay_memory.h"

namespace tp::agents::dqn {

class NStepBuffer {
 public:
  using Emit = std::function<void(const Transition&)>;
  NStepBuffer(int n, double gamma, int64_t obs_size);

  // One env step (reward already clipped if clipping is on); emits completed transitions.
  void push(const float* obs, int action, float reward, const float* next_obs, bool terminated, bool truncated,
            const Emit& emit);
  int pending() const { return static_cast<int>(count_); }
  void clear() {
    count_ = 0;
    head_ = 0;
  }

  void save(CheckpointWriter& writer, const std::string& prefix) const;
  void load(CheckpointReader& reader, const std::string& prefix);

 private:
  void emit_oldest(const float* next_obs, bool terminated, bool truncated, const Emit& emit);

  int n_;
  double gamma_;
  int64_t obs_size_;
  std::vector<float> obs_;  // n slots, ring
  std::vector<int> actions_;
  std::vector<float> rewards_;
  int64_t head_ = 0, count_ = 0;
};

}  // namespace tp::agents::dqn
