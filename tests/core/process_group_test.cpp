// The rendezvous and collectives of core/process_group.h, with ranks as threads of this
// process over 127.0.0.1 (the CLI tests run them as processes), and the failures that must
// be one clear error within the timeout.
#include "core/process_group.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/rank_launcher.h"

namespace tp {
namespace {

DistPlace place(int port, int world, int rank, double timeout_s = 20) {
  DistPlace p;
  p.master_addr = "127.0.0.1";
  p.master_port = port;
  p.world_size = world;
  p.rank = rank;
  p.timeout_s = timeout_s;
  return p;
}

// Runs fn(rank) for `world` ranks, each on its own thread; the error message of each rank
// ("" when it succeeded).
std::vector<std::string> run_ranks(const std::vector<DistPlace>& places, const std::function<void(ProcessGroup&)>& fn) {
  std::vector<std::future<std::string>> done;
  for (const DistPlace& p : places)
    done.push_back(std::async(std::launch::async, [p, &fn]() -> std::string {
      try {
        auto group = ProcessGroup::connect(p);
        fn(*group);
        return "";
      } catch (const std::exception& e) {
        return std::string("error: ") + e.what();
      }
    }));
  std::vector<std::string> errors;
  for (auto& d : done) errors.push_back(d.get());
  return errors;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ProcessGroup, CollectivesGiveEveryRankTheSameResult) {
  const int port = free_port("127.0.0.1");
  std::vector<DistPlace> places;
  for (int r = 0; r < 3; ++r) places.push_back(place(port, 3, r));
  std::mutex m;
  std::vector<std::vector<float>> sums(3);
  const auto errors = run_ranks(places, [&](ProcessGroup& g) {
    std::vector<torch::Tensor> t = {torch::arange(5, torch::kFloat32) * static_cast<float>(g.rank() + 1)};
    g.all_reduce_sum(t);
    EXPECT_EQ(g.all_reduce_max(10 * g.rank() + 1), 21);
    EXPECT_TRUE(g.all_equal(7));
    EXPECT_FALSE(g.all_equal(g.rank() == 2 ? 8 : 7));
    std::vector<torch::Tensor> b = {torch::full({3}, static_cast<double>(g.rank()), torch::kFloat64)};
    g.broadcast(b, 1);
    EXPECT_TRUE(torch::equal(b[0], torch::full({3}, 1.0, torch::kFloat64)));
    std::string bytes = g.rank() == 0 ? std::string(1 << 20, 'x') + "end" : "";
    g.broadcast_bytes(bytes);
    EXPECT_EQ(bytes.size(), (1u << 20) + 3);
    EXPECT_EQ(bytes.substr(bytes.size() - 3), "end");
    g.barrier();
    EXPECT_GT(g.payload_bytes(), 1 << 20);
    std::lock_guard<std::mutex> lock(m);
    sums[static_cast<size_t>(g.rank())] = std::vector<float>(t[0].data_ptr<float>(), t[0].data_ptr<float>() + 5);
  });
  for (const auto& e : errors) EXPECT_EQ(e, "");
  for (const auto& s : sums) EXPECT_EQ(s, (std::vector<float>{0, 6, 12, 18, 24}));
}

TEST(ProcessGroup, PortInUseIsAClearError) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const int port = ntohs(a.sin_port);
  const auto start = std::chrono::steady_clock::now();
  try {
    ProcessGroup::connect(place(port, 2, 0, 5));
    ADD_FAILURE() << "rank 0 served on a port in use";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot serve the rendezvous on 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
  EXPECT_LT(seconds_since(start), 5.0);
  ::close(fd);
}

TEST(ProcessGroup, UnreachableMasterIsAClearErrorWithinTheTimeout) {
  const int port = free_port("127.0.0.1");  // nothing listens there
  const auto start = std::chrono::steady_clock::now();
  try {
    ProcessGroup::connect(place(port, 2, 1, 2));
    ADD_FAILURE() << "rank 1 connected to nothing";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rank 1 cannot reach rank 0 at 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << e.what();
  }
  EXPECT_LT(seconds_since(start), 15.0);
}

TEST(ProcessGroup, ARankThatNeverArrivesIsNamed) {
  const int port = free_port("127.0.0.1");
  const auto start = std::chrono::steady_clock::now();
  const auto errors = run_ranks({place(port, 3, 0, 2), place(port, 3, 1, 2)}, [](ProcessGroup&) {});
  EXPECT_NE(errors[0].find("rank 2 of 3 never arrived within 2 s"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("error: "), std::string::npos) << errors[1];
  EXPECT_LT(seconds_since(start), 15.0);
}

TEST(ProcessGroup, RanksThatDisagreeOnTheWorldSizeAreRefused) {
  const int port = free_port("127.0.0.1");
  const auto errors = run_ranks({place(port, 2, 0, 5), place(port, 3, 1, 5)}, [](ProcessGroup&) {});
  for (const auto& e : errors)
    EXPECT_NE(e.find("rank 1 was started with world size 3, rank 0 with 2"), std::string::npos) << e;
}

TEST(ProcessGroup, TwoProcessesClaimingOneRankAreRefused) {
  const int port = free_port("127.0.0.1");
  const auto errors =
      run_ranks({place(port, 3, 0, 5), place(port, 3, 1, 5), place(port, 3, 1, 5)}, [](ProcessGroup&) {});
  int named = 0;
  for (const auto& e : errors) named += e.find("two processes claim rank 1") != std::string::npos;
  EXPECT_GE(named, 2) << errors[0] << "\n" << errors[1] << "\n" << errors[2];
}

TEST(ProcessGroup, ARankThatDiesFailsTheOthersCollectiveNotHangs) {
  const int port = free_port("127.0.0.1");
  const auto start = std::chrono::steady_clock::now();
  const auto errors = run_ranks({place(port, 2, 0, 3), place(port, 2, 1, 3)}, [](ProcessGroup& g) {
    if (g.rank() == 1) return;  // leaves without taking part: its group closes
    std::vector<torch::Tensor> t = {torch::ones({4})};
    g.all_reduce_sum(t);
  });
  EXPECT_NE(errors[0].find("distributed all-reduce failed"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[1], "");
  EXPECT_LT(seconds_since(start), 20.0);
}

// Environment variables for one test, restored after it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    had_ = std::getenv(name) != nullptr;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      ::setenv(name_.c_str(), old_.c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

TEST(DistPlace, OptionsComeBeforeTorchrunsVariables) {
  ScopedEnv a("MASTER_ADDR", "10.0.0.7"), p("MASTER_PORT", "29501"), w("WORLD_SIZE", "4"), r("RANK", "3"),
      l("LOCAL_RANK", "1");
  DistOptions o;
  DistPlace from_env = resolve_dist_place(o);
  EXPECT_EQ(from_env.master_addr, "10.0.0.7");
  EXPECT_EQ(from_env.master_port, 29501);
  EXPECT_EQ(from_env.world_size, 4);
  EXPECT_EQ(from_env.rank, 3);
  EXPECT_EQ(from_env.local_rank, 1);
  o.url = "tcp://192.168.1.2:4000";
  o.world_size = "2";
  o.rank = "1";
  const DistPlace given = resolve_dist_place(o);
  EXPECT_EQ(given.master_addr, "192.168.1.2");
  EXPECT_EQ(given.master_port, 4000);
  EXPECT_EQ(given.world_size, 2);
  EXPECT_EQ(given.rank, 1);
}

TEST(DistPlace, MalformedPlacesAreUsageErrors) {
  ScopedEnv a("MASTER_ADDR", nullptr), p("MASTER_PORT", nullptr), w("WORLD_SIZE", nullptr), r("RANK", nullptr);
  EXPECT_EQ(resolve_dist_place(DistOptions{}).world_size, 1);  // no variables: one process
  auto message = [](DistOptions o) -> std::string {
    try {
      resolve_dist_place(o);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  DistOptions o;
  o.world_size = "2";
  o.rank = "2";
  o.url = "tcp://h:1";
  EXPECT_NE(message(o).find("--rank 2 is outside 0..1"), std::string::npos) << message(o);
  o.rank = "x";
  EXPECT_NE(message(o).find("--rank 'x' is not a non-negative integer"), std::string::npos) << message(o);
  o.rank = "0";
  o.url = "http://h:1";
  EXPECT_NE(message(o).find("is not tcp://HOST:PORT"), std::string::npos) << message(o);
  o.url = "tcp://h:70000";
  EXPECT_NE(message(o).find("outside 1..65535"), std::string::npos) << message(o);
  o.url = "";
  EXPECT_NE(message(o).find("needs rank 0's address"), std::string::npos) << message(o);
}

}  // namespace
}  // namespace tp
