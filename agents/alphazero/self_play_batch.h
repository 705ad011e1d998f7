#pragma once
// A batch of finished self-play games as an actor sends it to the learner of a distributed
// run (docs/distributed.md): the training positions, which network generation played them
// and how long that took. The wire form is a flat little-endian record; decode() checks
// every size against the game's shapes, so a corrupt or foreign batch is a DataError, never
// a crash.
#include <cstdint>
#include <string>
#include <vector>

#include "agents/alphazero/batched_games.h"

namespace tp::agents {

// The per-position sizes of one game's training positions (ReplayWindow's).
struct PositionShape {
  int plane_floats = 0, num_actions = 0, cells = 0;  // cells > 0: ownership and score too
};

struct SelfPlayBatch {
  int64_t generation = 0;  // the best-network generation the actor played with
  int64_t games = 0;
  double seconds = 0;  // the actor's time playing them
  int64_t simulations = 0;
  int64_t plies = 0;
  std::vector<TrainingPosition> positions;

  // Planes that are all small whole numbers (the board games' 0/1 planes) travel as bytes.
  std::string encode(const PositionShape& shape) const;
  // DataError naming `origin` for anything that does not fit `shape` exactly.
  static SelfPlayBatch decode(const std::string& bytes, const PositionShape& shape, const std::string& origin);
};

}  // namespace tp::agents
