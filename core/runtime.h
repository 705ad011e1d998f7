#pragma once
// Process set-up shared by every command: the one seeding entry point, thread count and
// device check, and the version/BLAS report.
#include <string>

#include "core/options.h"

namespace tp {

// Seeds LibTorch's generator, sets its thread count and validates --device
// (UsageError for a malformed device, Error when CUDA is asked for but unavailable).
void init_runtime(const CommonOptions& common);
// Seeds LibTorch's default generator (C++ components own tp::Rng seeded from the same seed).
void seed_torch(uint64_t seed);
bool cuda_available();
// torchplay version, LibTorch version, the BLAS library actually loaded, thread count.
std::string version_report();

}  // namespace tp
