// Fuzz target: a self-play batch as a distributed AlphaZero learner receives it from an actor
// over the network (agents/alphazero/self_play_batch.h). Promise: a DataError naming the actor,
// never a crash or an allocation the bytes do not back. Oracle: an accepted batch encodes back
// to bytes that decode to the same batch.
#include <cstdio>
#include <cstdlib>

#include "agents/alphazero/self_play_batch.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

bool same(const tp::agents::SelfPlayBatch& a, const tp::agents::SelfPlayBatch& b) {
  if (a.generation != b.generation || a.games != b.games || a.simulations != b.simulations || a.plies != b.plies ||
      a.positions.size() != b.positions.size())
    return false;
  for (size_t i = 0; i < a.positions.size(); ++i) {
    const auto &p = a.positions[i], &q = b.positions[i];
    if (p.planes != q.planes || p.policy != q.policy || p.z != q.z || p.ownership != q.ownership || p.score != q.score)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  // Tic-tac-toe's shapes (3 planes of 9 cells, 9 actions), and a board scored by area with ownership.
  for (const tp::agents::PositionShape shape :
       {tp::agents::PositionShape{27, 9, 0}, tp::agents::PositionShape{8, 5, 4}}) {
    tp::agents::SelfPlayBatch batch;
    if (!tp::fuzz::refused_or_read<tp::DataError>(
            [&] { batch = tp::agents::SelfPlayBatch::decode(bytes, shape, "actor 1"); }, 300))
      continue;
    tp::agents::SelfPlayBatch again;
    if (!tp::fuzz::refused_or_read<tp::DataError>(
            [&] { again = tp::agents::SelfPlayBatch::decode(batch.encode(shape), shape, "again"); }) ||
        !same(batch, again)) {
      std::fprintf(stderr, "finding: an accepted self-play batch does not round-trip\n");
      std::abort();
    }
  }
  return 0;
}
