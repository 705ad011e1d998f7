#pragma once
// A flat little-endian record of numbers and arrays, as distributed actors send their
// batches to a learner (agents/alphazero/self_play_batch.h, agents/dqn/transition_batch.h).
// The reader checks every length against what is left, so a short or corrupt record is a
// DataError naming its origin, never a read past the end.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"

namespace tp {

class RecordWriter {
 public:
  template <class T>
  void put(T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void array(const std::vector<T>& v) {
    if (!v.empty()) out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string out;
};

class RecordReader {
 public:
  // `what` names the record in errors ("self-play batch from actor 3").
  RecordReader(const std::string& in, std::string what) : in_(in), what_(std::move(what)) {}
  template <class T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  template <class T>
  void array(std::vector<T>& v, size_t n) {
    if (n > left() / sizeof(T)) fail("it ends early");
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));  // an empty vector's data() may be null
  }
  // n bytes widened to floats (arrays of small whole numbers travel as bytes).
  void byte_floats(std::vector<float>& v, size_t n) {
    const auto* p = reinterpret_cast<const uint8_t*>(take(n));
    v.assign(p, p + n);
  }
  // Skips the record's marker, or fails when it does not start with it.
  void expect_marker(const char* marker, size_t size) {
    if (in_.size() < size || std::memcmp(in_.data(), marker, size) != 0) fail("it does not start with its marker");
    take(size);
  }
  size_t left() const { return in_.size() - at_; }
  [[noreturn]] void fail(const std::string& why) const { TP_THROW(DataError, what_, " is corrupt: ", why); }

 private:
  const char* take(size_t n) {
    if (n > left()) fail("it ends early");
    const char* p = in_.data() + at_;
    at_ += n;
    return p;
  }
  const std::string& in_;
  std::string what_;
  size_t at_ = 0;
};

// Whether every value is a whole number in 0..255 (then it travels as a byte).
inline bool fits_bytes(const float* v, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!(v[i] >= 0.f && v[i] <= 255.f && v[i] == std::floor(v[i]))) return false;
  return true;
}

}  // namespace tp
