#pragma once
// Games between two policy networks, played in parallel with one batched network call per
// side and turn: what the RL policy trains on and the value network's positions come from.
// Each move is sampled from the network's softmax over the sensible moves (legal, not filling
// one of the mover's own eyes); a side passes only when it has none, so games end when the
// board is settled (or at the position's move cap).
#include <functional>
#include <vector>

#include "agents/alphago/policy_network.h"
#include "core/rng.h"
#include "envs/games/go/go_state.h"

namespace tp::agents::alphago {

// One move about to be played: the game, its position, the mover's input planes (the
// network's features) and the moves it sampled among (size^2 + 1 entries, 1 or 0).
struct PolicyGameMove {
  int game;
  const envs::go::GoState* state;
  const float* planes;
  const float* sensible;
  envs::Action action;
  bool by_a;
};

// Plays n games of `a` against `b` (a is Black in the even-numbered games; a and b may be the
// same network) from the empty board of `params`; returns a's return in each (+1, -1, 0).
std::vector<double> play_policy_games(PolicyNetwork& a, PolicyNetwork& b, int n, const envs::go::GoParams& params,
                                      Rng& rng, const std::function<void(const PolicyGameMove&)>& on_move = {});

}  // namespace tp::agents::alphago
