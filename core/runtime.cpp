#include "core/runtime.h"

#include <dlfcn.h>
#include <malloc.h>
#include <torch/torch.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/version.h"

namespace tp {

void seed_torch(uint64_t seed) { torch::manual_seed(seed); }

bool cuda_available() { return torch::cuda::is_available(); }

void init_runtime(const CommonOptions& common) {
  const std::string& d = common.device;
  const bool is_cuda = d == "cuda" || d.rfind("cuda:", 0) == 0;
  TP_CHECK_AS(UsageError, d == "cpu" || is_cuda, "invalid --device '", d, "' (expected cpu or cuda)");
  TP_CHECK(!is_cuda || cuda_available(), "--device ", d, " requested but CUDA is not available in this LibTorch build");
  // More threads than 4 per core only make the pools spin against each other (1,000 turned a
  // 4.6 s job into 34 s; 100,000 never started).
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  TP_CHECK_AS(UsageError, common.threads >= 0 && common.threads <= 4 * cores, "--threads must be in [0, ", 4 * cores,
              "] (0: one per core; this machine has ", cores, " cores)");
  if (common.threads > 0) set_compute_threads(common.threads);
  keep_freed_buffers();
  seed_torch(common.seed);
}

void set_compute_threads(int threads) {
  TP_CHECK(threads > 0, "thread count must be > 0");
  torch::set_num_threads(threads);
  // OpenBLAS (Debian's pthread build) keeps its own thread pool that must be bounded too: its
  // spinning workers cost more than they give on small matrices.
  using SetThreads = void (*)(int);
  if (auto set_blas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set_blas(threads);
}

void keep_freed_buffers() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
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
     << "threads " << torch::get_num_threads() << "\n"
     << "CUDA " << (cuda_available() ? "available" : "not available") << "\n";
  return os.str();
}

}  // namespace tp
