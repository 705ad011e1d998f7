#pragma once
// How AlphaZero options become the search and the self-play settings: one place for the
// learner (trainer.cpp) and the self-play actors of a distributed run (self_play_actor.cpp),
// so both play the same games.
#include "agents/alphazero/batched_games.h"
#include "agents/alphazero/mcts.h"
#include "agents/alphazero/model.h"
#include "agents/alphazero/options.h"

namespace tp::agents {

// What a checkpoint stores to rebuild the player: the network's shape and the search.
AlphaZeroModelInfo model_info_of(const AlphaZeroOptions& o);
// The search self-play uses: the player's, at --simulations, with root noise (PUCT) or the
// Gumbel draw, and KataGo's forced playouts when enabled.
MctsOptions self_play_search(const AlphaZeroOptions& o, const envs::GameInfo& info);
// Games, batch, temperature, random openings and playout cap randomisation (no callbacks).
BatchedPlayOptions self_play_options(const AlphaZeroOptions& o, int games);

}  // namespace tp::agents
