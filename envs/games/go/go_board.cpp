#include "envs/games/go/go_board.h"

#include <array>

#include "core/error.h"
#include "core/rng.h"

namespace tp::envs::go {

namespace {
constexpr int kMaxPoints = (kMaxSize + 2) * (kMaxSize + 2);

// Immutable after construction: fixed seed so hashes are identical across runs and builds.
const std::array<std::array<uint64_t, kMaxPoints>, 2>& zobrist_table() {
  static const auto table = [] {
    std::array<std::array<uint64_t, kMaxPoints>, 2> t{};
    Rng rng(0x60b0a4d5eedULL);
    for (auto& row : t)
      for (auto& k : row) k = rng();
    return t;
  }();
  return table;
}
}  // namespace

uint64_t zobrist_key(Color c, int p) { return zobrist_table()[c][p]; }

GoBoard::GoBoard(int size) : size_(size) {
  TP_CHECK_AS(UsageError, size >= kMinSize && size <= kMaxSize, "go board size must be in ", kMinSize, "..", kMaxSize,
              ", got ", size);
  const int s = stride(), n = s * s;
  offsets_[0] = -s;
  offsets_[1] = -1;
  offsets_[2] = 1;
  offsets_[3] = s;
  color_.assign(n, kBorder);
  for (int r = 0; r < size_; ++r)
    for (int c = 0; c < size_; ++c) color_[point(r, c)] = kEmpty;
  chain_.assign(n, 0);
  next_.assign(n, 0);
  chain_size_.assign(n, 0);
  libs_.assign(n, 0);
  lib_sum_.assign(n, 0);
  lib_sum_sq_.assign(n, 0);
  chain_hash_.assign(n, 0);
}

bool GoBoard::in_atari(int p) const {
  const int r = chain_[p];
  return libs_[r] > 0 &&
         static_cast<int64_t>(libs_[r]) * lib_sum_sq_[r] == static_cast<int64_t>(lib_sum_[r]) * lib_sum_[r];
}

int GoBoard::atari_liberty(int p) const {
  const int r = chain_[p];
  return lib_sum_[r] / libs_[r];
}

bool GoBoard::is_suicide(int p, Color c) const {
  const Color opp = opponent(c);
  for (int k = 0; k < 4; ++k) {
    const int n = p + offsets_[k];
    const Color v = at(n);
    if (v == kEmpty) return false;
    if (v == c && !in_atari(n)) return false;   // the chain keeps another liberty
    if (v == opp && in_atari(n)) return false;  // captures
  }
  return true;
}

uint64_t GoBoard::hash_after(int p, Color c) const {
  uint64_t h = hash_ ^ zobrist_key(c, p);
  const Color opp = opponent(c);
  int captured[4];
  int ncap = 0;
  for (int k = 0; k < 4; ++k) {
    const int n = p + offsets_[k];
    if (at(n) != opp || !in_atari(n)) continue;
    const int root = chain_[n];
    bool seen = false;
    for (int i = 0; i < ncap; ++i) seen = seen || captured[i] == root;
    if (seen) continue;
    captured[ncap++] = root;
    h ^= chain_hash_[root];
  }
  return h;
}

void GoBoard::add_liberty(int root, int lib) {
  ++libs_[root];
  lib_sum_[root] += lib;
  lib_sum_sq_[root] += static_cast<int64_t>(lib) * lib;
}

void GoBoard::remove_liberty(int root, int lib) {
  --libs_[root];
  lib_sum_[root] -= lib;
  lib_sum_sq_[root] -= static_cast<int64_t>(lib) * lib;
}

void GoBoard::merge(int a, int b) {
  if (chain_size_[a] < chain_size_[b]) std::swap(a, b);  // relabel the smaller chain
  int s = b;
  do {
    chain_[s] = static_cast<int16_t>(a);
    s = next_[s];
  } while (s != b);
  std::swap(next_[a], next_[b]);  // splice the two circular lists
  chain_size_[a] = static_cast<int16_t>(chain_size_[a] + chain_size_[b]);
  libs_[a] = static_cast<int16_t>(libs_[a] + libs_[b]);
  lib_sum_[a] += lib_sum_[b];
  lib_sum_sq_[a] += lib_sum_sq_[b];
  chain_hash_[a] ^= chain_hash_[b];
}

int GoBoard::capture(int root) {
  const Color c = at(root);
  int count = 0;
  int s = root;
  do {
    color_[s] = kEmpty;
    hash_ ^= zobrist_key(c, s);
    ++count;
    s = next_[s];
  } while (s != root);
  // Only now give liberties back: every stone neighbour of the removed chain is the
  // capturer's (same-coloured neighbours were part of the chain).
  s = root;
  do {
    for (int k = 0; k < 4; ++k) {
      const int n = s + offsets_[k];
      if (color_[n] < kEmpty) add_liberty(chain_[n], s);
    }
    s = next_[s];
  } while (s != root);
  stones_[c] -= count;
  return count;
}

int GoBoard::play(int p, Color c) {
  color_[p] = c;
  chain_[p] = static_cast<int16_t>(p);
  next_[p] = static_cast<int16_t>(p);
  chain_size_[p] = 1;
  libs_[p] = 0;
  lib_sum_[p] = 0;
  lib_sum_sq_[p] = 0;
  chain_hash_[p] = zobrist_key(c, p);
  hash_ ^= chain_hash_[p];
  ++stones_[c];
  for (int k = 0; k < 4; ++k) {
    const int n = p + offsets_[k];
    const uint8_t v = color_[n];
    if (v == kEmpty)
      add_liberty(p, n);
    else if (v < kEmpty)
      remove_liberty(chain_[n], p);  // once per adjacency: these are pseudo-liberties
  }
  for (int k = 0; k < 4; ++k) {
    const int n = p + offsets_[k];
    if (color_[n] == c && chain_[n] != chain_[p]) merge(chain_[p], chain_[n]);
  }
  const Color opp = opponent(c);
  int captured = 0;
  for (int k = 0; k < 4; ++k) {
    const int n = p + offsets_[k];
    if (color_[n] == opp && libs_[chain_[n]] == 0) captured += capture(chain_[n]);
  }
  return captured;
}

int GoBoard::liberties(int p) const {
  TP_CHECK(at(p) == kBlack || at(p) == kWhite, "no stone at point ", p);
  std::vector<uint8_t> marked(color_.size(), 0);
  int count = 0;
  int s = chain_[p];
  const int root = s;
  do {
    for (int k = 0; k < 4; ++k) {
      const int n = s + offsets_[k];
      if (color_[n] == kEmpty && !marked[n]) {
        marked[n] = 1;
        ++count;
      }
    }
    s = next_[s];
  } while (s != root);
  return count;
}

bool GoBoard::is_eye(int p, Color c) const {
  if (at(p) != kEmpty) return false;
  bool edge = false;
  for (int k = 0; k < 4; ++k) {
    const Color v = at(p + offsets_[k]);
    if (v == kBorder)
      edge = true;
    else if (v != c)
      return false;
  }
  const Color opp = opponent(c);
  const int s = stride();
  const int diagonals[4] = {-s - 1, -s + 1, s - 1, s + 1};
  int bad = 0;
  for (int d : diagonals) bad += at(p + d) == opp;
  return bad < (edge ? 1 : 2);
}

std::vector<Color> GoBoard::ownership() const {
  const int n = size_ * size_;
  std::vector<Color> owner(n, kEmpty);
  std::vector<uint8_t> done(color_.size(), 0);
  std::vector<int> region, stack;
  for (int r = 0; r < size_; ++r) {
    for (int c = 0; c < size_; ++c) {
      const int p = point(r, c);
      if (at(p) != kEmpty) {
        owner[r * size_ + c] = at(p);
        continue;
      }
      if (done[p]) continue;
      // Flood the empty region, noting which colours it reaches.
      bool reach[2] = {false, false};
      region.clear();
      stack.assign(1, p);
      done[p] = 1;
      while (!stack.empty()) {
        const int q = stack.back();
        stack.pop_back();
        region.push_back(q);
        for (int k = 0; k < 4; ++k) {
          const int m = q + offsets_[k];
          const Color v = at(m);
          if (v == kEmpty && !done[m]) {
            done[m] = 1;
            stack.push_back(m);
          } else if (v < kEmpty) {
            reach[v] = true;
          }
        }
      }
      const Color who = reach[0] && !reach[1] ? kBlack : reach[1] && !reach[0] ? kWhite : kEmpty;
      for (int q : region) owner[row_of(q) * size_ + col_of(q)] = who;
    }
  }
  return owner;
}

void GoBoard::area(int& black, int& white) const {
  black = white = 0;
  for (Color v : ownership()) {
    black += v == kBlack;
    white += v == kWhite;
  }
}

}  // namespace tp::envs::go
