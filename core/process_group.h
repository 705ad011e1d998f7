#pragma once
// Several processes, on one machine or many, as one training run (docs/distributed.md), on
// LibTorch's own distributed engine, c10d: a TCPStore held by rank 0 for the rendezvous and a
// ProcessGroupGloo for the collectives over TCP. The c10d headers stay in process_group.cpp.
//
// The rendezvous is checked, each failure one clear error within the timeout, never a hang:
// a port in use, an unreachable master, ranks that disagree on the world size, two processes
// claiming one rank, a rank that never arrives.
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tp {

class OptionSet;

// Where a process stands in a run: from `--dist-url tcp://HOST:PORT --world-size N --rank R`,
// else from the variables torchrun (and `torchplay launch`) set: MASTER_ADDR, MASTER_PORT,
// WORLD_SIZE, RANK, LOCAL_RANK.
struct DistOptions {
  std::string url;               // --dist-url: tcp://HOST:PORT
  std::string world_size;        // --world-size (text: the options are not recorded in config.ini)
  std::string rank;              // --rank
  std::string timeout_s = "60";  // --dist-timeout: seconds for the rendezvous (collectives: >= 30 min)

  // Binds --dist-url, --world-size, --rank and --dist-timeout. They are left out of config.ini
  // (so also of checkpoints): each rank has its own, and a resumed run may use another layout.
  void bind(OptionSet& set);
};

// The resolved place of this process; world_size 1 means a plain single-process run.
struct DistPlace {
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  int world_size = 1;
  int rank = 0;
  int local_rank = 0;
  double timeout_s = 60;  // the rendezvous; a collective waits max(this, 30 minutes)
};

// Options first, then the environment. UsageError for a malformed URL or number, a rank
// outside [0, world size), or a world size > 1 without a master's address and port.
DistPlace resolve_dist_place(const DistOptions& options);

class ProcessGroup {
 public:
  // Connects this process to the others (rank 0 serves the store) and waits until all
  // world_size ranks have arrived. tp::Error naming the problem otherwise.
  static std::unique_ptr<ProcessGroup> connect(const DistPlace& place);
  // connect() when place.world_size > 1; nullptr for a single-process run.
  static std::unique_ptr<ProcessGroup> connect_if_distributed(const DistPlace& place);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  bool is_leader() const { return rank_ == 0; }
  // "rank 1 of 2"
  std::string describe() const;

  // Collectives: every rank calls the same ones in the same order. A rank that died or a
  // collective that exceeds the timeout is a tp::Error on the others.
  // Element-wise sums of each CPU tensor over the ranks, in place (every rank gets the same bits).
  void all_reduce_sum(std::vector<torch::Tensor>& tensors);
  // The largest of the ranks' values.
  int64_t all_reduce_max(int64_t value);
  // True when every rank passed the same value.
  bool all_equal(int64_t value);
  // Rank `root`'s tensors (same shapes and types on every rank) into every rank's.
  void broadcast(std::vector<torch::Tensor>& tensors, int root = 0);
  // Rank `root`'s bytes into every rank's `bytes` (any size).
  void broadcast_bytes(std::string& bytes, int root = 0);
  void barrier();

  // The tensor bytes this rank has passed to collectives so far (a ring all-reduce sends about
  // twice that over the wire).
  int64_t payload_bytes() const { return bytes_; }

 private:
  struct Impl;
  ProcessGroup(std::unique_ptr<Impl> impl, int rank, int world_size);
  std::unique_ptr<Impl> impl_;
  int rank_ = 0, world_size_ = 1;
  int64_t bytes_ = 0;
};

}  // namespace tp
