#pragma once
// Monte Carlo tree search over an Evaluator (AlphaGo Zero, Silver et al. 2017, "Methods"):
// PUCT selection, priors with illegal moves masked, Dirichlet noise at the root, visit-count
// policies with a temperature, and tree reuse between moves. UCT selection (Kocsis &
// Szepesvari 2006) is the same search with another scoring rule (the `mcts:N` baseline).
// Gumbel AlphaZero (Danihelka et al. 2022, "Policy improvement by planning with Gumbel") is
// the same search with other rules: Gumbel-Top-k sampling of the root actions, sequential
// halving over them, deterministic interior selection, and an improved policy built from
// completed Q-values as the training target, so that a few simulations still improve on the
// network's policy.
//
// The search runs step-wise so many games can share one batched evaluator:
// begin_simulation() descends to a leaf and returns the state to evaluate (nullptr when the
// simulation ended at a terminal position and was already backed up); finish_simulation()
// expands the leaf with the evaluation and backs it up. search() does both with one
// evaluator call per leaf. Nodes live in flat arrays reused across moves and games: after
// warm-up a simulation allocates nothing.
#include <memory>
#include <vector>

#include "agents/alphazero/evaluator.h"
#include "core/rng.h"
#include "envs/games/game.h"

namespace tp::agents {

// The most leaves one batched search evaluates per call (MctsOptions::leaf_batch).
constexpr int kMaxLeafBatch = 256;

struct MctsOptions {
  int simulations = 800;         // visits of the root before a move (AlphaZero: 800)
  double c_puct = 1.25;          // exploration constant (AlphaZero pseudocode c_init = 1.25)
  bool uct = false;              // UCT with c_uct instead of PUCT (rollout baseline)
  double c_uct = 1.41421356;     // sqrt(2)
  bool root_noise = false;       // Dirichlet noise at the root (self-play only)
  double dirichlet_alpha = 0.3;  // per game (GameInfo::dirichlet_alpha)
  double noise_fraction = 0.25;  // epsilon (AlphaGo Zero)
  // Gumbel search instead of PUCT (no Dirichlet noise, no tree reuse). Its root evaluation
  // comes on top of `simulations`, as in the paper.
  bool gumbel = false;
  // The Gumbel draw at the root (self-play only, as root_noise for PUCT: it explores, and the
  // move played is the halving's winner whatever the temperature). Without it the search is
  // deterministic, and a temperature above 0 samples by visit counts as PUCT does.
  bool gumbel_noise = false;
  int considered_actions = 16;   // m: root actions drawn without replacement (paper: 16)
  double gumbel_c_visit = 50.0;  // sigma(q) = (c_visit + max_b N(b)) * c_scale * q, q in [0, 1]
  double gumbel_c_scale = 0.1;   // (mctx's defaults)
  // KataGo's refinements of PUCT (Wu 2019, "Accelerating Self-Play Learning in Go").
  // First-play urgency: the Q an unvisited child is scored with. AlphaZero's pseudocode uses
  // 0 (a draw); with fpu_parent it is the parent's mean value minus
  // fpu_reduction * sqrt(prior mass of the visited children), so a search explores less
  // where its visited moves already look better than an unknown one (KataGo: 0.2). At a
  // root with Dirichlet noise the reduction is 0, as in KataGo.
  bool fpu_parent = false;
  double fpu_reduction = 0.2;
  // Forced playouts (self-play, with root noise): a root child with prior P among N child
  // visits is chosen while it has fewer than sqrt(k P N) visits, so noise-boosted moves get
  // looked at; policy_target() prunes those visits back out (KataGo: k = 2; 0: off).
  double forced_playouts = 0.0;
  // search() evaluates up to leaf_batch leaves in one evaluator call (AlphaGo's asynchronous
  // search, Silver et al. 2016): each descent adds virtual_loss lost visits to the edges on
  // its path, so the next descent of the batch looks elsewhere, and takes them back at its
  // backup. A batch also ends early at a leaf that is already waiting (a collision).
  // 1: one leaf a call, the plain sequential search; at most kMaxLeafBatch. PUCT and UCT only
  // (Gumbel search: 1).
  int leaf_batch = 1;
  int virtual_loss = 3;  // n_vl (AlphaGo: 3)
};

class Mcts {
 public:
  Mcts(MctsOptions options, uint64_t seed);

  // Makes `state` the root: keeps the matching subtree when `state` extends the current
  // root by up to a few moves (tree reuse), else starts a fresh tree.
  void sync(const envs::GameState& state);
  // True once the root has options.simulations visits (Gumbel: its schedule's, which a time
  // limit may shorten).
  bool done() const;

  const envs::GameState* begin_simulation();
  void finish_simulation(const float* priors, float value);
  // Runs simulations until done(), one evaluator call per options().leaf_batch leaves; with
  // `max_seconds` > 0 it also stops once that much time has passed (after at least one call).
  // A Gumbel search under a time limit first visits each considered action once (the start of
  // every halving schedule), then fits the schedule to the simulations the remaining time
  // allows at the rate measured so far, so a move's time ends with the halving complete.
  void search(Evaluator& evaluator, double max_seconds = 0);

  const envs::GameState& root_state() const { return *root_state_; }
  int root_visits() const;
  // Visit counts of the root's children as a distribution over info().num_actions.
  void visit_policy(std::vector<float>& out) const;
  // What self-play trains the policy towards: the visit distribution (with forced playouts
  // pruned back out: KataGo's policy target pruning), or with Gumbel search
  // softmax(logits + sigma(completed Q)) over the legal moves.
  void policy_target(std::vector<float>& out) const;
  void visit_counts(std::vector<int>& out) const;
  // Value of the root from the side to move (0 before any visit): the mean over its visits,
  // or with Gumbel search the improved policy's value, sum_a pi'(a) completed Q(a).
  double root_value() const;
  // Temperature 0: the most visited move (ties broken at random); else sampled in
  // proportion to visits^(1/temperature). Gumbel search: the move sequential halving kept
  // (with gumbel_noise, whatever the temperature), or with a temperature and no noise a move
  // sampled in proportion to pi'(a)^(1/temperature).
  envs::Action select_move(double temperature);
  const MctsOptions& options() const { return options_; }
  MctsOptions& mutable_options() { return options_; }

 private:
  struct Edge {
    envs::Action action;
    float prior;
    int child;  // node index, -1 until visited
    int visits;
    float value_sum;  // from the view of the player choosing this edge
  };
  struct Node {
    int first_edge = 0, num_edges = 0;
    int visits = 0;
    int player = 0;  // side to move here (terminal: 0)
    bool expanded = false;
    bool terminal = false;
    float terminal_value = 0;  // returns()[0] when terminal
    float raw_value = 0;       // the evaluator's value, from `player`'s side (Gumbel)
  };

  // A leaf of a batch waiting for its evaluation: its path and its position.
  struct PendingLeaf {
    int node = -1;
    std::vector<int> path_nodes, path_edges;
    std::unique_ptr<envs::GameState> state;
  };

  void reset_tree(const envs::GameState& state);
  // Walks from the root to an unexpanded node, applying the moves to `state` (a copy of the
  // root position) and recording the path; returns that node, or -1 when the walk ended at a
  // terminal position, which is then already backed up.
  int descend(envs::GameState& state, std::vector<int>& path_nodes, std::vector<int>& path_edges);
  // Gives `node` its edges (the legal moves of `state`, priors renormalised over them) and
  // backs the value up the path; returns nothing, the tree holds it all.
  void expand_and_backup(int node, const envs::GameState& state, const float* priors, float value,
                         const std::vector<int>& path_nodes, const std::vector<int>& path_edges);
  void search_batched(Evaluator& evaluator, double max_seconds);
  // Adds (sign 1) or takes back (sign -1) the virtual loss on a path.
  void virtual_loss(const std::vector<int>& path_nodes, const std::vector<int>& path_edges, int sign);
  bool advance(envs::Action a);
  int new_node();
  int select_edge(const Node& node);
  int select_puct(const Node& node);
  // Forced playouts apply: a self-play search (root noise) with forced_playouts > 0.
  bool forces_playouts() const { return options_.root_noise && options_.forced_playouts > 0; }
  double forced_visits(const Edge& edge, int child_visits) const;
  void pruned_visit_policy(std::vector<float>& out) const;
  void backup(const std::vector<int>& path_nodes, const std::vector<int>& path_edges, int leaf_player, float value);
  void add_root_noise();
  void compact(int new_root);
  // Gumbel search (mcts_gumbel.cpp).
  void begin_gumbel_root();
  int select_gumbel_root(const Node& root);
  int select_gumbel_interior(const Node& node);
  int sequential_halving_winner(const Node& root);
  // Under a time limit: once the considered actions have a visit each, shortens the schedule
  // to what fits in `max_seconds` at the rate of the first `elapsed` seconds. True once fitted.
  bool fit_gumbel_schedule(double elapsed, double max_seconds);
  int completed_q_values(const Node& node, std::vector<double>& out) const;
  void completed_q(const Node& node, std::vector<double>& out) const;
  double gumbel_root_value() const;
  void improved_policy(const Node& node, std::vector<double>& out) const;

  MctsOptions options_;
  Rng rng_;
  std::unique_ptr<envs::GameState> root_state_, scratch_;
  std::vector<Node> nodes_, spare_nodes_;
  std::vector<Edge> edges_, spare_edges_;
  std::vector<int> path_nodes_, path_edges_;
  std::vector<envs::Action> legal_;
  std::vector<double> noise_;
  std::vector<int> remap_;
  std::vector<double> gumbel_;        // per root edge: g + log prior
  std::vector<int> halving_;          // visits an action needs to be considered, per root simulation
  int gumbel_simulations_ = 0;        // the current root's schedule length (simulations or fewer)
  std::vector<double> scores_;        // scratch
  std::vector<PendingLeaf> pending_;  // search_batched's leaves (their states reused)
  int root_ = -1;
  int leaf_ = -1;
  bool noise_pending_ = false;
};

// Sequential halving as one schedule (mctx's get_sequence_of_considered_visits): entry k is
// the visit count an action must have to be chosen by root simulation k, for `considered`
// root actions and `simulations` simulations. Each phase gives every remaining action
// max(1, simulations / (ceil(log2 considered) * remaining)) visits, then halves them.
std::vector<int> sequential_halving_schedule(int considered, int simulations);

// A sample from Dirichlet(alpha, ..., alpha) of size n (Marsaglia-Tsang gamma draws).
void sample_dirichlet(Rng& rng, double alpha, int n, std::vector<double>& out);

}  // namespace tp::agents
