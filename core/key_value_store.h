#pragma once
// A c10d TCPStore as a channel between processes that come and go (distributed AlphaZero's
// learner and its self-play actors, docs/distributed.md): one process serves it, any number
// of clients connect, leave, die and reconnect. Unlike ProcessGroup there is no fixed world
// and no collective: only keys, values and counters. The c10d headers stay in the .cpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"

namespace tp {

// The store's other end went away (the server's process died, the network broke): a client
// may reconnect (KeyValueStore::connect) and carry on.
class ConnectionLost : public Error {
 public:
  using Error::Error;
};

struct TcpAddress {
  std::string host;
  int port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

// "tcp://HOST:PORT" (HOST may be [v6]); UsageError naming `option` otherwise.
TcpAddress parse_tcp_url(const std::string& url, const std::string& option);

class KeyValueStore {
 public:
  // Serves a store on `port` (every interface). Error when the port is taken.
  static std::unique_ptr<KeyValueStore> serve(int port);
  // Connects to the store at `address`, trying for up to `timeout_s` seconds. ConnectionLost
  // when nothing answers in that time.
  static std::unique_ptr<KeyValueStore> connect(const TcpAddress& address, double timeout_s);
  ~KeyValueStore();
  KeyValueStore(const KeyValueStore&) = delete;
  KeyValueStore& operator=(const KeyValueStore&) = delete;

  // Every call below throws ConnectionLost when the other end is gone.
  void set(const std::string& key, const std::string& value);
  // The value, or nullopt when the key is not set (never waits for it).
  std::optional<std::string> get(const std::string& key);
  // Adds `delta` to the counter at `key` (0 when unset) and returns the new value; add(key, 0)
  // reads it. One atomic step on the server, so concurrent clients each get their own value.
  int64_t add(const std::string& key, int64_t delta);
  bool has(const std::string& key);
  void erase(const std::string& key);

  const TcpAddress& address() const { return address_; }
  // Bytes of values this end has sent with set() and received with get().
  int64_t bytes_sent() const { return bytes_sent_; }
  int64_t bytes_received() const { return bytes_received_; }

 private:
  struct Impl;
  KeyValueStore(std::unique_ptr<Impl> impl, TcpAddress address);
  template <class Call>
  auto guarded(const char* what, Call&& call) -> decltype(call());
  std::unique_ptr<Impl> impl_;
  TcpAddress address_;
  int64_t bytes_sent_ = 0, bytes_received_ = 0;
};

}  // namespace tp
