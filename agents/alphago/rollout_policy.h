#pragma once
// Stage 2 of AlphaGo (Lee): the fast rollout policy (Silver et al. 2016, "Rollout policy" and
// Extended Data Table 4), a linear softmax over local features of each candidate move:
//
//   - the 3x3 pattern around the move: each of the 8 neighbours empty, off the board, or a
//     stone of the mover or the opponent whose chain has 1, 2 or >= 3 liberties;
//   - the response pattern: the same pattern with the place of the opponent's last move in
//     it, when the move is one of the last move's 8 neighbours;
//   - capture (any chain; and the chain the last move played into), save atari (a move next
//     to an own chain in atari that leaves it with >= 2 liberties), self-atari, atari (puts an
//     opponent chain in atari) and distance 2 from the last move.
//
// Patterns are keyed up to the 8 board symmetries. The candidates are the legal moves that do
// not fill one of the mover's own eyes; the policy never passes (a side with no candidate
// passes). Its weights are learnt from expert games (`train alphago-rollout`) and it plays
// games to the end from a search's leaves: what matters is speed, so it works on GoBoard
// directly, with simple ko instead of superko.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/rng.h"
#include "envs/games/go/go_state.h"

namespace tp::agents::alphago {

constexpr int kMaxRolloutKeys = 8;

// The fixed (non-pattern) features.
enum RolloutFeature : uint32_t {
  kCapture = 0,
  kCaptureLast = 1,
  kSaveAtari = 2,
  kSelfAtari = 3,
  kAtari = 4,
  kNearLast = 5,
  kNumFixedFeatures = 6,
};

// What every candidate of one position shares: the mover, the last move and each point's
// liberty class (0 for empty and border points, else min(liberties, 3)).
struct RolloutPosition {
  const envs::go::GoBoard* board = nullptr;
  envs::go::Color me = envs::go::kBlack;
  int last = -1;  // padded point of the opponent's last move, -1 (none, or a pass)
  std::vector<uint8_t> liberty_class;

  // Flood-fill scratch, reused from position to position (a playout prepares one per move):
  // a point is marked when mark[point] == stamp, and a new stamp clears every mark at once.
  mutable std::vector<uint16_t> mark;
  mutable uint16_t stamp = 0;
  mutable std::vector<int> stack, chain;
  uint16_t next_stamp() const;
};
void prepare_position(const envs::go::GoBoard& board, envs::go::Color me, int last, RolloutPosition& out);
// The same for the side to move in `state`, its last move taken from the history.
void prepare_position(const envs::go::GoState& state, RolloutPosition& out);

// The feature keys of candidate `p` (a padded point where `me` may legally play), canonical
// under the board symmetries; returns how many (at most kMaxRolloutKeys).
int rollout_feature_keys(const RolloutPosition& pos, int p, uint32_t* keys);

// Key layout (tests and the checkpoint): the kind in bits 28..29 (0 pattern, 1 response,
// 2 fixed), a pattern's 8 neighbour codes in bits 0..23 (N, NE, E, SE, S, SW, W, NW; 3 bits
// each: 0 empty, 1 border, 2..4 own with 1/2/>=3 liberties, 5..7 opponent's), a response
// pattern's last-move place (0..7 in the same order) in bits 24..26.
uint32_t canonical_pattern_key(uint32_t key);
// The key under symmetry s (0..7: rotation s & 3 by 90 degrees, mirrored when s >= 4).
uint32_t transform_pattern_key(uint32_t key, int s);

class RolloutPolicy {
 public:
  RolloutPolicy() = default;

  // The weight of a key's slot; slots are made by slot_for (training) or from a checkpoint.
  int find_slot(uint32_t key) const;
  int slot_for(uint32_t key);  // makes a slot (weight 0) for an unseen key
  int num_slots() const { return static_cast<int>(keys_.size()); }
  std::vector<float>& weights() { return weights_; }
  const std::vector<float>& weights() const { return weights_; }
  const std::vector<uint32_t>& slot_keys() const { return keys_; }
  // Rebuilds the policy from the canonical keys and weights of its slots (a checkpoint).
  void assign(const std::vector<uint32_t>& keys, const std::vector<float>& weights);

  // The logit of candidate p.
  float logit(const RolloutPosition& pos, int p) const;

  // Plays `state` to the end with the policy (both sides sample from the softmax over their
  // candidates; two passes in a row end it, as does a cap of 3 * size^2 further plies) and
  // returns the Tromp-Taylor area score from Black's view, komi included.
  double playout(const envs::go::GoState& state, Rng& rng) const;
  // One playout's result for the side to move in `state`: +1 win, -1 loss, 0 draw.
  float playout_outcome(const envs::go::GoState& state, Rng& rng) const;

 private:
  std::unordered_map<uint32_t, int> slot_of_;  // every symmetric variant of a slot's key
  std::vector<uint32_t> keys_;                 // canonical key of each slot
  std::vector<float> weights_;
};

// The candidates of the side to move in `state`: legal moves (superko included) that do not
// fill one of its own eyes, as actions.
void rollout_candidates(const envs::go::GoState& state, std::vector<envs::Action>& out);

}  // namespace tp::agents::alphago
