// core/cpu_load.h: /proc/stat's per-CPU counters parsed, and a busy core seen as busy.
#include "core/cpu_load.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/error.h"

namespace tp {
namespace {

TEST(CpuLoad, ParsesThePerCpuLinesOfProcStat) {
  const auto cpus = parse_proc_stat(
      "cpu  300 0 60 700 10 0 5 0 0 0\n"
      "cpu0 100 0 20 300 5 0 2 7 0 0\n"
      "cpu1 200 1 40 400 5 3 3 0 0 0\n"
      "intr 12345 0 0\n"
      "ctxt 999\n");
  ASSERT_EQ(cpus.size(), 2u);
  EXPECT_EQ(cpus.at(0).busy, 122u);   // user + nice + system + irq + softirq; steal (7) left out
  EXPECT_EQ(cpus.at(0).total, 427u);  // busy + idle + iowait
  EXPECT_EQ(cpus.at(1).busy, 247u);
  EXPECT_EQ(cpus.at(1).total, 652u);
  EXPECT_THROW(parse_proc_stat("cpu0 1 2\n"), Error);
  EXPECT_TRUE(parse_proc_stat("").empty());
}

// A thread spinning through the whole sample keeps one core busy (others may add to it).
TEST(CpuLoad, SeesASpinningThreadAsABusyCore) {
  const std::vector<int> cpus = affinity_cpus();
  ASSERT_FALSE(cpus.empty());
  EXPECT_GE(busy_cores(cpus, 0.05), 0.0);
  std::atomic<bool> stop{false};
  std::thread spinner([&] {
    while (!stop.load(std::memory_order_relaxed)) {
    }
  });
  const double busy = busy_cores(cpus, 0.3);
  stop = true;
  spinner.join();
  EXPECT_GE(busy, 0.7);
  EXPECT_LE(busy, cpus.size() + 0.01);
}

}  // namespace
}  // namespace tp
