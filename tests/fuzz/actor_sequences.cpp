// Fuzz target: a batch of replay sequences as a distributed R2D2 learner receives it from an
// actor over the network (agents/r2d2/actor_sequences.h). Promise: a DataError naming the
// actor, never a crash or an allocation the bytes do not back. Oracle: an accepted batch
// encodes back to bytes that decode to the same batch.
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "agents/r2d2/actor_sequences.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using tp::agents::r2d2::ActorSequences;
using tp::agents::r2d2::FinishedEpisode;
using tp::agents::r2d2::Sequence;

bool same(const ActorSequences& a, const ActorSequences& b) {
  if (a.generation != b.generation || a.frames != b.frames || a.priorities != b.priorities ||
      a.sequences.size() != b.sequences.size() || a.episodes.size() != b.episodes.size())
    return false;
  for (size_t i = 0; i < a.sequences.size(); ++i) {
    const Sequence &x = a.sequences[i], &y = b.sequences[i];
    if (x.obs != y.obs || x.actions != y.actions || x.rewards != y.rewards || x.length != y.length ||
        x.terminal != y.terminal || x.h != y.h || x.c != y.c)
      return false;
  }
  for (size_t i = 0; i < a.episodes.size(); ++i) {
    const FinishedEpisode &x = a.episodes[i], &y = b.episodes[i];
    if (x.actor != y.actor || x.episode_return != y.episode_return || x.length != y.length) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  // The seeds' shapes (sequences of 4 steps, 3 observation values, states of 2, 2 actions, 2 env
  // copies) and a smaller learner's.
  for (const auto& [m, obs, state, actions, envs] : {std::tuple{4, 3, 2, 2, 2}, std::tuple{2, 1, 1, 3, 1}}) {
    ActorSequences batch;
    if (!tp::fuzz::refused_or_read<tp::DataError>(
            [&, m = m, obs = obs, state = state, actions = actions, envs = envs] {
              batch = ActorSequences::decode(bytes, m, obs, state, actions, envs, "actor 1");
            },
            300))
      continue;
    ActorSequences again;
    if (!tp::fuzz::refused_or_read<tp::DataError>([&, m = m, obs = obs, state = state, actions = actions, envs = envs] {
          again = ActorSequences::decode(batch.encode(), m, obs, state, actions, envs, "again");
        }) ||
        !same(batch, again)) {
      std::fprintf(stderr, "finding: an accepted sequence batch does not round-trip\n");
      std::abort();
    }
  }
  return 0;
}
