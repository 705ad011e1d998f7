// PartPool: every part runs once per run, part 0 on the calling thread, the others on their
// own threads at the same time; a part's exception reaches the caller and the pool survives.
#include "core/part_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tp {
namespace {

TEST(PartPool, RunsEveryPartOncePerRunWithPartZeroOnTheCaller) {
  PartPool pool(3);
  EXPECT_EQ(pool.parts(), 3);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::atomic<int>> calls(3);
    std::vector<std::thread::id> threads(3);
    pool.run([&](int part) {
      calls[static_cast<size_t>(part)]++;
      threads[static_cast<size_t>(part)] = std::this_thread::get_id();
    });
    for (int p = 0; p < 3; ++p) ASSERT_EQ(calls[static_cast<size_t>(p)].load(), 1) << "part " << p;
    EXPECT_EQ(threads[0], std::this_thread::get_id());
    EXPECT_NE(threads[1], threads[0]);
    EXPECT_NE(threads[2], threads[1]);
  }
}

TEST(PartPool, PartsRunAtTheSameTime) {
  // Each part waits until both have started: this returns only if they overlap.
  PartPool pool(2);
  std::atomic<int> started{0};
  pool.run([&](int) {
    started++;
    while (started.load() < 2) std::this_thread::yield();
  });
  EXPECT_EQ(started.load(), 2);
}

TEST(PartPool, AnExceptionReachesTheCallerAfterEveryPartFinished) {
  PartPool pool(2);
  std::atomic<int> finished{0};
  EXPECT_THROW(pool.run([&](int part) {
    finished++;
    if (part == 1) throw std::runtime_error("part 1 failed");
  }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 2);
  int ran = 0;
  pool.run([&](int part) {
    if (part == 0) ++ran;
  });
  EXPECT_EQ(ran, 1);
  EXPECT_THROW(PartPool(0), std::exception);
}

}  // namespace
}  // namespace tp
