#pragma once
// How busy other processes keep this machine's cores: what a command samples at its start to
// choose how many parts to split its work into (docs/performance.md, "Load-aware parts").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tp {

// Jiffies one CPU spent working (user, nice, system, irq, softirq) and in all (the same plus
// idle and iowait; steal and guest time are left out: a guest's time is already in user).
struct CpuTimes {
  uint64_t busy = 0;
  uint64_t total = 0;
};

// The per-CPU lines ("cpu0 ...", "cpu1 ...") of /proc/stat's text, by CPU number. Lines it
// does not know are skipped; a malformed cpuN line throws Error.
std::map<int, CpuTimes> parse_proc_stat(const std::string& text);

// How many of `cpus` were busy, summed over them (0 .. cpus.size()), in the `seconds` this
// call sleeps; every process counts, this one included. -1 when /proc/stat cannot be read.
double busy_cores(const std::vector<int>& cpus, double seconds);

// The CPUs this process may run on (its affinity set).
std::vector<int> affinity_cpus();

// False when TORCHPLAY_LOAD_AWARE=0 is set (the test suite sets it, so that its runs do not
// depend on what else the machine runs).
bool load_aware();

}  // namespace tp
