#include "agents/alphazero/self_play_config.h"

#include <algorithm>

namespace tp::agents {

AlphaZeroModelInfo model_info_of(const AlphaZeroOptions& o) {
  AlphaZeroModelInfo m;
  m.game = o.game;
  m.game_options = o.game_options;
  m.blocks = o.blocks;
  m.filters = o.filters;
  m.value_hidden = o.value_hidden;
  m.global_pooling = o.global_pooling;
  m.auxiliary_heads = o.auxiliary_heads();
  m.simulations = o.play_simulations > 0 ? o.play_simulations : o.simulations;
  m.c_puct = o.c_puct;
  m.gumbel = o.search == "gumbel";
  m.considered_actions = o.considered_actions;
  m.gumbel_c_visit = o.gumbel_c_visit;
  m.gumbel_c_scale = o.gumbel_c_scale;
  m.fpu_parent = o.fpu == "parent";
  m.fpu_reduction = o.fpu_reduction;
  return m;
}

MctsOptions self_play_search(const AlphaZeroOptions& o, const envs::GameInfo& info) {
  MctsOptions m = model_info_of(o).play_options(o.simulations);
  m.root_noise = !m.gumbel;  // Gumbel's draw at the root explores instead
  m.gumbel_noise = m.gumbel;
  m.dirichlet_alpha = o.dirichlet_alpha > 0 ? o.dirichlet_alpha : info.dirichlet_alpha;
  m.noise_fraction = o.noise_fraction;
  m.forced_playouts = o.forced_playouts;
  return m;
}

BatchedPlayOptions self_play_options(const AlphaZeroOptions& o, int games) {
  BatchedPlayOptions sp;
  sp.games = games;
  sp.parallel = o.parallel_games;
  sp.temperature_moves = o.temperature_moves;
  sp.gumbel_noise_plies = o.gumbel_noise_plies;
  sp.random_opening_plies = o.random_opening_plies;
  sp.full_search_prob = o.full_search_prob;
  sp.value_q_weight = o.value_q_weight;
  sp.fast_simulations = o.fast_simulations > 0 ? o.fast_simulations : std::max(2, o.simulations / 6);
  return sp;
}

}  // namespace tp::agents
