#pragma once
// Plays many games at once so MCTS players share batched leaf evaluation: each round,
// every game in flight whose side to move searches with an evaluator descends to one leaf;
// the leaves of all games are evaluated in one call per evaluator; then each search
// continues. Used for self-play (one tree per game for both sides, positions recorded),
// the arena, baseline matches and `torchplay eval --game`.
#include <cstdint>
#include <functional>
#include <vector>

#include "agents/game_player.h"

namespace tp::agents {

// One self-play position: input planes, the search policy and the final result for the
// side to move (z in {-1, 0, 1}); in games scored by area (GameState::territory), also the
// final owner of each cell (+1 the side to move, -1 the opponent, 0 neutral; row-major) and
// the final area margin over the board area from the side to move's view (komi not included).
struct TrainingPosition {
  std::vector<float> planes;
  std::vector<float> policy;
  float z = 0.f;
  std::vector<float> ownership;  // empty for games without territory
  float score = 0.f;
};

struct GameRecord {
  std::vector<envs::Action> moves;
  std::vector<double> returns;  // {player 0, player 1}
  int first_side = 0;           // which side (0: a / self-play, 1: b) moved first
};

struct BatchedPlayOptions {
  int games = 1;
  int parallel = 64;          // games in flight (the evaluation batch size)
  int temperature_moves = 0;  // plies that sample moves in proportion to visits, then greedy
  // Gumbel self-play: the root's Gumbel draw on the first N plies only, later moves the best
  // survivor of sequential halving, as temperature_moves does for PUCT (0: every ply).
  int gumbel_noise_plies = 0;
  int random_opening_plies = 0;  // self-play: games start with k ~ U{0..K} random plies (not recorded)
  // Self-play: playout cap randomisation (KataGo, Wu 2019). Each move is a full search (the
  // search's own budget and root noise) with this probability, else a fast one of
  // fast_simulations without noise; only full searches are recorded for training, so fast
  // moves buy longer, stronger games (better value targets) cheaply. 1: every move is full.
  double full_search_prob = 1.0;
  int fast_simulations = 0;
  // Self-play: the value target is (1 - w) z + w q, q the root search's mean value for the
  // side to move when the position was recorded (0: z alone, AlphaZero). The search value
  // is less noisy than one game's result, and biased by the network; Prasad et al.'s
  // Connect Four AlphaZero ("Lessons from AlphaZero", part 4) learnt faster with w = 0.5.
  double value_q_weight = 0.0;
  // Polled once per round; true stops early (result.interrupted).
  std::function<bool()> should_stop;
  std::function<void(int finished)> on_game_done;
};

struct BatchedPlayResult {
  std::vector<GameRecord> games;
  std::vector<TrainingPosition> positions;  // self-play only
  int64_t simulations = 0;
  int64_t evaluations = 0;
  double seconds = 0.0;
  bool interrupted = false;
};

// Self-play: both sides search one shared tree per game with `search` (root noise as its
// options say), recording a training position for every move.
BatchedPlayResult self_play(const envs::GameState& initial, const BatchedSearch& search,
                            const BatchedPlayOptions& options, uint64_t seed);

// Self-play shared out over one worker thread per search: worker w plays every k-th game
// share (games split as evenly as they go) with its own evaluator (several evaluators may
// wrap one network: evaluation only reads it) and its own stream drawn from `seed`. Games and
// positions come back in worker order, so a run is reproducible for a given worker count;
// one search is exactly self_play above. An exception in a worker is rethrown here.
BatchedPlayResult self_play(const envs::GameState& initial, const std::vector<BatchedSearch>& searches,
                            const BatchedPlayOptions& options, uint64_t seed);

// A match: `a` moves first in even-numbered games, `b` in odd ones. MCTS players (those with
// batched_search()) are batched; others are asked move by move.
BatchedPlayResult play_match(const envs::GameState& initial, GamePlayer& a, GamePlayer& b,
                             const BatchedPlayOptions& options, uint64_t seed);

// The move `search` picks (temperature 0) in each of `states`, searching up to `parallel`
// positions at once with batched evaluation (eval --positions with a network agent).
std::vector<envs::Action> batched_select_moves(const std::vector<const envs::GameState*>& states,
                                               const BatchedSearch& search, int parallel, uint64_t seed,
                                               const std::function<void(int done)>& on_done = nullptr);

// Wins, draws and losses of side `a` in a match result: over all games, or (first_side 0 or
// 1) only those where side a (0) or side b (1) moved first.
struct MatchScore {
  int wins = 0, draws = 0, losses = 0;
  int games() const { return wins + draws + losses; }
  double score() const { return games() ? (wins + 0.5 * draws) / games() : 0.0; }
};
MatchScore score_for_a(const BatchedPlayResult& result, int first_side = -1);

}  // namespace tp::agents
