#include "agents/alphago/rollout_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace tp::agents::alphago {

using envs::go::Color;
using envs::go::GoBoard;
using envs::go::kBorder;
using envs::go::kEmpty;

namespace {

constexpr uint32_t kPatternKind = 0u << 28, kResponseKind = 1u << 28, kFixedKind = 2u << 28;
constexpr uint32_t kKindMask = 3u << 28, kCodeMask = (1u << 24) - 1;

// The 8 neighbours in ring order N, NE, E, SE, S, SW, W, NW: a quarter turn moves place i to
// i + 2, the left-right mirror moves it to 8 - i.
void ring_offsets(int stride, int* out) {
  const int offsets[8] = {-stride, -stride + 1, 1, stride + 1, stride, stride - 1, -1, -stride - 1};
  std::copy(offsets, offsets + 8, out);
}

int ring_place(int i, int s) {
  const int mirrored = s >= 4 ? (8 - i) & 7 : i;
  return (mirrored + 2 * (s & 3)) & 7;
}

// The number of distinct liberties `me` would have at p after playing there without a
// capture: p's empty neighbours and those of the own chains next to it, p itself not
// counted; 2 means "2 or more".
int liberties_after_quiet_move(const RolloutPosition& pos, int p) {
  const GoBoard& b = *pos.board;
  int empties = 0;
  for (int k = 0; k < 4; ++k) {
    const int q = b.neighbour(p, k);
    if (b.at(q) == kEmpty)
      ++empties;
    else if (b.at(q) == pos.me && pos.liberty_class[q] >= 3)
      return 2;  // it loses p only
  }
  if (empties >= 2) return 2;
  // A flood over the adjacent own chains, collecting liberties other than p.
  const uint16_t stamp = pos.next_stamp();
  std::vector<uint16_t>& mark = pos.mark;
  std::vector<int>& stack = pos.stack;
  stack.clear();
  int found = -1, count = 0;
  mark[p] = stamp;
  auto add_liberty = [&](int q) {
    if (q == found) return;
    if (found < 0) found = q;
    ++count;
  };
  for (int k = 0; k < 4; ++k) {
    const int q = b.neighbour(p, k);
    if (b.at(q) == kEmpty)
      add_liberty(q);
    else if (b.at(q) == pos.me && mark[q] != stamp) {
      mark[q] = stamp;
      stack.push_back(q);
    }
  }
  while (!stack.empty() && count < 2) {
    const int s = stack.back();
    stack.pop_back();
    for (int k = 0; k < 4; ++k) {
      const int q = b.neighbour(s, k);
      if (mark[q] == stamp) continue;
      if (b.at(q) == kEmpty) {
        mark[q] = stamp;
        add_liberty(q);
      } else if (b.at(q) == pos.me) {
        mark[q] = stamp;
        stack.push_back(q);
      }
    }
  }
  return std::min(count, 2);
}

}  // namespace

void prepare_position(const GoBoard& board, Color me, int last, RolloutPosition& out) {
  out.board = &board;
  out.me = me;
  out.last = last;
  const int points = board.stride() * board.stride();
  out.liberty_class.assign(static_cast<size_t>(points), 0);
  if (out.mark.size() != static_cast<size_t>(points)) {
    out.mark.assign(static_cast<size_t>(points), 0);
    out.stamp = 0;
  }
  std::vector<uint16_t>& mark = out.mark;
  std::vector<int>& stack = out.stack;
  std::vector<int>& chain = out.chain;
  for (int p = 0; p < points; ++p) {
    const Color c = board.at(p);
    if ((c != envs::go::kBlack && c != envs::go::kWhite) || out.liberty_class[p] != 0) continue;
    const uint16_t stamp = out.next_stamp();  // marks this chain's stones and counted liberties
    chain.clear();
    stack.assign(1, p);
    mark[p] = stamp;
    int libs = 0;
    while (!stack.empty()) {
      const int s = stack.back();
      stack.pop_back();
      chain.push_back(s);
      for (int k = 0; k < 4; ++k) {
        const int q = board.neighbour(s, k);
        if (mark[q] == stamp) continue;
        if (board.at(q) == c) {
          mark[q] = stamp;
          stack.push_back(q);
        } else if (board.at(q) == kEmpty) {
          mark[q] = stamp;
          ++libs;
        }
      }
    }
    const auto cls = static_cast<uint8_t>(std::min(libs, 3));
    for (int s : chain) out.liberty_class[s] = cls;
  }
}

namespace {
// The padded point of the last move, -1 for none or a pass.
int last_move_point(const envs::go::GoState& state) {
  if (state.history().empty() || state.history().back() == state.pass_action()) return -1;
  return state.board_point(state.history().back());
}
}  // namespace

uint16_t RolloutPosition::next_stamp() const {
  if (++stamp == 0) {  // wrapped: clear the old marks once
    std::fill(mark.begin(), mark.end(), uint16_t{0});
    stamp = 1;
  }
  return stamp;
}

void prepare_position(const envs::go::GoState& state, RolloutPosition& out) {
  prepare_position(state.board(), state.to_play(), last_move_point(state), out);
}

uint32_t transform_pattern_key(uint32_t key, int s) {
  const uint32_t kind = key & kKindMask;
  if (kind == kFixedKind) return key;
  uint32_t code = 0;
  for (int i = 0; i < 8; ++i) code |= ((key >> (3 * i)) & 7u) << (3 * ring_place(i, s));
  if (kind == kResponseKind) {
    const int place = static_cast<int>((key >> 24) & 7u);
    return kind | static_cast<uint32_t>(ring_place(place, s)) << 24 | code;
  }
  return kind | code;
}

uint32_t canonical_pattern_key(uint32_t key) {
  uint32_t best = key;
  for (int s = 1; s < 8; ++s) best = std::min(best, transform_pattern_key(key, s));
  return best;
}

int rollout_feature_keys(const RolloutPosition& pos, int p, uint32_t* keys) {
  const GoBoard& b = *pos.board;
  const Color me = pos.me, opp = envs::go::opponent(me);
  int ring[8];
  ring_offsets(b.stride(), ring);
  uint32_t code = 0;
  int last_place = -1;
  for (int i = 0; i < 8; ++i) {
    const int q = p + ring[i];
    const Color c = b.at(q);
    uint32_t cell = 0;
    if (c == kBorder)
      cell = 1;
    else if (c == me)
      cell = 1u + pos.liberty_class[q];
    else if (c == opp)
      cell = 4u + pos.liberty_class[q];
    code |= cell << (3 * i);
    if (q == pos.last) last_place = i;
  }
  int n = 0;
  keys[n++] = canonical_pattern_key(kPatternKind | code);
  if (last_place >= 0)
    keys[n++] = canonical_pattern_key(kResponseKind | static_cast<uint32_t>(last_place) << 24 | code);

  bool capture = false, capture_last = false, own_in_atari = false, atari = false;
  for (int k = 0; k < 4; ++k) {
    const int q = b.neighbour(p, k);
    const Color c = b.at(q);
    if (c == opp && pos.liberty_class[q] == 1) {
      capture = true;
      if (pos.last >= 0 && b.at(pos.last) == opp && b.same_chain(q, pos.last)) capture_last = true;
    } else if (c == opp && pos.liberty_class[q] == 2) {
      atari = true;
    } else if (c == me && pos.liberty_class[q] == 1) {
      own_in_atari = true;
    }
  }
  int libs_after;
  if (capture) {
    // Captures free points next to the move: count on the board after it (rare: a copy).
    GoBoard after = b;
    after.play(p, me);
    libs_after = std::min(after.liberties(p), 2);
  } else {
    libs_after = liberties_after_quiet_move(pos, p);
  }
  if (capture) keys[n++] = kFixedKind | kCapture;
  if (capture_last) keys[n++] = kFixedKind | kCaptureLast;
  if (own_in_atari && libs_after >= 2) keys[n++] = kFixedKind | kSaveAtari;
  if (libs_after == 1) keys[n++] = kFixedKind | kSelfAtari;
  if (atari) keys[n++] = kFixedKind | kAtari;
  if (pos.last >= 0 && last_place < 0) {
    const int dr = std::abs(b.row_of(p) - b.row_of(pos.last)), dc = std::abs(b.col_of(p) - b.col_of(pos.last));
    if (std::max(dr, dc) == 2) keys[n++] = kFixedKind | kNearLast;
  }
  return n;
}

int RolloutPolicy::find_slot(uint32_t key) const {
  const auto it = slot_of_.find(key);
  return it == slot_of_.end() ? -1 : it->second;
}

int RolloutPolicy::slot_for(uint32_t key) {
  const uint32_t canonical = canonical_pattern_key(key);
  if (const int found = find_slot(canonical); found >= 0) return found;
  const int slot = num_slots();
  keys_.push_back(canonical);
  weights_.push_back(0.0f);
  for (int s = 0; s < 8; ++s) slot_of_.emplace(transform_pattern_key(canonical, s), slot);
  return slot;
}

void RolloutPolicy::assign(const std::vector<uint32_t>& keys, const std::vector<float>& weights) {
  TP_CHECK(keys.size() == weights.size(), "rollout policy: ", keys.size(), " keys for ", weights.size(), " weights");
  slot_of_.clear();
  keys_.clear();
  weights_.clear();
  for (size_t i = 0; i < keys.size(); ++i) {
    TP_CHECK(canonical_pattern_key(keys[i]) == keys[i] && find_slot(keys[i]) < 0, "rollout policy: key ", keys[i],
             " is not canonical or repeats");
    weights_[static_cast<size_t>(slot_for(keys[i]))] = weights[i];
  }
}

float RolloutPolicy::logit(const RolloutPosition& pos, int p) const {
  uint32_t keys[kMaxRolloutKeys];
  const int n = rollout_feature_keys(pos, p, keys);
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) {
    // Keys are canonical already: one probe each.
    const auto it = slot_of_.find(keys[i]);
    if (it != slot_of_.end()) sum += weights_[static_cast<size_t>(it->second)];
  }
  return sum;
}

void rollout_candidates(const envs::go::GoState& state, std::vector<envs::Action>& out) {
  out.clear();
  const GoBoard& b = state.board();
  const Color me = state.to_play();
  const int n = state.size();
  for (int a = 0; a < n * n; ++a) {
    const int p = b.point(a / n, a % n);
    if (b.at(p) == kEmpty && !b.is_eye(p, me) && state.is_legal(a)) out.push_back(a);
  }
}

double RolloutPolicy::playout(const envs::go::GoState& state, Rng& rng) const {
  GoBoard b = state.board();
  const int n = state.size();
  Color me = state.to_play();
  int last = last_move_point(state);
  int passes = state.passes();
  int ko = -1;  // the point a simple ko forbids to `me`
  RolloutPosition pos;
  std::vector<int> points;
  std::vector<double> weights;
  const int max_plies = 3 * n * n;
  for (int ply = 0; ply < max_plies && passes < 2; ++ply) {
    prepare_position(b, me, last, pos);
    points.clear();
    weights.clear();
    float best = -1e30f;
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) {
        const int p = b.point(r, c);
        if (b.at(p) != kEmpty || p == ko || b.is_eye(p, me) || b.is_suicide(p, me)) continue;
        const float l = logit(pos, p);
        points.push_back(p);
        weights.push_back(l);
        best = std::max(best, l);
      }
    if (points.empty()) {
      ++passes;
      last = ko = -1;
      me = envs::go::opponent(me);
      continue;
    }
    for (double& w : weights) w = std::exp(w - best);
    const int p = points[rng.weighted_index(weights)];
    const int captured = b.play(p, me);
    ko = captured == 1 && b.chain_size(p) == 1 && b.in_atari(p) ? b.atari_liberty(p) : -1;
    passes = 0;
    last = p;
    me = envs::go::opponent(me);
  }
  int black = 0, white = 0;
  b.area(black, white);
  return black - white - state.params().komi;
}

float RolloutPolicy::playout_outcome(const envs::go::GoState& state, Rng& rng) const {
  const double black = playout(state, rng);
  const double mine = state.current_player() == 0 ? black : -black;
  return mine > 0 ? 1.0f : mine < 0 ? -1.0f : 0.0f;
}

}  // namespace tp::agents::alphago
