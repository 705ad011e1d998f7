// DataParallel against single-threaded LibTorch as the oracle: the sharded gradient is the
// full batch's, the sharded optimizer step is bit-for-bit the optimizer's own step (and leaves
// its state where checkpoints look for it), BatchNorm's running mean is the full batch's, and
// a run is reproducible.
#include "nets/data_parallel.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <future>
#include <memory>
#include <vector>

#include "core/process_group.h"
#include "core/rank_launcher.h"
#include "nets/mlp.h"
#include "nets/optimizer.h"

namespace tp::nets {
namespace {

MLPOptions mlp_options() { return MLPOptions(6, {16, 8}, 3); }

TEST(DataParallel, ShardedGradientsSumToTheFullBatchGradient) {
  torch::set_num_threads(1);
  torch::manual_seed(5);
  MLP net(mlp_options());
  const auto x = torch::randn({10, 6}), target = torch::randn({10, 3});
  (net->forward(x) - target).pow(2).mean().backward();
  std::vector<torch::Tensor> expected;
  for (const auto& p : net->parameters()) expected.push_back(p.grad().clone());

  for (int parts : {2, 3}) {
    DataParallel dp(parts);
    std::vector<MLP> nets = {net};
    for (int p = 1; p < parts; ++p) nets.push_back(MLP(mlp_options()));
    std::vector<std::shared_ptr<torch::nn::Module>> modules;
    for (auto& n : nets) modules.push_back(n.ptr());
    dp.add_network(modules);
    std::vector<int64_t> sizes(static_cast<size_t>(parts), 0);
    const auto summed = dp.run(10, [&](int part, const Shard& s) {
      sizes[static_cast<size_t>(part)] = s.size;
      auto out = nets[static_cast<size_t>(part)]->forward(x.narrow(0, s.begin, s.size));
      ((out - target.narrow(0, s.begin, s.size)).pow(2).mean() * s.weight).backward();
      return std::vector<double>{static_cast<double>(s.size), s.weight};
    });
    // run() returns the shards' values summed: all rows, weights adding up to one.
    ASSERT_EQ(summed.size(), 2u);
    EXPECT_EQ(summed[0], 10.0);
    EXPECT_NEAR(summed[1], 1.0, 1e-12);
    int64_t total = 0;
    for (int64_t n : sizes) {
      EXPECT_GE(n, 10 / parts);
      total += n;
    }
    EXPECT_EQ(total, 10);
    // Summed by step(); SGD with lr 1 moves each parameter by exactly its gradient.
    const auto before = net->parameters();
    std::vector<torch::Tensor> values;
    for (const auto& p : before) values.push_back(p.detach().clone());
    OptimizerOptions o;
    o.name = "sgd";
    o.lr = 1.0;
    auto sgd = make_optimizer(net->parameters(), o);
    dp.step(*sgd, o);
    const auto after = net->parameters();
    for (size_t j = 0; j < after.size(); ++j)
      EXPECT_TRUE(torch::allclose(values[j] - after[j], expected[j], 1e-5, 1e-6))
          << "parts " << parts << " param " << j;
    // Restore for the next part count.
    torch::NoGradGuard no_grad;
    for (size_t j = 0; j < after.size(); ++j) after[j].copy_(values[j]);
  }
}

// The gradient of sum(w * c_p) is c_p; two halves of c sum to c exactly.
void set_gradients(DataParallel& dp, const std::vector<MLP>& nets, const std::vector<torch::Tensor>& g) {
  const int parts = static_cast<int>(nets.size());
  dp.run(parts, [&](int part, const Shard&) {
    auto params = nets[static_cast<size_t>(part)]->parameters();
    torch::Tensor loss = torch::zeros({});
    for (size_t j = 0; j < params.size(); ++j) loss = loss + (params[j] * (g[j] / parts)).sum();
    loss.backward();
    return std::vector<double>{};
  });
}

TEST(DataParallel, ShardedStepIsTheOptimizersOwnStepBitForBit) {
  torch::set_num_threads(1);
  for (const char* name : {"adam", "rmsprop", "momentum"}) {
    SCOPED_TRACE(name);
    OptimizerOptions o;
    o.name = name;
    o.lr = 0.01;
    o.weight_decay = 0.001;
    torch::manual_seed(1);
    MLP plain(mlp_options());
    torch::manual_seed(1);
    MLP split(mlp_options());
    auto plain_opt = make_optimizer(plain->parameters(), o);
    auto split_opt = make_optimizer(split->parameters(), o);
    DataParallel dp(2);
    std::vector<MLP> nets = {split, MLP(mlp_options())};
    dp.add_network({nets[0].ptr(), nets[1].ptr()});
    for (int step = 0; step < 4; ++step) {
      std::vector<torch::Tensor> g;
      for (const auto& p : plain->parameters()) g.push_back(torch::randn(p.sizes()));
      if (step == 2) {
        set_learning_rate(*plain_opt, 0.003);  // a schedule on the network's optimizer reaches the parts
        set_learning_rate(*split_opt, 0.003);
      }
      plain_opt->zero_grad();
      auto params = plain->parameters();
      for (size_t j = 0; j < params.size(); ++j) params[j].mutable_grad() = g[j].clone();
      plain_opt->step();
      set_gradients(dp, nets, g);
      dp.step(*split_opt, o);
      const auto a = plain->parameters(), b = split->parameters();
      for (size_t j = 0; j < a.size(); ++j) ASSERT_TRUE(torch::equal(a[j], b[j])) << "step " << step << " param " << j;
      // Between steps the network's optimizer holds every parameter's state.
      EXPECT_EQ(split_opt->state().size(), plain_opt->state().size());
    }
  }
}

TEST(DataParallel, BatchNormRunningMeanIsTheWholeBatchs) {
  torch::set_num_threads(1);
  auto make = [] { return torch::nn::BatchNorm1d(4); };
  torch::nn::BatchNorm1d whole = make(), split = make();
  std::vector<torch::nn::BatchNorm1d> copies = {split, make()};
  DataParallel dp(2);
  dp.add_network({copies[0].ptr(), copies[1].ptr()});
  const auto x = torch::randn({8, 4}) * 3 + 1;
  whole->forward(x);
  dp.run(8, [&](int part, const Shard& s) {
    copies[static_cast<size_t>(part)]->forward(x.narrow(0, s.begin, s.size));
    return std::vector<double>{};
  });
  EXPECT_TRUE(torch::allclose(split->running_mean, whole->running_mean, 1e-5, 1e-6));
  EXPECT_FALSE(torch::equal(split->running_mean, torch::zeros({4})));
  EXPECT_EQ(split->num_batches_tracked.item<int64_t>(), 1);
}

TEST(DataParallel, PartsDrawTheirOwnReproducibleNoise) {
  auto draw = [](uint64_t seed) {
    torch::manual_seed(seed);
    DataParallel dp(2);
    std::vector<torch::Tensor> noise(2);
    dp.run(4, [&](int part, const Shard& s) {
      EXPECT_TRUE(s.generator.has_value());
      noise[static_cast<size_t>(part)] = torch::randn({s.size, 3}, s.generator);
      return std::vector<double>{};
    });
    return noise;
  };
  const auto a = draw(7), b = draw(7), c = draw(8);
  EXPECT_TRUE(torch::equal(a[0], b[0]) && torch::equal(a[1], b[1]));
  EXPECT_FALSE(torch::equal(a[0], a[1]));
  EXPECT_FALSE(torch::equal(a[0], c[0]));
  // One part draws from LibTorch's default generator, as the single-threaded step always did.
  DataParallel one(1);
  one.run(4, [&](int, const Shard& s) {
    EXPECT_FALSE(s.generator.has_value());
    return std::vector<double>{};
  });
}

TEST(DataParallel, RejectsMismatchedCopiesAndUnevenUnits) {
  DataParallel dp(2);
  EXPECT_THROW(dp.add_network({MLP(mlp_options()).ptr()}), std::exception);
  EXPECT_THROW(dp.add_network({MLP(mlp_options()).ptr(), MLP(MLPOptions(6, {16}, 3)).ptr()}), std::exception);
  EXPECT_THROW(dp.run(
                   5, [](int, const Shard&) { return std::vector<double>{}; }, 2),
               std::exception);
}

// DistributedDataParallel's contract: ranks that each run their own rows of every batch (an
// uneven split, and one part on one rank, two on the other) end with the parameters one
// process gets on the whole batch, and bit-identical to each other. Ranks are threads here
// (process_group_test); the CLI test runs them as processes.
MLP copy_of(const MLP& net) {
  MLP copy(mlp_options());
  torch::NoGradGuard no_grad;
  const auto from = net->parameters();
  auto to = copy->parameters();
  for (size_t j = 0; j < to.size(); ++j) to[j].copy_(from[j]);
  return copy;
}

TEST(DataParallel, DistributedRanksTrainAsOneProcessOnTheWholeBatch) {
  torch::set_num_threads(1);
  torch::manual_seed(11);
  const int64_t rows = 12, steps = 6;
  const auto x = torch::randn({rows, 6}), target = torch::randn({rows, 3});  // fitted for `steps` steps
  MLP reference(mlp_options());
  std::vector<MLP> start;
  for (int r = 0; r < 2; ++r) start.push_back(copy_of(reference));
  OptimizerOptions o;
  o.name = "adam";
  o.lr = 0.01;
  auto loss_of = [&](MLP& net, int64_t begin, int64_t size) {
    return (net->forward(x.narrow(0, begin, size)) - target.narrow(0, begin, size)).pow(2).mean();
  };
  std::vector<double> reference_losses;
  {
    DataParallel dp(1);
    dp.add_network({reference.ptr()});
    auto adam = make_optimizer(reference->parameters(), o);
    for (int64_t t = 0; t < steps; ++t) {
      reference_losses.push_back(dp.run(rows, [&](int, const Shard& s) {
        auto loss = loss_of(reference, s.begin, s.size) * s.weight;
        loss.backward();
        return std::vector<double>{loss.item<double>()};
      })[0]);
      dp.step(*adam, o);
    }
  }
  const int port = free_port("127.0.0.1");
  const int64_t split = 5;  // rank 0 runs rows [0, 5), rank 1 rows [5, 12)
  std::vector<std::vector<double>> losses(2);
  std::vector<std::future<void>> ranks;
  for (int r = 0; r < 2; ++r)
    ranks.push_back(std::async(std::launch::async, [&, r] {
      DistPlace place;
      place.master_port = port;
      place.world_size = 2;
      place.rank = r;
      place.timeout_s = 20;
      auto group = ProcessGroup::connect(place);
      const int parts = r + 1;
      MLP& net = start[static_cast<size_t>(r)];
      std::vector<MLP> copies = {net};
      std::vector<std::shared_ptr<torch::nn::Module>> modules = {net.ptr()};
      for (int p = 1; p < parts; ++p) {
        copies.push_back(copy_of(net));
        modules.push_back(copies.back().ptr());
      }
      DataParallel dp(parts);
      dp.add_network(modules);
      dp.join(*group);
      auto adam = make_optimizer(net->parameters(), o);
      const int64_t begin = r == 0 ? 0 : split, size = r == 0 ? split : rows - split;
      for (int64_t t = 0; t < steps; ++t) {
        losses[static_cast<size_t>(r)].push_back(dp.run(size, [&](int part, const Shard& s) {
          auto loss = loss_of(copies[static_cast<size_t>(part)], begin + s.begin, s.size) * s.weight;
          loss.backward();
          return std::vector<double>{loss.item<double>()};
        })[0]);
        dp.step(*adam, o);
      }
    }));
  for (auto& r : ranks) r.get();
  const auto want = reference->parameters();
  const auto got0 = start[0]->parameters(), got1 = start[1]->parameters();
  for (size_t j = 0; j < want.size(); ++j) {
    EXPECT_TRUE(torch::allclose(got0[j], want[j], 1e-5, 1e-6)) << "param " << j;
    EXPECT_TRUE(torch::equal(got0[j], got1[j])) << "param " << j;
  }
  for (int64_t t = 0; t < steps; ++t) {
    // run() gives every rank the whole batch's mean loss.
    EXPECT_NEAR(losses[0][static_cast<size_t>(t)], reference_losses[static_cast<size_t>(t)], 1e-5);
    EXPECT_EQ(losses[0][static_cast<size_t>(t)], losses[1][static_cast<size_t>(t)]);
  }
  EXPECT_LT(reference_losses.back(), reference_losses.front());  // it learned something
}

}  // namespace
}  // namespace tp::nets
