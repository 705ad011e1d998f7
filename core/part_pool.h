#pragma once
// PartPool: runs one function on `parts` threads at once, part 0 on the calling thread and
// part p >= 1 on a worker thread kept for the pool's lifetime, and returns when every part
// is done. It is the one worker pool behind VecEnv's env shards and nets::DataParallel's
// batch shards. Workers sleep on a condition variable between runs: a thread that only
// waits must not take a core from one that works (docs/performance.md).
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tp {

class PartPool {
 public:
  // parts >= 1; parts - 1 worker threads.
  explicit PartPool(int parts);
  ~PartPool();
  PartPool(const PartPool&) = delete;
  PartPool& operator=(const PartPool&) = delete;

  int parts() const { return static_cast<int>(workers_.size()) + 1; }
  // Calls part(p) for every p in [0, parts()), concurrently, and waits for all of them. An
  // exception from any part is rethrown here after every part finished (the lowest part's
  // first); the pool stays usable.
  void run(const std::function<void(int part)>& part);

 private:
  void worker_loop(int part);

  std::vector<std::thread> workers_;
  std::vector<std::exception_ptr> errors_;  // one per part
  const std::function<void(int)>* job_ = nullptr;
  std::mutex mutex_;
  std::condition_variable start_cv_, done_cv_;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
};

}  // namespace tp
