#pragma once
// Small pieces shared by the two files that see c10d (process_group.cpp and
// key_value_store.cpp): the store's byte vectors as strings, and c10d's logging silenced.
#include <glog/logging.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>
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

// c10d 1.13's TCPStore client opens a second connection, used only by watchKey(), and reads it
// on a thread of its own. That thread aborts the whole process (an uncaught std::system_error)
// when the connection is reset, as by a server killed at the wrong moment, and spins on it
// once the server has closed it. torchplay never watches keys, so a client retires that
// connection right after connecting: the thread is handed a local socket that never speaks
// again, and the real connection is shut. Usage:
//   auto before = WatchConnectionPlug::sockets_to(port);
//   store = make_intrusive<TCPStore>(host, client options);
//   WatchConnectionPlug plug(before, port, [&] { store->set("k", {}); });  // destroy it after the store
class WatchConnectionPlug {
 public:
  // The sockets this process holds whose peer port is `port`.
  static std::set<int> sockets_to(int port);
  // Retires the watch connection: of the two sockets to `port` opened since `before`, the one
  // that has sent nothing after `query` (a request on the store that needs no answer, such as
  // a set) was sent on the other. Does nothing when the two cannot be told apart.
  WatchConnectionPlug(const std::set<int>& before, int port, const std::function<void()>& query);
  ~WatchConnectionPlug();
  WatchConnectionPlug(const WatchConnectionPlug&) = delete;
  WatchConnectionPlug& operator=(const WatchConnectionPlug&) = delete;
  bool plugged() const { return spare_ >= 0; }

 private:
  int spare_ = -1;  // our end of the socket pair the watch thread now reads
};

}  // namespace tp::c10d_support
