// The parts of a distributed step (docs/distributed.md, "What a step costs"): a Gloo
// all-reduce of N floats between 2 ranks over 127.0.0.1 (the gradient sum of a data-parallel
// step; N = 1 is the latency every small collective pays, such as the per-step interrupt
// agreement), and a broadcast of a checkpoint image (a network sent to every rank). Rank 1 is
// a thread of this program running the same fixed number of iterations as the timed rank 0.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <future>
#include <string>
#include <vector>

#include "core/process_group.h"
#include "core/rank_launcher.h"

namespace {

constexpr int kIterations = 200;

// Runs `op` kIterations (+5 warm-up) times on both ranks; rank 0's loop is the timed one.
template <class Op>
void two_ranks(benchmark::State& state, const Op& op) {
  torch::set_num_threads(1);
  const int port = tp::free_port("127.0.0.1");
  auto place = [&](int rank) {
    tp::DistPlace p;
    p.master_port = port;
    p.world_size = 2;
    p.rank = rank;
    p.timeout_s = 60;
    return p;
  };
  auto peer = std::async(std::launch::async, [&] {
    auto group = tp::ProcessGroup::connect(place(1));
    for (int i = 0; i < kIterations + 5; ++i) op(*group);
  });
  auto group = tp::ProcessGroup::connect(place(0));
  for (int i = 0; i < 5; ++i) op(*group);
  for (auto _ : state) op(*group);
  peer.get();
}

void BM_AllReduce(benchmark::State& state) {
  const int64_t n = state.range(0);
  const auto data = torch::ones({n});
  two_ranks(state, [&](tp::ProcessGroup& g) {
    std::vector<torch::Tensor> t = {data.clone()};
    g.all_reduce_sum(t);
  });
  state.SetBytesProcessed(state.iterations() * n * 4);
  state.counters["floats"] = static_cast<double>(n);
}
// 1: latency; 650k: the MLP VAE's gradients (784-400-20); 4M: a larger network's.
BENCHMARK(BM_AllReduce)->Arg(1)->Arg(1 << 16)->Arg(650000)->Arg(1 << 22)->Iterations(kIterations)->UseRealTime();

void BM_BroadcastBytes(benchmark::State& state) {
  const int64_t n = state.range(0);
  two_ranks(state, [&](tp::ProcessGroup& g) {
    std::string bytes = g.rank() == 0 ? std::string(static_cast<size_t>(n), 'x') : "";
    g.broadcast_bytes(bytes);
  });
  state.SetBytesProcessed(state.iterations() * n);
}
BENCHMARK(BM_BroadcastBytes)->Arg(1 << 20)->Arg(1 << 24)->Iterations(kIterations)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
