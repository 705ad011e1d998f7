#include "agents/evaluation/position_test.h"

#include <memory>
#include <sstream>

#include "agents/alphazero/batched_games.h"
#include "agents/baselines/connect4_solver.h"
#include "core/error.h"
#include "envs/games/game_registry.h"

namespace tp::agents {

namespace {

int sign(int v) { return (v > 0) - (v < 0); }

// The solved outcome (1 win, 0 draw, -1 loss) for the side that plays `col` in `pos`.
int outcome_after(const Connect4Position& pos, int col, Connect4Solver& solver) {
  if (pos.is_winning_move(col)) return 1;
  if (pos.moves() + 1 == Connect4Position::kWidth * Connect4Position::kHeight) return 0;
  Connect4Position child(pos);
  child.play_column(col);
  return -sign(solver.solve(child, true));  // weak: only the sign is exact
}

}  // namespace

MistakeRateReport connect4_mistake_rate(const std::vector<PonsPosition>& items, const envs::GameState& connect4,
                                        GamePlayer& player, const PositionTestOptions& options) {
  TP_CHECK_AS(UsageError, connect4.info().name == "connect4", "Pons-format positions are Connect Four positions, not ",
              connect4.info().name);
  std::vector<Connect4Position> positions(items.size());
  std::vector<std::unique_ptr<envs::GameState>> states;
  std::vector<const envs::GameState*> state_ptrs;
  for (size_t i = 0; i < items.size(); ++i) {
    positions[i].play_sequence(items[i].moves);
    states.push_back(envs::state_from_moves(connect4, envs::split_move_list(items[i].moves)));
    state_ptrs.push_back(states.back().get());
  }
  // MCTS players search many positions at once (batched evaluation); others move one by one.
  std::vector<envs::Action> chosen;
  if (const BatchedSearch* search = player.batched_search())
    chosen = batched_select_moves(state_ptrs, *search, options.parallel, options.seed, [&](int done) {
      if (options.on_progress) options.on_progress(done);
    });
  Connect4Solver solver;
  MistakeRateReport r;
  r.positions = static_cast<int>(items.size());
  if (options.check_exact_scores) r.exact_scores = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const envs::Action a = chosen.empty() ? player.select_action(*states[i]) : chosen[i];
    r.mistakes += outcome_after(positions[i], a, solver) < sign(items[i].score);
    if (options.check_exact_scores) *r.exact_scores += solver.solve(positions[i]) == items[i].score;
    if (options.on_progress) options.on_progress(static_cast<int64_t>(i + 1));
  }
  r.mistake_rate = r.positions ? static_cast<double>(r.mistakes) / r.positions : 0.0;
  return r;
}

}  // namespace tp::agents
