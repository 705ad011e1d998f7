#pragma once
// A batch of experience as a distributed R2D2 actor sends it to the learner (Kapturowski et
// al. 2019; docs/distributed.md): replay sequences with their stored start states and the
// priorities the actor computed for them, the episodes that ended, and which network
// generation acted. The wire form is a flat little-endian record (core/byte_record.h);
// decode() checks every size and value against the learner's settings, so a corrupt or
// foreign batch is a DataError, never a crash.
#include <cstdint>
#include <string>
#include <vector>

#include "agents/r2d2/sequence.h"

namespace tp::agents::r2d2 {

struct ActorSequences {
  int64_t generation = 0;  // the network generation the actor acted with
  int64_t frames = 0;      // env steps the actor took for this batch
  double seconds = 0;      // the actor's time taking them
  // The shapes every sequence has: m steps, observations and recurrent states.
  int64_t seq_length = 0, obs_size = 0, state_size = 0;
  std::vector<Sequence> sequences;
  std::vector<float> priorities;  // one per sequence
  std::vector<FinishedEpisode> episodes;

  // Observations that are all small whole numbers (MinAtar's 0/1 planes) travel as bytes.
  std::string encode() const;
  // DataError naming `origin` for anything that does not fit sequences of `seq_length` steps,
  // observations of `obs_size` floats, states of `state_size`, `num_actions` actions and
  // episodes of env copies 0..num_envs-1.
  static ActorSequences decode(const std::string& bytes, int64_t seq_length, int64_t obs_size, int64_t state_size,
                               int num_actions, int num_envs, const std::string& origin);
};

}  // namespace tp::agents::r2d2
