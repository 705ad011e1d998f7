#include "core/thread_env.h"

#include <cstdlib>

namespace tp {
namespace {

// libgomp reads OMP_WAIT_POLICY once, in its constructor, before main() runs. By default its
// idle workers spin 300,000 times after every parallel region; beside another busy process a
// spinning or descheduled worker makes each small region wait for a scheduler time slice (a
// DQN run took 16.1 s with two threads against 5.0 s with one; passive: 5.5 s). Passive
// workers sleep on a futex and are woken first when work arrives.
//
// The executable's .preinit_array runs before every shared library's constructor, so this
// is the one place early enough. It never overrides a user's own setting. (glibc gives main()
// the original environment again, which is why openmp_wait_policy() below does not read the
// variable back.)
void set_passive_openmp_wait(int, char**, char**) {
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT")) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
}

// The linker keeps this object (and so the entry) in every executable that links
// openmp_wait_policy(), which init_runtime does.
__attribute__((section(".preinit_array"), used)) void (*const preinit_entry)(int, char**,
                                                                             char**) = &set_passive_openmp_wait;

}  // namespace

std::string openmp_wait_policy() {
  if (const char* p = std::getenv("OMP_WAIT_POLICY")) return std::string("OMP_WAIT_POLICY=") + p;
  if (const char* s = std::getenv("GOMP_SPINCOUNT")) return std::string("GOMP_SPINCOUNT=") + s;
  return "passive";
}

}  // namespace tp
