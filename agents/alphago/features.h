#pragma once
// AlphaGo's input features (Silver et al. 2016, Extended Data Table 2) for the policy and
// value networks, as planes of size x size from the view of the player to move. All of the
// paper's features are kept; on 9x9 none is meaningless (ladders are shorter, not absent).
//
//   plane  count  feature
//   0      3      stones: own, opponent, empty
//   3      1      ones (lets convolutions see the board edge)
//   4      8      turns since a stone was played: 1, 2, ..., 7, >= 8 (setup stones: >= 8)
//   12     8      liberties of the stone's chain: 1, ..., 7, >= 8
//   20     8      capture size: opponent stones a legal move would capture: 0, ..., 6, >= 7
//   28     8      self-atari size: own stones left in atari by a legal move: 1, ..., 7, >= 8
//   36     8      liberties after move: of the chain a legal move makes: 1, ..., 7, >= 8
//   44     1      ladder capture: the move puts an opponent chain in atari that a ladder catches
//   45     1      ladder escape: the move saves an own chain from atari and no ladder catches it
//   46     1      sensibleness: legal and does not fill one of the mover's own eyes
//   47     1      zeros
//   48     1      player colour (value network only): ones when Black is to move
//
// The stones-only set (the comparison) is planes 0..3. "Legal" is torchplay's rules:
// positional superko included.
#include "envs/games/go/go_state.h"

namespace tp::agents::alphago {

enum class FeatureSet { kStones, kFull };

constexpr int kStonePlanes = 4, kFullPlanes = 48;
// Plane offsets of the full set.
enum FeaturePlane : int {
  kOwn = 0,
  kOpponent = 1,
  kEmptyPoints = 2,
  kOnes = 3,
  kTurnsSince = 4,
  kLiberties = 12,
  kCaptureSize = 20,
  kSelfAtariSize = 28,
  kLibertiesAfter = 36,
  kLadderCapture = 44,
  kLadderEscape = 45,
  kSensible = 46,
  kZeros = 47,
};

// Planes of `set`, plus one for the player colour when `with_colour` (the value network).
int num_feature_planes(FeatureSet set, bool with_colour);
// Writes num_feature_planes(set, with_colour) planes of size x size (rows from the top).
void encode_features(const envs::go::GoState& state, FeatureSet set, bool with_colour, float* planes);

// The ladder reader behind planes 44 and 45: the chain through `point` (the defender's, in
// atari, the defender to move) is caught by a ladder: every way out (extending at the
// liberty or capturing an attacker chain in atari) leaves it in atari again or lets the
// attacker bring it back to one liberty, within `max_depth` plies and 400 positions read
// (beyond either: not caught; loose shapes would otherwise branch exponentially).
bool ladder_captures(const envs::go::GoBoard& board, int point, int max_depth = 60);

}  // namespace tp::agents::alphago
