#pragma once
// How LibTorch's OpenMP threads wait for work, fixed before any library starts
// (docs/performance.md: why, and what it measured).
#include <string>

namespace tp {

// The wait policy libgomp runs with, in words: the user's OMP_WAIT_POLICY or GOMP_SPINCOUNT
// when either is set, otherwise "passive", which torchplay sets before libgomp reads its
// environment.
std::string openmp_wait_policy();

}  // namespace tp
