#pragma once
// A small, fast, serializable random generator (xoshiro256**, seeded through splitmix64).
// Every component owns its own Rng (no global RNG); its state is four integers, so it
// round-trips through checkpoints and env state vectors exactly.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tp {

class Rng {
 public:
  using result_type = uint64_t;
  using State = std::array<uint64_t, 4>;

  explicit Rng(uint64_t seed = 0) { seed_with(seed); }

  void seed_with(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) s = splitmix64(x);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<uint64_t>::max(); }

  result_type operator()() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; negligible bias for small n).
  uint32_t below(uint32_t n) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>((*this)() >> 32) * n) >> 32);
  }
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal (Box-Muller, no cached second value, so the state stays four integers).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // An index drawn with probability proportional to its weight (weights >= 0, some > 0; a
  // zero weight is never drawn): one uniform draw walked down the running sum.
  size_t weighted_index(const std::vector<double>& weights) {
    double total = 0.0;
    for (double w : weights) total += w;
    double r = uniform() * total;
    size_t last = 0;  // where rounding leaves r >= 0 after the walk: the last drawable index
    for (size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] <= 0.0) continue;
      last = i;
      if ((r -= weights[i]) < 0.0) return i;
    }
    return last;
  }
  // An independent generator for a child component (derived from this stream).
  Rng split() { return Rng((*this)()); }

  const State& state() const { return s_; }
  void set_state(const State& s) { s_ = s; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  State s_{};
};

// Rng state as doubles (eight exact 32-bit halves), for Env::get_state/set_state vectors.
inline void append_rng_state(std::vector<double>& out, const Rng& rng) {
  for (uint64_t w : rng.state()) {
    out.push_back(static_cast<double>(w >> 32));
    out.push_back(static_cast<double>(w & 0xffffffffULL));
  }
}
inline void read_rng_state(const double* in, Rng& rng) {
  Rng::State s;
  for (size_t i = 0; i < 4; ++i) s[i] = (static_cast<uint64_t>(in[2 * i]) << 32) | static_cast<uint64_t>(in[2 * i + 1]);
  rng.set_state(s);
}
constexpr size_t kRngStateDoubles = 8;

}  // namespace tp
