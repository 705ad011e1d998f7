// Gumbel AlphaZero's rules inside Mcts (Danihelka et al. 2022, sections 3-5; the defaults and
// the completed-Q transform follow DeepMind's mctx library).
#include <algorithm>
#include <cmath>

#include "agents/alphazero/mcts.h"

namespace tp::agents {

namespace {
// Priors are probabilities; the paper's rules add their logits, floored so a zero prior stays
// finite.
double logit(float prior) { return std::log(std::max(prior, 1e-30f)); }

// Among the `n` edges from `first` with `visits` visits (any, when -1), the index of the one
// with the highest g + logit + sigma(q); -1 when none has them.
template <class Edges>
int best_considered(const Edges& edges, int first, int n, const std::vector<double>& gumbel,
                    const std::vector<double>& sigma_q, int visits) {
  int best = -1;
  double best_score = -1e300;
  for (int i = 0; i < n; ++i) {
    if (visits >= 0 && edges[first + i].visits != visits) continue;
    const double score = gumbel[i] + sigma_q[i];
    if (score > best_score) best_score = score, best = i;
  }
  return best;
}
}  // namespace

std::vector<int> sequential_halving_schedule(int considered, int simulations) {
  std::vector<int> schedule;
  if (considered <= 1) {
    for (int k = 0; k < simulations; ++k) schedule.push_back(k);
    return schedule;
  }
  const int log2_considered = static_cast<int>(std::ceil(std::log2(considered)));
  std::vector<int> visits(considered, 0);
  int remaining = considered;
  while (static_cast<int>(schedule.size()) < simulations) {
    const int extra = std::max(1, simulations / (log2_considered * remaining));
    for (int r = 0; r < extra; ++r)
      for (int i = 0; i < remaining; ++i) schedule.push_back(visits[i]++);
    remaining = std::max(2, remaining / 2);
  }
  schedule.resize(simulations);
  return schedule;
}

// At the root's expansion: one Gumbel(0, 1) draw per legal move (with gumbel_noise), added to
// its logit, and the halving schedule for min(m, legal moves) considered actions.
void Mcts::begin_gumbel_root() {
  const Node& root = nodes_[root_];
  gumbel_.resize(root.num_edges);
  for (int i = 0; i < root.num_edges; ++i) {
    double g = 0.0;
    if (options_.gumbel_noise) {
      double u = rng_.uniform();
      while (u <= 0.0) u = rng_.uniform();
      g = -std::log(-std::log(u));
    }
    gumbel_[i] = g + logit(edges_[root.first_edge + i].prior);
  }
  halving_ = sequential_halving_schedule(std::min(options_.considered_actions, root.num_edges), options_.simulations);
  gumbel_simulations_ = options_.simulations;
}

// Every schedule starts by visiting each of the m considered actions once, whatever its length,
// so the first m simulations are the same for any budget and time them. Aiming at 90% of the
// time leaves room for the rate to drift; a cut schedule would end its last round with one
// survivor a visit ahead, chosen by that visit rather than by its value.
bool Mcts::fit_gumbel_schedule(double elapsed, double max_seconds) {
  const Node& root = nodes_[root_];
  if (!root.expanded || root.num_edges == 0) return false;
  const int considered = std::min(options_.considered_actions, root.num_edges);
  const int child_visits = root.visits - 1;
  if (child_visits < std::min(considered, gumbel_simulations_)) return false;
  if (elapsed <= 0.0) return false;
  const double rate = root.visits / elapsed;
  const double fits = rate * max_seconds * 0.9 - 1.0;  // compared as a double: it may exceed INT_MAX
  const int budget = fits >= options_.simulations ? options_.simulations
                                                  : std::max(child_visits, static_cast<int>(std::max(0.0, fits)));
  if (budget < gumbel_simulations_) {
    halving_ = sequential_halving_schedule(considered, budget);
    gumbel_simulations_ = budget;
  }
  return true;
}

// Completed Q per edge of `node` (mctx's qtransform_completed_by_mix_value before its
// rescaling): a visited edge keeps its mean value; an unvisited one gets the mixed value, the
// network's value of `node` blended with the prior-weighted mean of the visited edges' values.
// Returns the largest visit count among the edges.
int Mcts::completed_q_values(const Node& node, std::vector<double>& out) const {
  const int n = node.num_edges;
  out.resize(n);
  int sum_visits = 0, max_visits = 0;
  double visited_prior = 0.0, weighted_q = 0.0;
  for (int i = 0; i < n; ++i) {
    const Edge& e = edges_[node.first_edge + i];
    if (e.visits == 0) continue;
    sum_visits += e.visits;
    max_visits = std::max(max_visits, e.visits);
    const double p = std::max(static_cast<double>(e.prior), 1e-30);
    visited_prior += p;
    weighted_q += p * e.value_sum / e.visits;
  }
  const double mixed = visited_prior > 0.0
                           ? (node.raw_value + sum_visits * (weighted_q / visited_prior)) / (1.0 + sum_visits)
                           : node.raw_value;
  for (int i = 0; i < n; ++i) {
    const Edge& e = edges_[node.first_edge + i];
    out[i] = e.visits > 0 ? e.value_sum / e.visits : mixed;
  }
  return max_visits;
}

// sigma(completed Q): the completed values rescaled to [0, 1] over the node's edges, then
// scaled by (c_visit + max visits) * c_scale.
void Mcts::completed_q(const Node& node, std::vector<double>& out) const {
  const int max_visits = completed_q_values(node, out);
  double lo = 1e300, hi = -1e300;
  for (double q : out) lo = std::min(lo, q), hi = std::max(hi, q);
  const double scale = (options_.gumbel_c_visit + max_visits) * options_.gumbel_c_scale / std::max(hi - lo, 1e-8);
  for (double& q : out) q = (q - lo) * scale;
}

// The root's value under the improved policy, sum_a pi'(a) completed Q(a). The visits' mean
// would not do here: sequential halving visits every considered move once, the bad ones
// included, so with 16 simulations that mean sits far below the best move's value.
double Mcts::gumbel_root_value() const {
  const Node& root = nodes_[root_];
  std::vector<double> policy, q;
  improved_policy(root, policy);
  completed_q_values(root, q);
  double value = 0.0;
  for (int i = 0; i < root.num_edges; ++i) value += policy[i] * q[i];
  return value;
}

// pi' = softmax(logits + sigma(completed Q)) over the node's edges.
void Mcts::improved_policy(const Node& node, std::vector<double>& out) const {
  completed_q(node, out);
  double top = -1e300;
  for (int i = 0; i < node.num_edges; ++i) {
    out[i] += logit(edges_[node.first_edge + i].prior);
    top = std::max(top, out[i]);
  }
  double sum = 0.0;
  for (double& x : out) sum += x = std::exp(x - top);
  for (double& x : out) x /= sum;
}

// Root: among the actions whose visits equal what the schedule asks of this simulation, the
// highest g + logit + sigma(q). The first m simulations so pick the Gumbel-Top-m actions;
// later ones visit the survivors of each halving.
int Mcts::select_gumbel_root(const Node& root) {
  int child_visits = 0;
  for (int i = 0; i < root.num_edges; ++i) child_visits += edges_[root.first_edge + i].visits;
  const int wanted = halving_[std::min(child_visits, static_cast<int>(halving_.size()) - 1)];
  completed_q(root, scores_);
  int best = best_considered(edges_, root.first_edge, root.num_edges, gumbel_, scores_, wanted);
  if (best < 0)  // no action has the wanted visits
    best = best_considered(edges_, root.first_edge, root.num_edges, gumbel_, scores_, -1);
  return root.first_edge + best;
}

// Interior: the action whose share of the visits lags furthest behind pi', deterministically
// (argmax pi'(a) - N(a) / (1 + sum_b N(b))).
int Mcts::select_gumbel_interior(const Node& node) {
  improved_policy(node, scores_);
  int sum_visits = 0;
  for (int i = 0; i < node.num_edges; ++i) sum_visits += edges_[node.first_edge + i].visits;
  int best = 0;
  double best_score = -1e300;
  for (int i = 0; i < node.num_edges; ++i) {
    const double score = scores_[i] - edges_[node.first_edge + i].visits / (1.0 + sum_visits);
    if (score > best_score) best_score = score, best = i;
  }
  return node.first_edge + best;
}

// The move played: among the most visited actions (the last halving's survivors), the highest
// g + logit + sigma(q).
int Mcts::sequential_halving_winner(const Node& root) {
  int most = 0;
  for (int i = 0; i < root.num_edges; ++i) most = std::max(most, edges_[root.first_edge + i].visits);
  completed_q(root, scores_);
  return root.first_edge + best_considered(edges_, root.first_edge, root.num_edges, gumbel_, scores_, most);
}

}  // namespace tp::agents
