#pragma once
// The units of R2D2's experience, as plain data: a replay sequence (sequence_replay.h cuts
// and stores them) and an episode an actor finished. No LibTorch here, so the wire form of
// distributed actors (actor_sequences.h) and its fuzz target need none.
#include <cstdint>
#include <vector>

namespace tp::agents::r2d2 {

struct Sequence {
  std::vector<float> obs;  // (m + 1) * obs_size; frames past length + 1 are zero
  std::vector<int64_t> actions;
  std::vector<float> rewards;  // m each; zero past length
  int64_t length = 0;          // valid steps (m unless the episode ended inside)
  bool terminal = false;       // the step at length - 1 ended the episode in a terminal state
  std::vector<float> h, c;     // the actor's recurrent state before the first step
};

// Whether replaying `s` teaches anything: a sequence no longer than the burn-in (an episode
// of <= burn_in steps) has no loss step, and its zero priority would only shrink every other
// importance weight. The one-process trainer, the actors and the learner all keep only these.
inline bool worth_replaying(const Sequence& s, int burn_in) { return s.length > burn_in; }

struct FinishedEpisode {
  int actor = 0;  // the env copy
  double episode_return = 0;
  int64_t length = 0;
};

}  // namespace tp::agents::r2d2
