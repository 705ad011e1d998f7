#include "agents/evaluation/exhaustive_check.h"

#include <algorithm>
#include <set>

#include "agents/baselines/minimax.h"
#include "core/error.h"

namespace tp::agents {

namespace {
// Minimax values carry a small preference for quicker wins; the check compares outcomes.
int outcome(double value) { return value > 0.5 ? 1 : value < -0.5 ? -1 : 0; }
}  // namespace

ReachablePositions reachable_positions(const envs::GameState& initial, size_t limit) {
  ReachablePositions positions;
  std::set<std::string> seen;
  std::vector<std::unique_ptr<envs::GameState>> stack;
  stack.push_back(initial.clone());
  while (!stack.empty()) {
    auto s = std::move(stack.back());
    stack.pop_back();
    if (s->is_terminal() || !seen.insert(s->to_string()).second) continue;
    TP_CHECK_AS(UsageError, seen.size() <= limit, "exhaustive check: ", initial.info().name, " has more than ", limit,
                " reachable positions; use it on small games such as tictactoe");
    for (envs::Action a : s->legal_actions()) {
      auto c = s->clone();
      c->apply(a);
      stack.push_back(std::move(c));
    }
    positions.push_back(std::move(s));
  }
  return positions;
}

ExhaustiveReport exhaustive_check(const ReachablePositions& positions, GamePlayer& player,
                                  const std::function<void(int64_t done)>& on_progress) {
  ExhaustiveReport r;
  r.positions = static_cast<int>(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    const auto& s = *positions[i];
    const auto legal = s.legal_actions();
    const auto values = minimax_move_values(s, 0);
    const envs::Action a = player.select_action(s);
    double best = -2, chosen = -2;
    for (size_t k = 0; k < legal.size(); ++k) {
      best = std::max(best, values[k]);
      if (legal[k] == a) chosen = values[k];
    }
    if (outcome(chosen) < outcome(best)) {
      ++r.suboptimal;
      if (r.first_suboptimal.empty()) r.first_suboptimal = s.to_string() + "chose " + s.action_to_string(a) + "\n";
    }
    if (on_progress) on_progress(static_cast<int64_t>(i + 1));
  }
  return r;
}

}  // namespace tp::agents
