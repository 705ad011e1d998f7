// Fuzz target: a batch of transitions as a distributed DQN learner receives it from an actor
// over the network (agents/dqn/transition_batch.h). Promise: a DataError naming the actor,
// never a crash or an allocation the bytes do not back. Oracle: an accepted batch encodes back
// to bytes that decode to the same batch.
#include <cstdio>
#include <cstdlib>

#include "agents/dqn/transition_batch.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using tp::agents::dqn::TransitionBatch;

bool same(const TransitionBatch& a, const TransitionBatch& b) {
  return a.generation == b.generation && a.frames == b.frames && a.obs == b.obs && a.next_obs == b.next_obs &&
         a.actions == b.actions && a.rewards == b.rewards && a.terminated == b.terminated &&
         a.truncated == b.truncated && a.n_steps == b.n_steps && a.priorities == b.priorities &&
         a.episode_returns == b.episode_returns && a.episode_lengths == b.episode_lengths;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  // CartPole's shapes (4 floats, 2 actions) with 3-step returns, and a smaller env.
  for (const auto& [obs_size, actions, max_n] : {std::tuple{4, 2, 3}, std::tuple{2, 3, 1}}) {
    TransitionBatch batch;
    if (!tp::fuzz::refused_or_read<tp::DataError>(
            [&, obs_size = obs_size, actions = actions, max_n = max_n] {
              batch = TransitionBatch::decode(bytes, obs_size, actions, max_n, "actor 1");
            },
            300))
      continue;
    TransitionBatch again;
    if (!tp::fuzz::refused_or_read<tp::DataError>([&, obs_size = obs_size, actions = actions, max_n = max_n] {
          again = TransitionBatch::decode(batch.encode(), obs_size, actions, max_n, "again");
        }) ||
        !same(batch, again)) {
      std::fprintf(stderr, "finding: an accepted transition batch does not round-trip\n");
      std::abort();
    }
  }
  return 0;
}
