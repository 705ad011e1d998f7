#pragma once
// The get_state()/set_state() layout every classic-control env shares: its physics values,
// then the elapsed steps, the done flag and the random generator's state. The physics values
// alone (e.g. a recorded Gymnasium state) start a fresh episode.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace tp::envs {

template <size_t N>
std::vector<double> pack_classic_state(const std::array<double, N>& physics, int elapsed, bool done, const Rng& rng) {
  std::vector<double> st(physics.begin(), physics.end());
  st.push_back(elapsed);
  st.push_back(done ? 1.0 : 0.0);
  append_rng_state(st, rng);
  return st;
}

// Reads `st` into the env's fields, or throws tp::Error naming `env_id` (a wrong size, a
// non-finite physics value, elapsed steps outside [0, max_steps]) before changing any of them.
template <size_t N>
void unpack_classic_state(const std::vector<double>& st, const std::string& env_id, int max_steps,
                          std::array<double, N>& physics, int& elapsed, bool& done, Rng& rng) {
  const size_t full = N + 2 + kRngStateDoubles;
  TP_CHECK(st.size() == N || st.size() == full, env_id, ": state needs ", N, " or ", full, " values, got ", st.size());
  TP_CHECK(std::all_of(st.begin(), st.begin() + N, [](double v) { return std::isfinite(v); }), env_id,
           ": state values must be finite");
  if (st.size() == full) TP_CHECK(st[N] >= 0 && st[N] <= max_steps, env_id, ": elapsed steps ", st[N], " out of range");
  std::copy(st.begin(), st.begin() + N, physics.begin());
  if (st.size() == N) {  // physics only: a fresh episode
    elapsed = 0;
    done = false;
    return;
  }
  elapsed = static_cast<int>(st[N]);
  done = st[N + 1] != 0.0;
  read_rng_state(st.data() + N + 2, rng);
}

}  // namespace tp::envs
