#pragma once
// R2D2's replay of fixed-length sequences (Kapturowski et al. 2019, section 3): an actor's
// experience is cut into sequences of m steps that overlap by m/2 (a new one starts every
// m/2 steps) and never cross an episode end; each stores the recurrent state (h, c) the actor
// had at its first step, its m + 1 observations (the last one bootstraps) and, when the
// episode ended inside it, its valid length and whether that end was terminal.
#include <torch/torch.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "agents/r2d2/r2d2_network.h"
#include "agents/r2d2/sequence.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
}  // namespace tp

namespace tp::agents::r2d2 {

// Cuts one actor's stream of steps into sequences.
class SequenceBuilder {
 public:
  SequenceBuilder(int64_t obs_size, int64_t state_size, int64_t length);
  // One step: obs_t, the recurrent state the actor fed with it (h_t, c_t: state_size each),
  // a_t, r_{t+1} and obs_{t+1}. Returns a finished sequence, if this step completed one.
  std::vector<Sequence> add(const float* obs, const float* h, const float* c, int64_t action, float reward,
                            const float* next_obs, bool terminated, bool truncated);
  int64_t buffered() const { return static_cast<int64_t>(steps_.size()); }

  // The buffered steps as doubles (checkpoints) and back.
  std::vector<double> state() const;
  void set_state(const std::vector<double>& state);

 private:
  struct Step {
    std::vector<float> obs, h, c;
    int64_t action;
    float reward;
  };
  Sequence make(const float* next_obs, bool terminal) const;
  int64_t obs_size_, state_size_, length_;
  std::deque<Step> steps_;
  int64_t fresh_ = 0;  // steps not yet in an emitted sequence
};

// A sampled minibatch, time-major.
struct SequenceBatch {
  torch::Tensor obs;       // [m + 1, B, obs]
  torch::Tensor actions;   // [m, B] int64
  torch::Tensor rewards;   // [m, B]
  torch::Tensor lengths;   // [B] int64
  torch::Tensor terminal;  // [B] float 0/1
  RecurrentState state;    // stored start states [1, B, H]
};

// Sequences of `length` steps stacked into a minibatch (an actor's, to compute their priorities).
SequenceBatch stack_sequences(const std::vector<Sequence>& sequences, int64_t length, int64_t obs_size,
                              int64_t state_size);

class SequenceReplay {
 public:
  SequenceReplay(int64_t capacity, int64_t length, int64_t obs_size, int64_t state_size);
  // Writes the sequence into the next slot (the oldest is overwritten), returning the slot.
  int64_t add(const Sequence& s);
  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  SequenceBatch gather(const std::vector<int64_t>& slots) const;

  void save(CheckpointWriter& writer, const std::string& prefix) const;
  void load(CheckpointReader& reader, const std::string& prefix);

 private:
  int64_t capacity_, length_, obs_size_, state_size_;
  int64_t next_ = 0, size_ = 0;
  torch::Tensor obs_, actions_, rewards_, lengths_, terminal_, h_, c_;
};

}  // namespace tp::agents::r2d2
