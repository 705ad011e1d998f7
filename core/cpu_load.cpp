#include "core/cpu_load.h"

#include <sched.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.h"

namespace tp {

std::map<int, CpuTimes> parse_proc_stat(const std::string& text) {
  std::map<int, CpuTimes> cpus;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    // "cpu " is the sum over all CPUs; only "cpuN" lines count here.
    if (line.size() < 4 || line.compare(0, 3, "cpu") != 0 || line[3] < '0' || line[3] > '9') continue;
    std::istringstream fields(line.substr(3));
    int cpu = -1;
    uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    fields >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    TP_CHECK(!fields.fail() && cpu >= 0, "malformed /proc/stat line '", line.substr(0, 80), "'");
    const uint64_t busy = user + nice + system + irq + softirq;
    cpus[cpu] = CpuTimes{busy, busy + idle + iowait};
  }
  return cpus;
}

namespace {
bool read_proc_stat(std::map<int, CpuTimes>& out) {
  std::ifstream in("/proc/stat");
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  out = parse_proc_stat(text.str());
  return !out.empty();
}
}  // namespace

double busy_cores(const std::vector<int>& cpus, double seconds) {
  std::map<int, CpuTimes> before, after;
  if (!read_proc_stat(before)) return -1;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  if (!read_proc_stat(after)) return -1;
  double busy = 0;
  for (int cpu : cpus) {
    const auto b = before.find(cpu), a = after.find(cpu);
    if (b == before.end() || a == after.end()) continue;
    const uint64_t total = a->second.total - b->second.total;
    if (total > 0) busy += static_cast<double>(a->second.busy - b->second.busy) / static_cast<double>(total);
  }
  return busy;
}

std::vector<int> affinity_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

bool load_aware() {
  const char* v = std::getenv("TORCHPLAY_LOAD_AWARE");
  return !(v && std::string(v) == "0");
}

}  // namespace tp
