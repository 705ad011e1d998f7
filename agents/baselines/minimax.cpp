#include "agents/baselines/minimax.h"

#include <algorithm>

#include "core/error.h"

namespace tp::agents {

namespace {
constexpr int kUnlimited = 1 << 30;

double negamax(const envs::GameState& state, int depth, int ply, double alpha, double beta) {
  // Terminal children are scored by the parent (a finished game has no side to move).
  if (depth == 0) return 0.0;
  double best = -2.0;
  std::vector<envs::Action> legal;
  state.legal_actions_into(legal);
  const int me = state.current_player();
  for (envs::Action a : legal) {
    auto child = state.clone();
    child->apply(a);
    double v;
    if (child->is_terminal()) {
      const double r = child->returns()[me];
      v = r > 0 ? 1.0 - (ply + 1) / 1000.0 : r < 0 ? -1.0 + (ply + 1) / 1000.0 : 0.0;
    } else if (child->current_player() == me) {  // a pass-free game never does this; kept general
      v = negamax(*child, depth - 1, ply + 1, alpha, beta);
    } else {
      v = -negamax(*child, depth - 1, ply + 1, -beta, -alpha);
    }
    best = std::max(best, v);
    alpha = std::max(alpha, v);
    if (alpha >= beta) break;
  }
  return best;
}

double move_value(const envs::GameState& state, envs::Action a, int depth) {
  const int me = state.current_player();
  auto child = state.clone();
  child->apply(a);
  if (child->is_terminal()) {
    const double r = child->returns()[me];
    return r > 0 ? 1.0 - 1 / 1000.0 : r < 0 ? -1.0 + 1 / 1000.0 : 0.0;
  }
  const double v = negamax(*child, depth - 1, 1, -2.0, 2.0);
  return child->current_player() == me ? v : -v;
}
}  // namespace

double minimax_value(const envs::GameState& state, int depth) {
  TP_CHECK(!state.is_terminal(), "minimax of a finished game");
  return negamax(state, depth <= 0 ? kUnlimited : depth, 0, -2.0, 2.0);
}

std::vector<double> minimax_move_values(const envs::GameState& state, int depth) {
  TP_CHECK(!state.is_terminal(), "minimax of a finished game");
  std::vector<double> out;
  for (envs::Action a : state.legal_actions()) out.push_back(move_value(state, a, depth <= 0 ? kUnlimited : depth));
  return out;
}

envs::Action MinimaxPlayer::select_action(const envs::GameState& state) {
  const auto legal = state.legal_actions();
  TP_CHECK(!legal.empty(), "minimax player asked to move in a finished game");
  const auto values = minimax_move_values(state, depth_);
  const double best = *std::max_element(values.begin(), values.end());
  envs::Action choice = legal[0];
  int ties = 0;
  for (size_t i = 0; i < legal.size(); ++i)
    if (values[i] == best && rng_.below(++ties) == 0) choice = legal[i];
  info_.value = best;
  info_.visits.clear();
  return choice;
}

}  // namespace tp::agents
