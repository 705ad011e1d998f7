#pragma once
// Process set-up shared by every command: the one seeding entry point, thread count and
// device check, and the version/BLAS report.
#include <string>

#include "core/options.h"

namespace tp {

// Seeds LibTorch's generator, sets its thread count and validates --device
// (UsageError for a malformed device, Error when CUDA is asked for but unavailable).
void init_runtime(const CommonOptions& common);
// Bounds LibTorch's intra-op pool and OpenBLAS's own pool to `threads` (> 0).
void set_compute_threads(int threads);
// Makes glibc keep freed buffers of up to 32 MiB in the heap instead of returning each one
// to the kernel (its default for blocks over 128 KiB): a forward pass over a batch allocates
// and frees activation buffers of that size every call, and mapping them afresh cost ~17% of
// batched AlphaZero self-play in page faults (perf). Called by init_runtime.
void keep_freed_buffers();
// Seeds LibTorch's default generator (C++ components own tp::Rng seeded from the same seed).
void seed_torch(uint64_t seed);
bool cuda_available();
// torchplay version, LibTorch version, the BLAS library actually loaded, thread count.
std::string version_report();

}  // namespace tp
