#pragma once
// Small pieces shared by the two files that see c10d (process_group.cpp and
// key_value_store.cpp): the store's byte vectors as strings, and c10d's logging silenced.
#include <glog/logging.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace tp::c10d_support {

inline std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
inline std::string text_of(const std::vector<uint8_t>& v) { return {v.begin(), v.end()}; }
// c10d's messages are several lines with a C++ backtrace: the first line says what happened.
inline std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// c10d logs each failed bind and connect attempt (through glog) before it throws; torchplay's
// error says it once, in one line.
class QuietC10dLog {
 public:
  QuietC10dLog() : level_(FLAGS_minloglevel) { FLAGS_minloglevel = std::max(level_, google::GLOG_FATAL); }
  ~QuietC10dLog() { FLAGS_minloglevel = level_; }
  QuietC10dLog(const QuietC10dLog&) = delete;
  QuietC10dLog& operator=(const QuietC10dLog&) = delete;

 private:
  int level_;
};

}  // namespace tp::c10d_support
