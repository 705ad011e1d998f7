#include "core/part_pool.h"

#include "core/error.h"

namespace tp {

PartPool::PartPool(int parts) {
  TP_CHECK(parts >= 1, "a PartPool needs at least one part, got ", parts);
  errors_.assign(static_cast<size_t>(parts), nullptr);
  for (int p = 1; p < parts; ++p) workers_.emplace_back(&PartPool::worker_loop, this, p);
}

PartPool::~PartPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void PartPool::worker_loop(int part) {
  uint64_t seen = 0;
  while (true) {
    const std::function<void(int)>* job = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = job_;
    }
    try {
      (*job)(part);
    } catch (...) {
      errors_[static_cast<size_t>(part)] = std::current_exception();
    }
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last = --pending_ == 0;
    }
    if (last) done_cv_.notify_one();
  }
}

void PartPool::run(const std::function<void(int part)>& part) {
  if (!workers_.empty()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &part;
      pending_ = static_cast<int>(workers_.size());
      ++generation_;
    }
    start_cv_.notify_all();
  }
  try {
    part(0);
  } catch (...) {
    errors_[0] = std::current_exception();
  }
  if (!workers_.empty()) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [&] { return pending_ == 0; });
  }
  for (auto& e : errors_)
    if (e) {
      std::exception_ptr err = e;
      for (auto& x : errors_) x = nullptr;
      std::rethrow_exception(err);
    }
}

}  // namespace tp
