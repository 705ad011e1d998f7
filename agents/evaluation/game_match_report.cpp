#include "agents/evaluation/game_match_report.h"

#include <cmath>

#include "core/seeds.h"
#include "core/stats.h"

namespace tp::agents {

namespace {
constexpr double kZ95 = 1.959963984540054;
}  // namespace

MatchReport match_report(const BatchedPlayResult& result, const std::string& agent, const std::string& opponent) {
  const MatchScore s = score_for_a(result);
  MatchReport r;
  r.agent = agent;
  r.opponent = opponent;
  r.games = s.games();
  r.wins = s.wins;
  r.draws = s.draws;
  r.losses = s.losses;
  r.as_first = score_for_a(result, 0);
  r.as_second = score_for_a(result, 1);
  if (r.games == 0) return r;
  const double n = r.games;
  r.win_rate = s.wins / n;
  wilson_interval(r.win_rate, r.games, kZ95, r.wilson_low, r.wilson_high);
  r.score = s.score();
  // The per-game score's variance around its mean gives the normal-approximation interval.
  const double m = r.score;
  const double var = (s.wins * std::pow(1 - m, 2) + s.draws * std::pow(0.5 - m, 2) + s.losses * m * m) / n;
  r.score_half_width = kZ95 * std::sqrt(var / n);
  double plies = 0;
  for (const auto& g : result.games) plies += static_cast<double>(g.moves.size());
  r.mean_game_length = plies / n;
  return r;
}

MatchReport evaluate_match(const envs::GameState& initial, GamePlayer& agent, GamePlayer& opponent,
                           const MatchEvalOptions& options) {
  BatchedPlayOptions play;
  play.games = options.games;
  play.parallel = options.parallel;
  play.temperature_moves = options.temperature_moves;
  play.on_game_done = options.on_game_done;
  const BatchedPlayResult result = play_match(initial, agent, opponent, play, evaluation_seed(options.seed));
  return match_report(result, agent.name(), opponent.name());
}

}  // namespace tp::agents
