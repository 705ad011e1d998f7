#include "agents/evaluation/position_test.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>

#include "agents/alphazero/batched_games.h"
#include "agents/baselines/connect4_solver.h"
#include "core/error.h"
#include "core/part_pool.h"
#include "envs/games/game_registry.h"

namespace tp::agents {

namespace {

int sign(int v) { return (v > 0) - (v < 0); }

// Whether playing `col` in `pos` gives the mover a worse solved outcome than `best` (1 win,
// 0 draw, -1 loss: the position's own). One null-window search of the child decides it: in a
// won position the move must leave the opponent lost (score <= -1), in a drawn one not won
// (<= 0); in a lost position no move is a mistake.
bool is_mistake(const Connect4Position& pos, int col, int best, Connect4Solver& solver) {
  if (best < 0 || pos.is_winning_move(col)) return false;
  if (pos.moves() + 1 == Connect4Position::kWidth * Connect4Position::kHeight) return best > 0;  // a draw
  Connect4Position child(pos);
  child.play_column(col);
  return !solver.score_at_most(child, -best);
}

// Runs fn(i, solver) for every i < n on `threads` threads (the project's PartPool) taking
// indices in turn, each with its own solver (a table kept across its positions: neighbouring
// positions share subtrees). The first error stops the others after their current position and
// is rethrown here.
void for_each_with_solver(size_t n, int threads, const std::function<void(size_t, Connect4Solver&)>& fn) {
  TP_CHECK_AS(UsageError, threads >= 1, "solver threads must be >= 1");
  std::atomic<size_t> next{0};
  PartPool pool(std::min<int>(threads, static_cast<int>(std::max<size_t>(n, 1))));
  pool.run([&](int) {
    try {
      Connect4Solver solver;
      for (size_t i = next++; i < n; i = next++) fn(i, solver);
    } catch (...) {
      next = n;
      throw;
    }
  });
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
      if (options.on_progress) options.on_progress(done, false);
    });
  if (chosen.empty()) {
    for (size_t i = 0; i < items.size(); ++i) {
      chosen.push_back(player.select_action(*states[i]));
      if (options.on_progress) options.on_progress(static_cast<int64_t>(i + 1), false);
    }
  }
  // The checks: a lookup where the answers are known, else a proof by the solver.
  std::vector<char> mistake(items.size(), 0), exact(items.size(), 0);
  int64_t done = 0;  // under progress_mutex
  std::mutex progress_mutex;
  for_each_with_solver(items.size(), options.solver_threads, [&](size_t i, Connect4Solver& solver) {
    mistake[i] = items[i].good_columns ? !(items[i].good_columns >> chosen[i] & 1)
                                       : is_mistake(positions[i], chosen[i], sign(items[i].score), solver);
    if (options.check_exact_scores) exact[i] = solver.solve(positions[i]) == items[i].score;
    if (options.on_progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);  // counts reported in order
      options.on_progress(static_cast<int64_t>(items.size()) + ++done, true);
    }
  });
  MistakeRateReport r;
  r.positions = static_cast<int>(items.size());
  for (size_t i = 0; i < items.size(); ++i) r.mistakes += mistake[i];
  if (options.check_exact_scores) {
    r.exact_scores = 0;
    for (size_t i = 0; i < items.size(); ++i) *r.exact_scores += exact[i];
  }
  r.mistake_rate = r.positions ? static_cast<double>(r.mistakes) / r.positions : 0.0;
  return r;
}

void solve_good_columns(std::vector<PonsPosition>& items, int threads,
                        const std::function<void(int64_t done)>& on_progress) {
  int64_t done = 0;  // under progress_mutex
  std::mutex progress_mutex;
  for_each_with_solver(items.size(), threads, [&](size_t i, Connect4Solver& solver) {
    Connect4Position position;
    position.play_sequence(items[i].moves);
    uint8_t good = 0;
    for (int col = 0; col < Connect4Position::kWidth; ++col)
      if (position.can_play(col) && !is_mistake(position, col, sign(items[i].score), solver))
        good |= static_cast<uint8_t>(1u << col);
    TP_CHECK_AS(DataError, good != 0, "position '", items[i].moves, "' (score ", items[i].score,
                "): the solver finds no move that keeps its outcome");
    items[i].good_columns = good;
    if (on_progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      on_progress(++done);
    }
  });
}

}  // namespace tp::agents
