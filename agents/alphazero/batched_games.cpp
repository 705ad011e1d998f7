#include "agents/alphazero/batched_games.h"

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <thread>

#include "core/error.h"
#include "core/timer.h"

namespace tp::agents {

namespace {

struct Slot {
  int game = -1;  // index in the result, -1: free
  std::unique_ptr<envs::GameState> state;
  std::unique_ptr<Mcts> trees[2];  // per side; self-play uses trees[0] for both
  bool synced = false;
  bool full_search = true;  // playout cap randomisation: this move's search is recorded
  bool pending = false;     // a leaf awaits evaluation
  int group = -1;
  std::vector<TrainingPosition> positions;
  std::vector<int> position_players;
  std::vector<float> position_values;  // the root search's value when recorded
};

struct Group {
  Evaluator* evaluator;
  std::vector<const envs::GameState*> leaves;
  std::vector<int> slots;
};

// Plays k ~ U{0..max_plies} uniformly random moves from `initial` into `state`; an opening
// that ends the game is drawn again (from fewer plies, so this terminates).
void play_random_opening(std::unique_ptr<envs::GameState>& state, const envs::GameState& initial, int max_plies,
                         Rng& rng) {
  int plies = static_cast<int>(rng.below(static_cast<uint32_t>(max_plies) + 1));
  while (true) {
    for (int i = 0; i < plies && !state->is_terminal(); ++i) {
      const std::vector<envs::Action> legal = state->legal_actions();
      state->apply(legal[rng.below(static_cast<uint32_t>(legal.size()))]);
    }
    if (!state->is_terminal()) return;
    if (!state->assign_from(initial)) state = initial.clone();
    plies = plies > 0 ? plies - 1 : 0;
  }
}

// The engine behind self_play and play_match. `players[s]` may be null when `searches[s]`
// is set; self_play passes the same search for both sides with shared_tree.
BatchedPlayResult run(const envs::GameState& initial, GamePlayer* players[2], const BatchedSearch* searches[2],
                      bool shared_tree, bool record, const BatchedPlayOptions& opt, uint64_t seed) {
  TP_CHECK_AS(UsageError, opt.games > 0 && opt.parallel > 0, "games and parallel games must be > 0");
  TP_CHECK(!initial.is_terminal(), "cannot play from a finished position");
  TP_CHECK_AS(UsageError, opt.full_search_prob > 0 && opt.full_search_prob <= 1,
              "the full-search probability must be in (0, 1]");
  TP_CHECK_AS(UsageError, opt.full_search_prob == 1 || opt.fast_simulations > 0,
              "playout cap randomisation needs fast simulations > 0");
  TP_CHECK_AS(UsageError, opt.value_q_weight >= 0 && opt.value_q_weight <= 1,
              "the value target's search weight must be in [0, 1]");
  const envs::GameInfo& info = initial.info();
  const int num_actions = info.num_actions;
  const int plane_floats = info.num_planes * info.board_height * info.board_width;
  Rng rng(seed);
  Timer timer;
  BatchedPlayResult result;
  result.games.resize(opt.games);
  std::vector<Slot> slots(std::min(opt.games, opt.parallel));
  std::vector<Group> groups;
  for (int s = 0; s < 2; ++s)
    if (searches[s]) {
      bool known = false;
      for (const auto& g : groups) known = known || g.evaluator == searches[s]->evaluator;
      if (!known) groups.push_back({searches[s]->evaluator, {}, {}});
    }
  auto group_of = [&](Evaluator* e) {
    for (size_t i = 0; i < groups.size(); ++i)
      if (groups[i].evaluator == e) return static_cast<int>(i);
    return -1;
  };
  std::vector<float> priors(static_cast<size_t>(slots.size()) * num_actions), values(slots.size());
  std::vector<float> policy;
  int started = 0, finished = 0;

  while (finished < opt.games) {
    if (opt.should_stop && opt.should_stop()) {
      result.interrupted = true;
      break;
    }
    for (auto& g : groups) g.leaves.clear(), g.slots.clear();
    for (size_t si = 0; si < slots.size(); ++si) {
      Slot& slot = slots[si];
      if (slot.game < 0) {
        if (started >= opt.games) continue;
        slot.game = started++;
        if (!slot.state || !slot.state->assign_from(initial)) slot.state = initial.clone();
        if (record && opt.random_opening_plies > 0)
          play_random_opening(slot.state, initial, opt.random_opening_plies, rng);
        result.games[slot.game].first_side = slot.game % 2;
        slot.synced = false;
        slot.positions.clear();
        slot.position_players.clear();
        slot.position_values.clear();
        for (int s = 0; s < 2; ++s)
          if (searches[s] && (!shared_tree || s == 0) && !slot.trees[s])
            slot.trees[s] = std::make_unique<Mcts>(searches[s]->options, rng());
      }
      // Moves without search (or with a finished search) happen at once; a game may make
      // several such moves in one round.
      while (slot.game >= 0) {
        envs::GameState& st = *slot.state;
        const int player = st.current_player();
        const int side = shared_tree ? 0 : (player + slot.game) % 2;  // game g: side g%2 moves first
        envs::Action move = envs::kInvalidAction;
        if (!searches[side]) {
          move = players[side]->select_action(st);
        } else {
          Mcts& tree = *slot.trees[side];
          const int ply = static_cast<int>(st.history().size()) - static_cast<int>(initial.history().size());
          if (!slot.synced) {
            // Set before sync, which arms the root noise for the new root.
            const MctsOptions& full = searches[side]->options;
            MctsOptions& now = tree.mutable_options();
            if (record && opt.full_search_prob < 1) {
              slot.full_search = rng.uniform() < opt.full_search_prob;
              now.simulations = slot.full_search ? full.simulations : opt.fast_simulations;
              now.root_noise = slot.full_search && full.root_noise;
              now.gumbel_noise = slot.full_search && full.gumbel_noise;
            }
            if (full.gumbel_noise && opt.gumbel_noise_plies > 0)
              now.gumbel_noise = slot.full_search && ply < opt.gumbel_noise_plies;
            tree.sync(st);
            slot.synced = true;
          }
          const envs::GameState* leaf = nullptr;
          while (!tree.done() && !(leaf = tree.begin_simulation())) ++result.simulations;
          if (leaf) {
            Group& g = groups[group_of(searches[side]->evaluator)];
            g.leaves.push_back(leaf);
            g.slots.push_back(static_cast<int>(si));
            slot.pending = true;
            slot.group = side;
            break;
          }
          if (record && slot.full_search) {
            TrainingPosition pos;
            pos.planes.resize(plane_floats);
            st.encode(pos.planes.data());
            tree.policy_target(pos.policy);
            slot.positions.push_back(std::move(pos));
            slot.position_players.push_back(player);
            slot.position_values.push_back(static_cast<float>(tree.root_value()));
          }
          move = tree.select_move(ply < opt.temperature_moves ? 1.0 : 0.0);
        }
        TP_CHECK(st.is_legal(move), "player ", side == 0 ? "a" : "b", " chose illegal move ", move);
        st.apply(move);
        slot.synced = false;
        if (st.is_terminal()) {
          GameRecord& rec = result.games[slot.game];
          const auto& h = st.history();
          rec.moves.assign(h.begin() + initial.history().size(), h.end());
          rec.returns = st.returns();
          const std::vector<int> owners = st.territory();
          for (size_t i = 0; i < slot.positions.size(); ++i) {
            TrainingPosition& pos = slot.positions[i];
            const int player = slot.position_players[i];
            const double w = opt.value_q_weight;
            pos.z = static_cast<float>((1 - w) * rec.returns[player] + w * slot.position_values[i]);
            if (!owners.empty()) {
              pos.ownership.resize(owners.size());
              for (size_t c = 0; c < owners.size(); ++c)
                pos.ownership[c] = owners[c] < 0 ? 0.f : owners[c] == player ? 1.f : -1.f;
              pos.score =
                  std::accumulate(pos.ownership.begin(), pos.ownership.end(), 0.f) / static_cast<float>(owners.size());
            }
            result.positions.push_back(std::move(pos));
          }
          slot.game = -1;
          ++finished;
          if (opt.on_game_done) opt.on_game_done(finished);
          break;
        }
      }
    }
    for (auto& g : groups) {
      const int n = static_cast<int>(g.leaves.size());
      if (n == 0) continue;
      g.evaluator->evaluate(g.leaves.data(), n, priors.data(), values.data());
      result.evaluations += n;
      result.simulations += n;
      for (int i = 0; i < n; ++i) {
        Slot& slot = slots[g.slots[i]];
        slot.trees[slot.group]->finish_simulation(priors.data() + static_cast<size_t>(i) * num_actions, values[i]);
        slot.pending = false;
      }
    }
  }
  result.seconds = timer.seconds();
  if (result.interrupted) {
    // Drop unfinished games: only complete records are meaningful.
    std::vector<GameRecord> done;
    for (auto& g : result.games)
      if (!g.returns.empty()) done.push_back(std::move(g));
    result.games = std::move(done);
  }
  return result;
}

}  // namespace

BatchedPlayResult self_play(const envs::GameState& initial, const BatchedSearch& search,
                            const BatchedPlayOptions& options, uint64_t seed) {
  TP_CHECK(search.evaluator, "self-play needs an evaluator");
  GamePlayer* players[2] = {nullptr, nullptr};
  const BatchedSearch* searches[2] = {&search, &search};
  return run(initial, players, searches, true, true, options, seed);
}

BatchedPlayResult self_play(const envs::GameState& initial, const std::vector<BatchedSearch>& searches,
                            const BatchedPlayOptions& options, uint64_t seed) {
  TP_CHECK(!searches.empty(), "self-play needs at least one search");
  const int workers = static_cast<int>(searches.size());
  if (workers == 1) return self_play(initial, searches[0], options, seed);
  Timer timer;
  Rng seeds(seed);
  std::vector<BatchedPlayResult> parts(workers);
  std::vector<std::exception_ptr> errors(workers);
  std::mutex progress_mutex;  // on_game_done reaches one reporter
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    BatchedPlayOptions part = options;
    part.games = options.games / workers + (w < options.games % workers ? 1 : 0);
    if (part.games == 0) continue;
    if (options.on_game_done)
      part.on_game_done = [&](int) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        options.on_game_done(++finished);
      };
    threads.emplace_back([&, w, part, worker_seed = seeds()] {
      try {
        parts[w] = self_play(initial, searches[w], part, worker_seed);
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  BatchedPlayResult result;
  for (auto& p : parts) {
    result.games.insert(result.games.end(), std::make_move_iterator(p.games.begin()),
                        std::make_move_iterator(p.games.end()));
    result.positions.insert(result.positions.end(), std::make_move_iterator(p.positions.begin()),
                            std::make_move_iterator(p.positions.end()));
    result.simulations += p.simulations;
    result.evaluations += p.evaluations;
    result.interrupted = result.interrupted || p.interrupted;
  }
  result.seconds = timer.seconds();
  return result;
}

BatchedPlayResult play_match(const envs::GameState& initial, GamePlayer& a, GamePlayer& b,
                             const BatchedPlayOptions& options, uint64_t seed) {
  GamePlayer* players[2] = {&a, &b};
  const BatchedSearch* searches[2] = {a.batched_search(), b.batched_search()};
  a.new_game();
  b.new_game();
  return run(initial, players, searches, false, false, options, seed);
}

std::vector<envs::Action> batched_select_moves(const std::vector<const envs::GameState*>& states,
                                               const BatchedSearch& search, int parallel, uint64_t seed,
                                               const std::function<void(int done)>& on_done) {
  TP_CHECK(search.evaluator && parallel > 0, "batched_select_moves needs an evaluator and parallel > 0");
  std::vector<envs::Action> moves(states.size(), envs::kInvalidAction);
  if (states.empty()) return moves;
  const int num_actions = states[0]->info().num_actions;
  Rng rng(seed);
  std::vector<std::unique_ptr<Mcts>> trees;
  std::vector<int> job(std::min<size_t>(parallel, states.size()), -1);
  for (size_t i = 0; i < job.size(); ++i) trees.push_back(std::make_unique<Mcts>(search.options, rng()));
  std::vector<const envs::GameState*> leaves;
  std::vector<int> leaf_slot;
  std::vector<float> priors(job.size() * num_actions), values(job.size());
  size_t next = 0;
  int done = 0;
  while (done < static_cast<int>(states.size())) {
    leaves.clear();
    leaf_slot.clear();
    for (size_t s = 0; s < job.size(); ++s) {
      while (true) {
        if (job[s] < 0) {
          if (next >= states.size()) break;
          job[s] = static_cast<int>(next++);
          trees[s]->sync(*states[job[s]]);
        }
        Mcts& tree = *trees[s];
        const envs::GameState* leaf = nullptr;
        while (!tree.done() && !(leaf = tree.begin_simulation())) {
        }
        if (leaf) {
          leaves.push_back(leaf);
          leaf_slot.push_back(static_cast<int>(s));
          break;
        }
        moves[job[s]] = tree.select_move(0.0);
        job[s] = -1;
        ++done;
        if (on_done) on_done(done);
      }
    }
    if (leaves.empty()) continue;
    search.evaluator->evaluate(leaves.data(), static_cast<int>(leaves.size()), priors.data(), values.data());
    for (size_t i = 0; i < leaves.size(); ++i)
      trees[leaf_slot[i]]->finish_simulation(priors.data() + i * num_actions, values[i]);
  }
  return moves;
}

MatchScore score_for_a(const BatchedPlayResult& result, int first_side) {
  MatchScore s;
  for (const auto& g : result.games) {
    if (g.returns.empty() || (first_side >= 0 && g.first_side != first_side)) continue;
    const int a_player = g.first_side == 0 ? 0 : 1;  // a moved first in even games
    const double r = g.returns[a_player];
    if (r > 0)
      ++s.wins;
    else if (r < 0)
      ++s.losses;
    else
      ++s.draws;
  }
  return s;
}

}  // namespace tp::agents
