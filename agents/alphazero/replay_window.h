#pragma once
// The self-play window: the most recent positions (a ring buffer), sampled uniformly into
// training batches, each sample under a random board symmetry of the game (AlphaGo Zero's
// data augmentation, drawn per sample instead of storing all eight copies).
#include <cstdint>
#include <vector>

#include "agents/alphazero/batched_games.h"
#include "core/rng.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
}  // namespace tp

namespace tp::agents {

// Where a batch is sampled to: planes [batch * plane_floats], policy [batch * num_actions],
// z [batch]; with ownership (a window made with cells > 0) also ownership [batch * cells] and
// score [batch].
struct ReplayBatch {
  float* planes = nullptr;
  float* policy = nullptr;
  float* z = nullptr;
  float* ownership = nullptr;
  float* score = nullptr;
};

class ReplayWindow {
 public:
  // ownership_cells > 0 keeps each position's ownership and score targets too (one value per
  // board cell, indexed like the game's cell actions).
  ReplayWindow(int capacity, int plane_floats, int num_actions, int ownership_cells = 0);
  void add(const TrainingPosition& position);
  int size() const { return size_; }
  int capacity() const { return capacity_; }
  int64_t total_added() const { return total_added_; }
  // `batch` samples into caller buffers. `game` supplies the symmetries (which must not
  // depend on the position, as for every board game here); ownership maps like the policy.
  void sample(int batch, const envs::GameState& game, Rng& rng, const ReplayBatch& out) const;

  void save(CheckpointWriter& writer) const;
  void load(CheckpointReader& reader);

 private:
  int capacity_, plane_floats_, num_actions_, cells_;
  int size_ = 0, next_ = 0;
  int64_t total_added_ = 0;
  std::vector<float> planes_, policy_, z_, ownership_, score_;
};

}  // namespace tp::agents
