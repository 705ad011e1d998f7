#include "agents/alphazero/mcts.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/timer.h"

namespace tp::agents {

namespace {
// Gamma(alpha, 1) by Marsaglia and Tsang (2000); alpha < 1 via the alpha + 1 boost.
double sample_gamma(Rng& rng, double alpha) {
  if (alpha < 1.0) {
    double u = rng.uniform();
    while (u <= 0.0) u = rng.uniform();
    return sample_gamma(rng, alpha + 1.0) * std::pow(u, 1.0 / alpha);
  }
  const double d = alpha - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}
}  // namespace

void sample_dirichlet(Rng& rng, double alpha, int n, std::vector<double>& out) {
  out.resize(n);
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += out[i] = sample_gamma(rng, alpha);
  if (sum <= 0.0) {
    for (auto& x : out) x = 1.0 / n;
    return;
  }
  for (auto& x : out) x /= sum;
}

Mcts::Mcts(MctsOptions options, uint64_t seed) : options_(options), rng_(seed) {
  TP_CHECK_AS(UsageError, options_.simulations > 0, "MCTS needs simulations > 0");
  TP_CHECK_AS(UsageError, options_.noise_fraction >= 0 && options_.noise_fraction <= 1,
              "Dirichlet noise fraction must be in [0, 1]");
  TP_CHECK_AS(UsageError,
              options_.considered_actions > 0 && options_.gumbel_c_visit >= 0 && options_.gumbel_c_scale >= 0,
              "Gumbel search needs considered actions > 0 and c_visit, c_scale >= 0");
  TP_CHECK_AS(UsageError, options_.fpu_reduction >= 0 && options_.forced_playouts >= 0,
              "first-play-urgency reduction and forced playouts must be >= 0");
  TP_CHECK_AS(UsageError, options_.leaf_batch > 0 && options_.leaf_batch <= kMaxLeafBatch && options_.virtual_loss >= 0,
              "MCTS needs a leaf batch in 1..", kMaxLeafBatch, " and a virtual loss >= 0");
  TP_CHECK_AS(UsageError, !(options_.gumbel && (options_.uct || options_.root_noise)),
              "Gumbel search replaces UCT and root noise");
}

int Mcts::new_node() {
  nodes_.emplace_back();
  return static_cast<int>(nodes_.size()) - 1;
}

void Mcts::reset_tree(const envs::GameState& state) {
  if (!root_state_ || !root_state_->assign_from(state)) root_state_ = state.clone();
  nodes_.clear();
  edges_.clear();
  root_ = new_node();
  nodes_[root_].player = state.current_player();
  nodes_[root_].terminal = state.is_terminal();
  noise_pending_ = options_.root_noise;
  leaf_ = -1;
}

void Mcts::sync(const envs::GameState& state) {
  // Sequential halving spends a fresh budget on a fresh root: no tree reuse.
  if (!root_state_ || options_.gumbel || root_state_->info().num_actions != state.info().num_actions ||
      root_state_->info().name != state.info().name) {
    reset_tree(state);
    return;
  }
  const auto& old_history = root_state_->history();
  const auto& new_history = state.history();
  const size_t m = old_history.size(), k = new_history.size();
  bool extends = k >= m && k - m <= 4;
  for (size_t i = 0; extends && i < m; ++i) extends = old_history[i] == new_history[i];
  if (!extends) {
    reset_tree(state);
    return;
  }
  for (size_t i = m; i < k; ++i)
    if (!advance(new_history[i])) {
      reset_tree(state);
      return;
    }
}

bool Mcts::advance(envs::Action a) {
  const Node& root = nodes_[root_];
  int child = -1;
  for (int e = root.first_edge; e < root.first_edge + root.num_edges && root.expanded; ++e)
    if (edges_[e].action == a) child = edges_[e].child;
  if (child < 0 || !root_state_->is_legal(a)) return false;
  root_state_->apply(a);
  compact(child);
  noise_pending_ = options_.root_noise;
  leaf_ = -1;
  return true;
}

// Copies the subtree under `new_root` into the spare arrays (breadth first, so the queue
// index is the new node index) and swaps them in: memory stays bounded by one search.
void Mcts::compact(int new_root) {
  spare_nodes_.clear();
  spare_edges_.clear();
  remap_.clear();
  spare_nodes_.push_back(nodes_[new_root]);
  remap_.push_back(new_root);
  for (size_t q = 0; q < remap_.size(); ++q) {
    const Node& old = nodes_[remap_[q]];
    const int first = static_cast<int>(spare_edges_.size());
    for (int e = old.first_edge; e < old.first_edge + old.num_edges; ++e) {
      Edge copy = edges_[e];
      if (copy.child >= 0) {
        spare_nodes_.push_back(nodes_[copy.child]);
        remap_.push_back(copy.child);
        copy.child = static_cast<int>(spare_nodes_.size()) - 1;
      }
      spare_edges_.push_back(copy);
    }
    spare_nodes_[q].first_edge = first;
  }
  nodes_.swap(spare_nodes_);
  edges_.swap(spare_edges_);
  root_ = 0;
}

bool Mcts::done() const {
  // Gumbel: `simulations` visits of the root's children, after the root's own evaluation.
  if (options_.gumbel) return root_ >= 0 && nodes_[root_].expanded && nodes_[root_].visits >= gumbel_simulations_ + 1;
  return root_ >= 0 && nodes_[root_].visits >= options_.simulations;
}

int Mcts::root_visits() const { return root_ >= 0 ? nodes_[root_].visits : 0; }

int Mcts::select_edge(const Node& node) {
  if (options_.gumbel) return &node == &nodes_[root_] ? select_gumbel_root(node) : select_gumbel_interior(node);
  int best = node.first_edge;
  double best_score = -1e300;
  if (options_.uct) {
    const double log_n = std::log(std::max(1, node.visits));
    for (int e = node.first_edge; e < node.first_edge + node.num_edges; ++e) {
      const Edge& x = edges_[e];
      if (x.visits == 0) return e;  // every child once before any is revisited
      const double score = x.value_sum / x.visits + options_.c_uct * std::sqrt(log_n / x.visits);
      if (score > best_score) best_score = score, best = e;
    }
    return best;
  }
  return select_puct(node);
}

double Mcts::forced_visits(const Edge& edge, int child_visits) const {
  return std::sqrt(options_.forced_playouts * edge.prior * child_visits);
}

int Mcts::select_puct(const Node& node) {
  const bool at_root = &node == &nodes_[root_];
  const bool noisy_root = at_root && options_.root_noise;
  const bool forcing = at_root && forces_playouts();
  double unvisited_q = 0.0;  // AlphaZero: an unvisited child counts as a draw
  int child_visits = 0;
  if (options_.fpu_parent || forcing) {
    double visited_prior = 0.0, value_sum = node.raw_value;
    for (int e = node.first_edge; e < node.first_edge + node.num_edges; ++e)
      if (edges_[e].visits > 0) {
        visited_prior += edges_[e].prior;
        value_sum += edges_[e].value_sum;
        child_visits += edges_[e].visits;
      }
    const double reduction = noisy_root ? 0.0 : options_.fpu_reduction;
    if (options_.fpu_parent) unvisited_q = value_sum / (1 + child_visits) - reduction * std::sqrt(visited_prior);
  }
  const double sqrt_n = std::sqrt(static_cast<double>(std::max(1, node.visits)));
  int best = node.first_edge;
  double best_score = -1e300;
  for (int e = node.first_edge; e < node.first_edge + node.num_edges; ++e) {
    const Edge& x = edges_[e];
    const double q = x.visits > 0 ? x.value_sum / x.visits : unvisited_q;
    double score = q + options_.c_puct * x.prior * sqrt_n / (1.0 + x.visits);
    // A child short of its forced playouts goes first (values lie in [-1, 1]).
    if (forcing && x.visits < forced_visits(x, child_visits)) score += 1e6;
    if (score > best_score) best_score = score, best = e;
  }
  return best;
}

const envs::GameState* Mcts::begin_simulation() {
  TP_CHECK(root_ >= 0, "MCTS has no root position (call sync first)");
  TP_CHECK(!nodes_[root_].terminal, "MCTS cannot search a finished game");
  TP_CHECK(leaf_ < 0, "MCTS: the previous simulation was not finished");
  if (!scratch_ || !scratch_->assign_from(*root_state_)) scratch_ = root_state_->clone();
  if (noise_pending_ && nodes_[root_].expanded) add_root_noise();
  leaf_ = descend(*scratch_, path_nodes_, path_edges_);
  return leaf_ >= 0 ? scratch_.get() : nullptr;
}

int Mcts::descend(envs::GameState& state, std::vector<int>& path_nodes, std::vector<int>& path_edges) {
  path_nodes.clear();
  path_edges.clear();
  int node = root_;
  while (true) {
    path_nodes.push_back(node);
    if (nodes_[node].terminal) {
      backup(path_nodes, path_edges, 0, nodes_[node].terminal_value);
      return -1;
    }
    if (!nodes_[node].expanded) return node;
    const int e = select_edge(nodes_[node]);
    path_edges.push_back(e);
    state.apply(edges_[e].action);
    if (edges_[e].child < 0) {
      const int c = new_node();
      edges_[e].child = c;
      Node& child = nodes_[c];
      if (state.is_terminal()) {
        child.terminal = true;
        child.terminal_value = static_cast<float>(state.returns()[0]);
      } else {
        child.player = state.current_player();
      }
    }
    node = edges_[e].child;
  }
}

void Mcts::finish_simulation(const float* priors, float value) {
  TP_CHECK(leaf_ >= 0, "MCTS: finish_simulation without a pending leaf");
  const int leaf = leaf_;
  leaf_ = -1;
  expand_and_backup(leaf, *scratch_, priors, value, path_nodes_, path_edges_);
}

void Mcts::expand_and_backup(int node, const envs::GameState& state, const float* priors, float value,
                             const std::vector<int>& path_nodes, const std::vector<int>& path_edges) {
  state.legal_actions_into(legal_);
  double sum = 0.0;
  for (envs::Action a : legal_) sum += std::max(0.f, priors[a]);
  const bool uniform = !(sum > 0.0) || !std::isfinite(sum);
  Node& leaf = nodes_[node];
  leaf.first_edge = static_cast<int>(edges_.size());
  leaf.num_edges = static_cast<int>(legal_.size());
  leaf.expanded = true;
  for (envs::Action a : legal_) {
    const float p = uniform ? 1.f / legal_.size() : static_cast<float>(std::max(0.f, priors[a]) / sum);
    edges_.push_back(Edge{a, p, -1, 0, 0.f});
  }
  const int leaf_player = leaf.player;
  value = std::max(-1.f, std::min(1.f, value));
  leaf.raw_value = value;
  if (node == root_ && noise_pending_) add_root_noise();
  if (node == root_ && options_.gumbel) begin_gumbel_root();
  backup(path_nodes, path_edges, leaf_player, value);
}

void Mcts::backup(const std::vector<int>& path_nodes, const std::vector<int>& path_edges, int leaf_player,
                  float value) {
  for (int n : path_nodes) ++nodes_[n].visits;
  for (size_t j = 0; j < path_edges.size(); ++j) {
    Edge& e = edges_[path_edges[j]];
    ++e.visits;
    e.value_sum += nodes_[path_nodes[j]].player == leaf_player ? value : -value;
  }
}

// A virtual loss is n_vl visits that each lost for the player choosing the edge: PUCT and UCT
// see a worse, more visited move until the real evaluation replaces it.
void Mcts::virtual_loss(const std::vector<int>& path_nodes, const std::vector<int>& path_edges, int sign) {
  const int n = sign * options_.virtual_loss;
  for (int node : path_nodes) nodes_[node].visits += n;
  for (int e : path_edges) {
    edges_[e].visits += n;
    edges_[e].value_sum -= static_cast<float>(n);
  }
}

void Mcts::add_root_noise() {
  noise_pending_ = false;
  const Node& root = nodes_[root_];
  if (!options_.root_noise || root.num_edges == 0) return;
  sample_dirichlet(rng_, options_.dirichlet_alpha, root.num_edges, noise_);
  const double eps = options_.noise_fraction;
  for (int i = 0; i < root.num_edges; ++i) {
    Edge& e = edges_[root.first_edge + i];
    e.prior = static_cast<float>((1.0 - eps) * e.prior + eps * noise_[i]);
  }
}

void Mcts::search(Evaluator& evaluator, double max_seconds) {
  if (options_.leaf_batch > 1 && !options_.gumbel) {
    search_batched(evaluator, max_seconds);
    return;
  }
  std::vector<float> priors(root_state_->info().num_actions);
  float value = 0.f;
  const Timer clock;
  bool fitted = !(options_.gumbel && max_seconds > 0);
  for (bool first = true; !done() && (first || max_seconds <= 0 || clock.seconds() < max_seconds); first = false) {
    if (const envs::GameState* leaf = begin_simulation()) {  // null: a terminal leaf, backed up already
      evaluator.evaluate(&leaf, 1, priors.data(), &value);
      finish_simulation(priors.data(), value);
    }
    if (!fitted) fitted = fit_gumbel_schedule(clock.seconds(), max_seconds);
  }
}

void Mcts::search_batched(Evaluator& evaluator, double max_seconds) {
  TP_CHECK(root_ >= 0, "MCTS has no root position (call sync first)");
  TP_CHECK(!nodes_[root_].terminal, "MCTS cannot search a finished game");
  TP_CHECK(leaf_ < 0, "MCTS: the previous simulation was not finished");
  const int num_actions = root_state_->info().num_actions;
  const size_t batch = static_cast<size_t>(options_.leaf_batch);
  if (pending_.size() < batch) pending_.resize(batch);
  std::vector<const envs::GameState*> states(batch);
  std::vector<float> priors(batch * static_cast<size_t>(num_actions)), values(batch);
  const Timer clock;
  for (bool first = true; !done() && (first || max_seconds <= 0 || clock.seconds() < max_seconds); first = false) {
    if (noise_pending_ && nodes_[root_].expanded) add_root_noise();
    // Real visits still wanted; the root's visit count carries the virtual losses meanwhile.
    const int wanted = options_.simulations - nodes_[root_].visits;
    size_t n = 0;
    // Every try is a real visit or a collision, so `wanted` tries never overshoot the budget.
    for (int tries = 0; n < batch && tries < wanted; ++tries) {
      PendingLeaf& p = pending_[n];
      if (!p.state || !p.state->assign_from(*root_state_)) p.state = root_state_->clone();
      p.node = descend(*p.state, p.path_nodes, p.path_edges);
      if (p.node < 0) continue;  // a terminal position, backed up already
      bool collision = false;
      for (size_t j = 0; j < n && !collision; ++j) collision = pending_[j].node == p.node;
      if (collision) break;
      virtual_loss(p.path_nodes, p.path_edges, 1);
      states[n++] = p.state.get();
    }
    if (n == 0) continue;
    evaluator.evaluate(states.data(), static_cast<int>(n), priors.data(), values.data());
    for (size_t j = 0; j < n; ++j) virtual_loss(pending_[j].path_nodes, pending_[j].path_edges, -1);
    for (size_t j = 0; j < n; ++j)
      expand_and_backup(pending_[j].node, *pending_[j].state, priors.data() + j * num_actions, values[j],
                        pending_[j].path_nodes, pending_[j].path_edges);
  }
}

void Mcts::visit_counts(std::vector<int>& out) const {
  out.assign(root_state_->info().num_actions, 0);
  const Node& root = nodes_[root_];
  if (!root.expanded) return;
  for (int e = root.first_edge; e < root.first_edge + root.num_edges; ++e) out[edges_[e].action] = edges_[e].visits;
}

void Mcts::visit_policy(std::vector<float>& out) const {
  out.assign(root_state_->info().num_actions, 0.f);
  const Node& root = nodes_[root_];
  double total = 0.0;
  for (int e = root.first_edge; e < root.first_edge + root.num_edges && root.expanded; ++e) total += edges_[e].visits;
  if (total <= 0) return;
  for (int e = root.first_edge; e < root.first_edge + root.num_edges; ++e)
    out[edges_[e].action] = static_cast<float>(edges_[e].visits / total);
}

void Mcts::policy_target(std::vector<float>& out) const {
  const Node& root = nodes_[root_];
  if (forces_playouts()) {  // PUCT self-play (Gumbel search has no root noise)
    pruned_visit_policy(out);
    return;
  }
  if (!options_.gumbel || !root.expanded) {
    visit_policy(out);
    return;
  }
  std::vector<double> pi;
  improved_policy(root, pi);
  out.assign(root_state_->info().num_actions, 0.f);
  for (int i = 0; i < root.num_edges; ++i) out[edges_[root.first_edge + i].action] = static_cast<float>(pi[i]);
}

// KataGo's policy target pruning: the most visited child c* keeps its visits; every other
// child loses up to its forced playouts, as long as fewer visits would not have made PUCT
// prefer it to c* (so only the visits it got for being forced go), and a child left with
// one visit goes entirely.
void Mcts::pruned_visit_policy(std::vector<float>& out) const {
  const Node& root = nodes_[root_];
  out.assign(root_state_->info().num_actions, 0.f);
  int best = -1, child_visits = 0;
  for (int e = root.first_edge; e < root.first_edge + root.num_edges; ++e) {
    child_visits += edges_[e].visits;
    if (best < 0 || edges_[e].visits > edges_[best].visits) best = e;
  }
  if (best < 0 || child_visits == 0) return;
  const double sqrt_n = std::sqrt(static_cast<double>(std::max(1, root.visits)));
  const auto exploration = [&](const Edge& x, double visits) {
    return options_.c_puct * x.prior * sqrt_n / (1.0 + visits);
  };
  const Edge& top = edges_[best];
  const double best_score = top.value_sum / top.visits + exploration(top, top.visits);
  double total = 0.0;
  std::vector<double> kept(root.num_edges, 0.0);
  for (int i = 0; i < root.num_edges; ++i) {
    const Edge& x = edges_[root.first_edge + i];
    double n = x.visits;
    if (root.first_edge + i != best && n > 0) {
      const double q = x.value_sum / x.visits;
      // The fewest visits at which PUCT would still not choose x over c*.
      const double fewest = q < best_score ? std::ceil(options_.c_puct * x.prior * sqrt_n / (best_score - q) - 1.0) : n;
      n = std::min(n, std::max({fewest, n - std::floor(forced_visits(x, child_visits)), 0.0}));
      if (n <= 1.0) n = 0.0;
    }
    kept[i] = n;
    total += n;
  }
  for (int i = 0; i < root.num_edges; ++i)
    out[edges_[root.first_edge + i].action] = static_cast<float>(kept[i] / total);
}

double Mcts::root_value() const {
  const Node& root = nodes_[root_];
  if (options_.gumbel && root.expanded && root.num_edges > 0) return gumbel_root_value();
  double sum = 0.0;
  int visits = 0;
  for (int e = root.first_edge; e < root.first_edge + root.num_edges && root.expanded; ++e) {
    sum += edges_[e].value_sum;
    visits += edges_[e].visits;
  }
  return visits > 0 ? sum / visits : 0.0;
}

envs::Action Mcts::select_move(double temperature) {
  const Node& root = nodes_[root_];
  TP_CHECK(root.expanded && root.num_edges > 0, "MCTS: no search was run before selecting a move");
  if (options_.gumbel && (options_.gumbel_noise || temperature <= 0.0))
    return edges_[sequential_halving_winner(root)].action;
  const int first = root.first_edge, n = root.num_edges;
  if (options_.gumbel) {
    // Sequential halving hands out visits by its schedule (every considered move gets the
    // first phase's share), so they say little about a move's worth: sample the improved
    // policy pi' instead, sharpened by 1 / temperature.
    improved_policy(root, scores_);
    for (double& p : scores_) p = std::pow(p, 1.0 / temperature);
    return edges_[first + static_cast<int>(rng_.weighted_index(scores_))].action;
  }
  if (temperature <= 0.0) {
    int best_visits = -1, ties = 0, best = first;
    for (int e = first; e < first + n; ++e) {
      const int v = edges_[e].visits;
      if (v > best_visits)
        best_visits = v, best = e, ties = 1;
      else if (v == best_visits && rng_.below(++ties) == 0)
        best = e;  // reservoir tie-break
    }
    return edges_[best].action;
  }
  scores_.resize(n);
  double total = 0.0;
  for (int i = 0; i < n; ++i) total += scores_[i] = std::pow(edges_[first + i].visits, 1.0 / temperature);
  if (total <= 0.0) return edges_[first + rng_.below(n)].action;
  return edges_[first + static_cast<int>(rng_.weighted_index(scores_))].action;
}

}  // namespace tp::agents
