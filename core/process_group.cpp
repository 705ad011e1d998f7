#include "core/process_group.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <thread>

#include "core/c10d_support.h"
#include "core/error.h"
#include "core/key_value_store.h"
#include "core/options.h"
#include "core/text.h"

namespace tp {

using c10d_support::bytes_of;
using c10d_support::first_line;
using c10d_support::QuietC10dLog;
using c10d_support::text_of;

void DistOptions::bind(OptionSet& set) {
  set.add_transient("dist-url", &url,
                    "distributed run: tcp://HOST:PORT of rank 0 (default: $MASTER_ADDR:$MASTER_PORT)");
  set.add_transient("world-size", &world_size, "distributed run: number of processes (default: $WORLD_SIZE or 1)");
  set.add_transient("rank", &rank, "distributed run: this process's rank, 0..world-size-1 (default: $RANK)");
  set.add_transient("dist-timeout", &timeout_s,
                    "distributed run: seconds to wait for the other ranks to arrive (default 60; a collective waits at "
                    "least 30 minutes, for rank 0's evaluations)");
}

namespace {

int parse_count(const std::string& text, const std::string& what) {
  size_t used = 0;
  long value = -1;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  TP_CHECK_AS(UsageError, used == text.size() && used > 0 && value >= 0 && value < (1L << 30), what, " '",
              printable(text), "' is not a non-negative integer");
  return static_cast<int>(value);
}

std::string from_env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

DistPlace resolve_dist_place(const DistOptions& o) {
  DistPlace place;
  size_t used = 0;
  try {
    place.timeout_s = std::stod(o.timeout_s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  TP_CHECK_AS(UsageError, used == o.timeout_s.size() && used > 0 && place.timeout_s > 0 && place.timeout_s < 1e6,
              "--dist-timeout '", printable(o.timeout_s), "' is not a number of seconds > 0");
  const std::string world = !o.world_size.empty() ? o.world_size : from_env("WORLD_SIZE");
  const std::string world_origin = !o.world_size.empty() ? "--world-size" : "WORLD_SIZE";
  if (!world.empty()) place.world_size = parse_count(world, world_origin);
  TP_CHECK_AS(UsageError, place.world_size >= 1, world_origin, " must be >= 1");
  const std::string rank = !o.rank.empty() ? o.rank : from_env("RANK");
  const std::string rank_origin = !o.rank.empty() ? "--rank" : "RANK";
  if (!rank.empty()) place.rank = parse_count(rank, rank_origin);
  TP_CHECK_AS(UsageError, place.rank < place.world_size, rank_origin, " ", place.rank, " is outside 0..",
              place.world_size - 1, " (world size ", place.world_size, ")");
  const std::string local = from_env("LOCAL_RANK");
  place.local_rank = local.empty() ? place.rank : parse_count(local, "LOCAL_RANK");
  if (place.world_size == 1) return place;
  if (!o.url.empty()) {  // parse_tcp_url checks the port
    const TcpAddress a = parse_tcp_url(o.url, "--dist-url");
    place.master_addr = a.host;
    place.master_port = a.port;
    return place;
  }
  const std::string addr = from_env("MASTER_ADDR"), port = from_env("MASTER_PORT");
  TP_CHECK_AS(UsageError, !addr.empty() && !port.empty(), "a world size of ", place.world_size,
              " needs rank 0's address: --dist-url tcp://HOST:PORT or MASTER_ADDR and MASTER_PORT");
  place.master_addr = addr;
  place.master_port = parse_count(port, "the master port");
  TP_CHECK_AS(UsageError, place.master_port > 0 && place.master_port < 65536, "the master port ", port,
              " is outside 1..65535");
  return place;
}

struct ProcessGroup::Impl {
  std::unique_ptr<c10d_support::WatchConnectionPlug> plug;  // outlives the store
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
  double timeout_s = 60;

  void wait(const c10::intrusive_ptr<c10d::Work>& work, const char* what) {
    try {
      work->wait();
    } catch (const std::exception& e) {
      TP_THROW(Error, "distributed ", what, " failed (another rank stopped or timed out after ", timeout_s,
               " s): ", printable(first_line(e.what()), 200));
    }
  }
};

namespace {

// Rank 0 opens the store; the others connect to it. c10d's own messages are several lines
// with a C++ backtrace: the first line says what happened.
c10::intrusive_ptr<c10d::TCPStore> open_store(const DistPlace& p) {
  c10d::TCPStoreOptions o;
  o.port = static_cast<uint16_t>(p.master_port);
  o.isServer = p.rank == 0;
  o.waitWorkers = false;  // arrival is checked below, with clearer errors
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(p.timeout_s * 1000));
  try {
    return c10::make_intrusive<c10d::TCPStore>(p.master_addr, o);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    if (p.rank == 0)
      TP_THROW(Error, "rank 0 cannot serve the rendezvous on ", p.master_addr, ":", p.master_port,
               what.find("in use") != std::string::npos || what.find("EADDRINUSE") != std::string::npos
                   ? " (the port is in use: pick another with --dist-url or MASTER_PORT)"
                   : "",
               ": ", printable(what.substr(0, what.find('\n')), 200));
    TP_THROW(Error, "rank ", p.rank, " cannot reach rank 0 at ", p.master_addr, ":", p.master_port, " within ",
             p.timeout_s, " s (is rank 0 running there, and the port open?)");
  }
}

std::string rank_key(int r) { return "torchplay/rank/" + std::to_string(r); }

// Every rank registers; rank 0 waits for all of them, then says go. A rank that finds the
// run inconsistent (another world size, its rank taken) posts the reason for all to see.
void rendezvous(c10d::TCPStore& store, const DistPlace& p) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(p.timeout_s * 1000));
  const std::string error_key = "torchplay/error";
  auto fail = [&](const std::string& why) {
    store.set(error_key, bytes_of(why));
    TP_THROW(Error, why);
  };
  if (p.rank == 0) store.set("torchplay/world_size", bytes_of(std::to_string(p.world_size)));
  if (p.rank != 0) {
    store.wait({"torchplay/world_size"});  // bounded by the store's timeout
    const std::string leader_world = text_of(store.get("torchplay/world_size"));
    if (leader_world != std::to_string(p.world_size))
      fail("rank " + std::to_string(p.rank) + " was started with world size " + std::to_string(p.world_size) +
           ", rank 0 with " + leader_world);
  }
  if (store.add(rank_key(p.rank), 1) != 1)
    fail("two processes claim rank " + std::to_string(p.rank) + " (world size " + std::to_string(p.world_size) + ")");
  store.add("torchplay/arrived", 1);
  const std::string go_key = "torchplay/go";
  while (true) {
    if (store.check({error_key})) TP_THROW(Error, text_of(store.get(error_key)));
    if (p.rank == 0 && store.add("torchplay/arrived", 0) >= p.world_size) {
      store.set(go_key, bytes_of("1"));
      return;
    }
    if (p.rank != 0 && store.check({go_key})) return;
    if (Clock::now() > deadline) {
      if (p.rank != 0) TP_THROW(Error, "rank 0 did not start the run within ", p.timeout_s, " s");
      std::vector<std::string> missing;
      for (int r = 1; r < p.world_size; ++r)
        if (!store.check({rank_key(r)})) missing.push_back(std::to_string(r));
      TP_THROW(Error, "rank", missing.size() == 1 ? " " : "s ", join(missing, ", "), " of ", p.world_size,
               " never arrived within ", p.timeout_s, " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::unique_ptr<ProcessGroup> ProcessGroup::connect(const DistPlace& p) {
  const QuietC10dLog quiet;
  auto impl = std::make_unique<Impl>();
  // A collective may wait for rank 0's evaluation or final checkpoint, which can take minutes:
  // it waits at least 30 minutes. A rank that dies closes its connections, which the others
  // notice at once.
  impl->timeout_s = std::max(p.timeout_s, 1800.0);
  // A rank other than 0 must not be aborted by c10d's watch thread when rank 0 dies.
  const auto before = c10d_support::WatchConnectionPlug::sockets_to(p.master_port);
  impl->store = open_store(p);
  try {
    if (p.rank != 0)
      impl->plug = std::make_unique<c10d_support::WatchConnectionPlug>(
          before, p.master_port, [&] { impl->store->set("torchplay/client/" + std::to_string(p.rank), {}); });
    rendezvous(*impl->store, p);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    TP_THROW(Error, "rank ", p.rank, ": the rendezvous at ", p.master_addr, ":", p.master_port, " failed within ",
             p.timeout_s, " s: ", printable(first_line(e.what()), 200));
  }
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(impl->timeout_s * 1000));
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // Gloo binds each rank to the interface that reaches the master ($GLOO_SOCKET_IFNAME picks
  // one explicitly, as in PyTorch).
  try {
    if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"))
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    else if (p.master_addr == "127.0.0.1" || p.master_addr == "localhost")
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("torchplay/gloo", impl->store);
    impl->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, p.rank, p.world_size, options);
  } catch (const std::exception& e) {
    TP_THROW(Error, "rank ", p.rank, " could not connect to the other ranks: ", printable(first_line(e.what()), 200));
  }
  return std::unique_ptr<ProcessGroup>(new ProcessGroup(std::move(impl), p.rank, p.world_size));
}

std::unique_ptr<ProcessGroup> ProcessGroup::connect_if_distributed(const DistPlace& place) {
  return place.world_size > 1 ? connect(place) : nullptr;
}

ProcessGroup::ProcessGroup(std::unique_ptr<Impl> impl, int rank, int world_size)
    : impl_(std::move(impl)), rank_(rank), world_size_(world_size) {}

ProcessGroup::~ProcessGroup() = default;

std::string ProcessGroup::describe() const {
  return "rank " + std::to_string(rank_) + " of " + std::to_string(world_size_);
}

void ProcessGroup::all_reduce_sum(std::vector<torch::Tensor>& tensors) {
  for (const auto& t : tensors) {
    TP_CHECK(t.is_contiguous() && t.device().is_cpu(), "all_reduce_sum: a contiguous CPU tensor is needed");
    bytes_ += static_cast<int64_t>(t.nbytes());
  }
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp::SUM;
  impl_->wait(impl_->gloo->allreduce(tensors, o), "all-reduce");
}

int64_t ProcessGroup::all_reduce_max(int64_t value) {
  std::vector<torch::Tensor> t = {torch::tensor({value}, torch::kInt64)};
  bytes_ += 8;
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp::MAX;
  impl_->wait(impl_->gloo->allreduce(t, o), "all-reduce");
  return t[0].item<int64_t>();
}

bool ProcessGroup::all_equal(int64_t value) {
  // max(v) == v and max(-v) == -v on every rank: then min == max.
  std::vector<torch::Tensor> t = {torch::tensor({value, -value}, torch::kInt64)};
  bytes_ += 16;
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp::MAX;
  impl_->wait(impl_->gloo->allreduce(t, o), "all-reduce");
  const bool here = t[0][0].item<int64_t>() == value && t[0][1].item<int64_t>() == -value;
  return all_reduce_max(here ? 0 : 1) == 0;
}

void ProcessGroup::broadcast(std::vector<torch::Tensor>& tensors, int root) {
  for (const auto& t : tensors) {
    TP_CHECK(t.is_contiguous() && t.device().is_cpu(), "broadcast: a contiguous CPU tensor is needed");
    bytes_ += static_cast<int64_t>(t.nbytes());
  }
  c10d::BroadcastOptions o;
  o.rootRank = root;
  impl_->wait(impl_->gloo->broadcast(tensors, o), "broadcast");
}

void ProcessGroup::broadcast_bytes(std::string& bytes, int root) {
  std::vector<torch::Tensor> size = {torch::tensor({static_cast<int64_t>(bytes.size())}, torch::kInt64)};
  broadcast(size, root);
  const int64_t n = size[0].item<int64_t>();
  std::vector<torch::Tensor> data = {torch::empty({n}, torch::kUInt8)};
  if (rank_ == root) std::memcpy(data[0].data_ptr(), bytes.data(), static_cast<size_t>(n));
  broadcast(data, root);
  if (rank_ != root) bytes.assign(static_cast<const char*>(data[0].data_ptr()), static_cast<size_t>(n));
}

void ProcessGroup::barrier() { all_reduce_max(0); }

}  // namespace tp
