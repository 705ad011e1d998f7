#include "core/runtime.h"

#include <dlfcn.h>
#include <malloc.h>
#include <sched.h>
#include <torch/torch.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <thread>

#include "core/cpu_load.h"
#include "core/error.h"
#include "core/thread_env.h"
#include "core/version.h"

namespace tp {

void seed_torch(uint64_t seed) { torch::manual_seed(seed); }

bool cuda_available() { return torch::cuda::is_available(); }

ThreadLayout init_runtime(const CommonOptions& common, CoreUse use) {
  const std::string& d = common.device;
  const bool is_cuda = d == "cuda" || d.rfind("cuda:", 0) == 0;
  TP_CHECK_AS(UsageError, d == "cpu" || is_cuda, "invalid --device '", d, "' (expected cpu or cuda)");
  TP_CHECK(!is_cuda || cuda_available(), "--device ", d, " requested but CUDA is not available in this LibTorch build");
  // More threads than 4 per core only make the pools spin against each other (1,000 turned a
  // 4.6 s job into 34 s; 100,000 never started).
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  TP_CHECK_AS(UsageError, common.threads >= 0 && common.threads <= 4 * cores, "--threads must be in [0, ", 4 * cores,
              "] (0: the default layout; this machine has ", cores, " cores)");
  // The default is one intra-op thread: on every workload measured (docs/performance.md) a
  // second one gained at most ~10% on an idle machine and lost more beside a busy process.
  // LibTorch's own default depends on how cpuinfo counts this CPU's cores, so it is never used.
  set_compute_threads(use == CoreUse::kIntraOp && common.threads > 0 ? common.threads : 1);
  keep_freed_buffers();
  seed_torch(common.seed);
  ThreadLayout layout = current_thread_layout();
  if (use == CoreUse::kWorkers || use == CoreUse::kDataParallel) layout.workers = worker_threads(common, layout);
  if (use == CoreUse::kDataParallel && common.threads == 0 && layout.workers > 1 && load_aware()) {
    const double busy = busy_cores(affinity_cpus(), 0.2);
    const int free_cores = std::max(1, layout.cores - static_cast<int>(std::lround(std::max(0.0, busy))));
    if (free_cores < layout.workers) {
      std::ostringstream note;
      note << std::fixed << std::setprecision(1) << "other processes kept " << busy << " of " << layout.cores
           << " cores busy at the start: " << free_cores << (free_cores == 1 ? " part" : " parts");
      layout.note = note.str();
      layout.workers = free_cores;
    }
  }
  if (use == CoreUse::kOneIntraOp && common.threads > 1)
    layout.note = "--threads " + std::to_string(common.threads) +
                  " kept one intra-op thread: this network's products are too small to split";
  return layout;
}

int worker_threads(const CommonOptions& common, const ThreadLayout& layout) {
  return common.threads > 0 ? common.threads : layout.cores;
}

void set_compute_threads(int threads) {
  TP_CHECK(threads > 0, "thread count must be > 0");
  torch::set_num_threads(threads);
  // OpenBLAS (Debian's pthread build) keeps its own pool beside LibTorch's; see runtime.h.
  using SetThreads = void (*)(int);
  if (auto set_blas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set_blas(1);
}

ThreadLayout current_thread_layout() {
  ThreadLayout layout;
  cpu_set_t set;
  CPU_ZERO(&set);
  layout.cores = sched_getaffinity(0, sizeof(set), &set) == 0
                     ? CPU_COUNT(&set)
                     : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  layout.intra_op = torch::get_num_threads();
  using GetThreads = int (*)();
  auto get_blas = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  layout.blas = get_blas ? get_blas() : 1;
  layout.openmp_wait = openmp_wait_policy();
  return layout;
}

std::string describe(const ThreadLayout& layout) {
  std::ostringstream os;
  if (layout.workers > 1) os << layout.workers << " workers, ";
  os << layout.intra_op << " intra-op (LibTorch/OpenMP)" << (layout.workers > 1 ? " each, " : ", ") << layout.blas
     << " OpenBLAS, OpenMP wait " << layout.openmp_wait << ", " << layout.cores
     << (layout.cores == 1 ? " core" : " cores");
  if (!layout.note.empty()) os << " (" << layout.note << ")";
  return os.str();
}

void keep_freed_buffers() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // glibc deletes a thread arena's emptied heap unless the top pad asks to keep more than a
  // heap can hold (heap_trim: 64 MiB heaps on 64-bit); the main arena's heap then also grows
  // 64 MiB of address space at a time, which costs nothing until touched.
  mallopt(M_TOP_PAD, 64 << 20);
}

namespace {
// Which shared library provides sgemm_ at run time (Debian switches BLAS by alternatives).
std::string loaded_blas() {
  void* sym = dlsym(RTLD_DEFAULT, "sgemm_");
  if (!sym) return "unknown (no sgemm_ symbol)";
  Dl_info info{};
  if (!dladdr(sym, &info) || !info.dli_fname) return "unknown";
  char resolved[PATH_MAX];
  if (realpath(info.dli_fname, resolved)) return resolved;
  return info.dli_fname;
}
}  // namespace

std::string version_report() {
  std::ostringstream os;
  os << "torchplay " << TORCHPLAY_VERSION << "\n"
     << "LibTorch " << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "." << TORCH_VERSION_PATCH << "\n"
     << "BLAS " << loaded_blas() << "\n"
     << "threads " << describe(current_thread_layout()) << "\n"
     << "CUDA " << (cuda_available() ? "available" : "not available") << "\n";
  return os.str();
}

}  // namespace tp
