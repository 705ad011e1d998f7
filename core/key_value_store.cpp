#include "core/key_value_store.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <thread>

#include "core/c10d_support.h"
#include "core/text.h"

namespace tp {

using c10d_support::bytes_of;
using c10d_support::first_line;
using c10d_support::text_of;

TcpAddress parse_tcp_url(const std::string& url, const std::string& option) {
  const std::string prefix = "tcp://";
  const auto colon = url.rfind(':');
  TP_CHECK_AS(UsageError, url.rfind(prefix, 0) == 0 && colon != std::string::npos && colon > prefix.size(), option,
              " '", printable(url), "' is not tcp://HOST:PORT");
  TcpAddress a;
  a.host = url.substr(prefix.size(), colon - prefix.size());
  if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  const std::string port = url.substr(colon + 1);
  size_t used = 0;
  long value = -1;
  try {
    value = std::stol(port, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  TP_CHECK_AS(UsageError, used == port.size() && used > 0, option, " '", printable(url), "': the port '",
              printable(port), "' is not a number");
  TP_CHECK_AS(UsageError, value > 0 && value < 65536, option, " '", printable(url), "': the port ", value,
              " is outside 1..65535");
  a.port = static_cast<int>(value);
  return a;
}

struct KeyValueStore::Impl {
  std::unique_ptr<c10d_support::WatchConnectionPlug> plug;  // outlives the store
  c10::intrusive_ptr<c10d::TCPStore> store;
};

namespace {

// A store operation waits this long for an answer; the server answers at once unless it is
// gone, and a closed connection fails at once.
constexpr double kOperationTimeoutS = 120;

c10d::TCPStoreOptions store_options(int port, bool server, double timeout_s) {
  c10d::TCPStoreOptions o;
  o.port = static_cast<uint16_t>(port);
  o.isServer = server;
  o.waitWorkers = false;
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  return o;
}

}  // namespace

KeyValueStore::KeyValueStore(std::unique_ptr<Impl> impl, TcpAddress address)
    : impl_(std::move(impl)), address_(std::move(address)) {}
KeyValueStore::~KeyValueStore() = default;

std::unique_ptr<KeyValueStore> KeyValueStore::serve(int port) {
  const c10d_support::QuietC10dLog quiet;
  auto impl = std::make_unique<Impl>();
  try {
    impl->store = c10::make_intrusive<c10d::TCPStore>("0.0.0.0", store_options(port, true, kOperationTimeoutS));
  } catch (const std::exception& e) {
    const std::string what = e.what();
    TP_THROW(Error, "cannot serve on port ", port,
             what.find("in use") != std::string::npos || what.find("EADDRINUSE") != std::string::npos
                 ? " (the port is in use: pick another)"
                 : "",
             ": ", printable(first_line(what), 200));
  }
  return std::unique_ptr<KeyValueStore>(new KeyValueStore(std::move(impl), {"0.0.0.0", port}));
}

std::unique_ptr<KeyValueStore> KeyValueStore::connect(const TcpAddress& address, double timeout_s) {
  const c10d_support::QuietC10dLog quiet;
  auto impl = std::make_unique<Impl>();
  // The constructor retries until its timeout; a connection refused early is retried here too
  // (a server that is restarting).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(int64_t(timeout_s * 1000));
  while (true) {
    try {
      const double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
      const auto before = c10d_support::WatchConnectionPlug::sockets_to(address.port);
      impl->store = c10::make_intrusive<c10d::TCPStore>(
          address.host, store_options(address.port, false, std::max(1.0, std::min(left, kOperationTimeoutS))));
      impl->plug = std::make_unique<c10d_support::WatchConnectionPlug>(before, address.port,
                                                                       [&] { impl->store->set("tpkv/client", {}); });
      impl->store->setTimeout(std::chrono::milliseconds(int64_t(kOperationTimeoutS * 1000)));
      return std::unique_ptr<KeyValueStore>(new KeyValueStore(std::move(impl), address));
    } catch (const std::exception&) {
      impl->store.reset();  // a store half set up goes at once, its watch thread with it
      impl->plug.reset();
      if (std::chrono::steady_clock::now() >= deadline)
        TP_THROW(ConnectionLost, "nothing answers at ", address.str(), " within ", timeout_s, " s");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

template <class Call>
auto KeyValueStore::guarded(const char* what, Call&& call) -> decltype(call()) {
  try {
    return call();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    TP_THROW(ConnectionLost, "the store at ", address_.str(), " failed a ", what, ": ",
             printable(first_line(e.what()), 200));
  }
}

void KeyValueStore::set(const std::string& key, const std::string& value) {
  guarded("set", [&] { impl_->store->set(key, bytes_of(value)); });
  bytes_sent_ += static_cast<int64_t>(value.size());
}

std::optional<std::string> KeyValueStore::get(const std::string& key) {
  auto value = guarded("get", [&]() -> std::optional<std::string> {
    if (!impl_->store->check({key})) return std::nullopt;
    return text_of(impl_->store->get(key));
  });
  if (value) bytes_received_ += static_cast<int64_t>(value->size());
  return value;
}

int64_t KeyValueStore::add(const std::string& key, int64_t delta) {
  return guarded("add", [&] { return impl_->store->add(key, delta); });
}

bool KeyValueStore::has(const std::string& key) {
  return guarded("check", [&] { return impl_->store->check({key}); });
}

void KeyValueStore::erase(const std::string& key) {
  guarded("delete", [&] { impl_->store->deleteKey(key); });
}

}  // namespace tp
