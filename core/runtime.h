#pragma once
// Process set-up shared by every command: the one seeding entry point, thread count and
// device check, and the version/BLAS report.
#include <string>

#include "core/options.h"

namespace tp {

// How torchplay's work is spread over threads (docs/performance.md has the measurements
// behind these choices).
struct ThreadLayout {
  int cores = 1;            // cores this process may run on (its CPU affinity)
  int workers = 1;          // threads of the command's own that work side by side (self-play)
  int intra_op = 1;         // LibTorch's OpenMP intra-op threads
  int blas = 1;             // OpenBLAS threads
  std::string openmp_wait;  // how idle OpenMP threads wait (core/thread_env.h)
  std::string note;         // why the layout differs from what --threads asked ("": it does not)
};

// What a command does with the cores --threads gives it.
enum class CoreUse {
  kIntraOp,  // --threads N: N LibTorch intra-op threads; 0: one
  kWorkers,  // --threads N: N workers with one intra-op thread each; 0: one per core
  // --threads N: N data-parallel parts with one intra-op thread each; 0: one per core that
  // other processes leave free at the start (sampled for 0.2 s; core/cpu_load.h). Parts meet
  // at every step, so a part on a core shared with a busy process holds the others back:
  // beside one, two parts ran 0.77-0.88x of one (the VAE; docs/performance.md).
  kDataParallel,
  // --threads N: one intra-op thread whatever N. For commands whose products are too small to
  // split (DQN's MLP and MinAtar networks): a second intra-op thread only waits at each
  // operator's fork-join, 0.5-1.0x idle and 2-3.5x slower beside a busy process
  // (docs/performance.md), so --threads is how many cores they may use, not how many they split
  // each product over.
  kOneIntraOp,
};

// Seeds LibTorch's generator, applies the thread layout for --threads and validates --device
// (UsageError for a malformed device or thread count, Error when CUDA is asked for but
// unavailable). Returns the layout applied.
ThreadLayout init_runtime(const CommonOptions& common, CoreUse use = CoreUse::kIntraOp);
// The threads a command's own workers take: --threads N, or one per core of `layout` for 0.
int worker_threads(const CommonOptions& common, const ThreadLayout& layout);
// `threads` LibTorch intra-op threads (> 0) and one OpenBLAS thread: OpenBLAS splits each
// product statically over its own spinning threads, which beside one busy process made DCGAN
// 6-9x slower.
void set_compute_threads(int threads);
// The layout in effect now, read back from LibTorch and OpenBLAS (one worker).
ThreadLayout current_thread_layout();
// One line, e.g. "1 intra-op (LibTorch/OpenMP), 1 OpenBLAS, OpenMP wait passive, 2 cores";
// with workers, "2 workers, 1 intra-op (LibTorch/OpenMP) each, ...".
std::string describe(const ThreadLayout& layout);
// Makes glibc keep freed buffers of up to 32 MiB in the heap instead of returning each one
// to the kernel (its default for blocks over 128 KiB): a forward pass over a batch allocates
// and frees activation buffers of that size every call, and mapping them afresh cost ~17% of
// batched AlphaZero self-play in page faults (perf). The same for threads other than the
// main one: glibc gives each its own arena of 64 MiB heaps and unmaps a heap once it is all
// free, so a data-parallel part whose activations outgrow one heap mapped a new one, and
// faulted its pages in, nearly every step (DCGAN ngf 64 on two parts: up to 151 thousand page
// faults in a benchmark run, 62-65 thousand with heaps kept; docs/performance.md). Called by
// init_runtime.
void keep_freed_buffers();
// Seeds LibTorch's default generator (C++ components own tp::Rng seeded from the same seed).
void seed_torch(uint64_t seed);
bool cuda_available();
// torchplay version, LibTorch version, the BLAS library actually loaded, the thread layout in
// effect.
std::string version_report();

}  // namespace tp
