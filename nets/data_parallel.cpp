#include "nets/data_parallel.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "core/process_group.h"
#include "nets/shard_sync.h"

namespace tp::nets {

struct DataParallel::Network {
  std::vector<std::shared_ptr<torch::nn::Module>> copies;  // [0]: the network itself
};

struct DataParallel::ShardedOptimizer {
  std::vector<std::unique_ptr<torch::optim::Optimizer>> parts;  // part p's optimizer over owned[p]
  std::vector<std::vector<torch::Tensor>> owned;                // the network's parameters, by part
};

namespace {

// The key LibTorch's optimizers file a parameter's state under (torch/csrc/api/src/optim).
std::string state_key(const torch::Tensor& parameter) { return c10::guts::to_string(parameter.unsafeGetTensorImpl()); }

uint64_t draw_seed() {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get<at::CPUGeneratorImpl>()->random64();
}

// Every module of `net` that takes batch statistics.
std::vector<BatchStatistics*> batch_statistics(torch::nn::Module& net) {
  std::vector<BatchStatistics*> found;
  for (const auto& m : net.modules(/*include_self=*/true))
    if (auto* s = dynamic_cast<BatchStatistics*>(m.get())) found.push_back(s);
  return found;
}

}  // namespace

DataParallel::DataParallel(int parts) : pool_(parts), sync_(std::make_unique<ShardSync>(parts)) {
  for (int p = 0; p < parts; ++p) generators_.push_back(at::detail::createCPUGenerator(static_cast<uint64_t>(p)));
}

DataParallel::~DataParallel() {
  for (auto& net : networks_)
    for (auto& copy : net->copies)
      for (auto* s : batch_statistics(*copy)) s->unbind_shards(sync_.get());
}

void DataParallel::add_network(std::vector<std::shared_ptr<torch::nn::Module>> copies) {
  TP_CHECK(static_cast<int>(copies.size()) == parts(), "DataParallel: ", copies.size(), " copies for ", parts(),
           " parts");
  const auto master = copies[0]->named_parameters();
  const auto master_buffers = copies[0]->named_buffers();
  for (const auto& copy : copies) {
    TP_CHECK(copy != nullptr, "DataParallel: a null copy");
    const auto params = copy->named_parameters();
    const auto buffers = copy->named_buffers();
    TP_CHECK(params.size() == master.size() && buffers.size() == master_buffers.size(),
             "DataParallel: a copy's architecture differs from the network's");
    for (size_t j = 0; j < params.size(); ++j) {
      TP_CHECK(params[j].key() == master[j].key() && params[j].value().sizes() == master[j].value().sizes(),
               "DataParallel: a copy's parameter ", params[j].key(), " differs from the network's");
      TP_CHECK(params[j].value().device().is_cpu(), "DataParallel: networks must be on the CPU");
    }
  }
  // With one part a step's batch is whole: nothing to sum across.
  if (parts() > 1)
    for (size_t p = 0; p < copies.size(); ++p)
      for (auto* s : batch_statistics(*copies[p])) s->bind_shards(sync_.get(), static_cast<int>(p));
  networks_.push_back(std::make_unique<Network>());
  networks_.back()->copies = std::move(copies);
}

std::vector<double> DataParallel::run(int64_t rows, const ShardFn& shard, int64_t unit) {
  TP_CHECK(unit >= 1 && rows >= 0 && rows % unit == 0, "DataParallel: ", rows, " rows do not split into units of ",
           unit);
  const int k = parts();
  {
    torch::NoGradGuard no_grad;
    for (auto& net : networks_) {
      const auto master = net->copies[0]->parameters();
      const auto master_buffers = net->copies[0]->buffers();
      for (auto p : master) p.mutable_grad().reset();
      for (int c = 1; c < k; ++c) {
        auto& copy = *net->copies[static_cast<size_t>(c)];
        copy.train(net->copies[0]->is_training());
        auto params = copy.parameters();
        for (size_t j = 0; j < params.size(); ++j) {
          // Re-shared whenever the network's storage moved (a checkpoint load, a device move).
          if (params[j].data_ptr() != master[j].data_ptr()) params[j].set_(master[j]);
          params[j].mutable_grad().reset();
        }
        auto buffers = copy.buffers();
        for (size_t j = 0; j < buffers.size(); ++j) buffers[j].copy_(master_buffers[j]);
      }
    }
  }
  TP_CHECK(!group_ || rows > 0, "DataParallel: ", group_ ? group_->describe() : "", " has no rows to run");
  // A distributed rank's streams differ from every other rank's (splitmix64's increment).
  const bool own_streams = k > 1 || group_;
  const uint64_t seed =
      own_streams ? draw_seed() + (group_ ? 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(group_->rank()) : 0) : 0;
  const int64_t units = rows / unit;
  auto range = [&](int p) { return std::make_pair(units * p / k * unit, units * (p + 1) / k * unit); };
  std::vector<std::vector<double>> values(static_cast<size_t>(k));
  std::vector<int> active;
  for (int p = 0; p < k; ++p)
    if (range(p).second > range(p).first) active.push_back(p);
  sync_->begin(active);
  struct EndSync {
    ShardSync& sync;
    ~EndSync() { sync.end(); }
  } end_sync{*sync_};
  pool_.run([&](int p) {
    const auto [begin, end] = range(p);
    if (end == begin) return;
    Shard s;
    s.begin = begin;
    s.size = end - begin;
    s.weight = static_cast<double>(s.size) / static_cast<double>(rows);
    if (own_streams) {
      at::Generator& g = generators_[static_cast<size_t>(p)];
      g.set_current_seed(seed + static_cast<uint64_t>(p));
      s.generator = g;
    }
    try {
      values[static_cast<size_t>(p)] = shard(p, s);
    } catch (...) {
      sync_->abort();  // the other parts must not wait for this one's sums
      throw;
    }
  });
  std::vector<double> sums;
  for (const auto& v : values) {
    if (sums.size() < v.size()) sums.resize(v.size(), 0.0);
    for (size_t i = 0; i < v.size(); ++i) sums[i] += v[i];
  }
  if (group_) {
    // The ranks' values weighted by their rows, and the rows, summed over the ranks.
    auto packed = torch::zeros({static_cast<int64_t>(sums.size()) + 1}, torch::kFloat64);
    auto* v = packed.data_ptr<double>();
    for (size_t i = 0; i < sums.size(); ++i) v[i] = sums[i] * static_cast<double>(rows);
    v[sums.size()] = static_cast<double>(rows);
    std::vector<torch::Tensor> tensors = {packed};
    group_->all_reduce_sum(tensors);
    const double all_rows = v[sums.size()];
    for (size_t i = 0; i < sums.size(); ++i) sums[i] = v[i] / all_rows;
    rank_weight_ = static_cast<double>(rows) / all_rows;
  }
  if (k == 1) {
    if (group_) all_reduce_buffers();
    return sums;
  }
  // Buffers (BatchNorm's running statistics): the mean over the parts that ran; a running mean
  // averaged this way is the running mean of the whole batch.
  if (active.empty()) return sums;
  torch::NoGradGuard no_grad;
  for (auto& net : networks_) {
    std::vector<std::vector<torch::Tensor>> buffers;
    for (int p : active) buffers.push_back(net->copies[static_cast<size_t>(p)]->buffers());
    auto master_buffers = net->copies[0]->buffers();
    for (size_t j = 0; j < master_buffers.size(); ++j) {
      if (!master_buffers[j].is_floating_point()) {
        master_buffers[j].copy_(buffers[0][j]);  // counters: every part counted the same batches
        continue;
      }
      auto sum = buffers[0][j].clone();
      for (size_t a = 1; a < buffers.size(); ++a) sum.add_(buffers[a][j]);
      master_buffers[j].copy_(sum.div_(static_cast<double>(buffers.size())));
    }
  }
  if (group_) all_reduce_buffers();
  return sums;
}

void DataParallel::join(ProcessGroup& group) { group_ = &group; }

void all_reduce_gradients(ProcessGroup& group, const std::vector<torch::Tensor>& params, double weight) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (auto p : params) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad().reshape({-1}));
  }
  if (grads.empty()) return;
  // One collective for all of them: the gradients weighted by this rank's share of the rows.
  std::vector<torch::Tensor> flat = {torch::cat(grads).mul_(weight)};
  group.all_reduce_sum(flat);
  int64_t offset = 0;
  for (auto p : params) {
    auto& g = p.mutable_grad();
    g.copy_(flat[0].narrow(0, offset, g.numel()).view_as(g));
    offset += g.numel();
  }
}

void DataParallel::all_reduce_buffers() {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> buffers, flat;
  for (auto& net : networks_)
    for (auto b : net->copies[0]->buffers())
      if (b.is_floating_point()) {
        buffers.push_back(b);
        flat.push_back(b.reshape({-1}).to(torch::kFloat64));
      }
  if (buffers.empty()) return;
  std::vector<torch::Tensor> packed = {torch::cat(flat)};
  group_->all_reduce_sum(packed);
  packed[0].div_(static_cast<double>(group_->world_size()));
  int64_t offset = 0;
  for (auto& b : buffers) {
    b.copy_(packed[0].narrow(0, offset, b.numel()).view_as(b));
    offset += b.numel();
  }
}

DataParallel::ShardedOptimizer& DataParallel::sharded(torch::optim::Optimizer& optimizer,
                                                      const OptimizerOptions& options) {
  auto& groups = optimizer.param_groups();
  TP_CHECK(groups.size() == 1, "DataParallel: the optimizer has ", groups.size(), " parameter groups, not one");
  const auto& params = groups[0].params();
  auto& entry = optimizers_[&optimizer];
  size_t held = 0;
  if (entry)
    for (const auto& o : entry->owned) held += o.size();
  if (entry && held == params.size()) return *entry;
  // Largest parameters first, each to the part with the fewest elements so far.
  const int k = parts();
  entry = std::make_unique<ShardedOptimizer>();
  entry->owned.resize(static_cast<size_t>(k));
  std::vector<size_t> order(params.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return params[a].numel() > params[b].numel(); });
  std::vector<int64_t> load(static_cast<size_t>(k), 0);
  for (size_t i : order) {
    const size_t p = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    entry->owned[p].push_back(params[i]);
    load[p] += params[i].numel();
  }
  for (int p = 0; p < k; ++p) entry->parts.push_back(make_optimizer(entry->owned[static_cast<size_t>(p)], options));
  return *entry;
}

void DataParallel::step(torch::optim::Optimizer& optimizer, const OptimizerOptions& options) {
  const int k = parts();
  if (k == 1) {
    if (group_) all_reduce_gradients(*group_, optimizer.param_groups()[0].params(), rank_weight_);
    optimizer.step();
    return;
  }
  ShardedOptimizer& sharded_opt = sharded(optimizer, options);
  // Every copy's parameter, by the network parameter it shares.
  std::unordered_map<const void*, std::vector<torch::Tensor>> copies_of;
  for (auto& net : networks_) {
    const auto master = net->copies[0]->parameters();
    for (int c = 1; c < k; ++c) {
      const auto params = net->copies[static_cast<size_t>(c)]->parameters();
      for (size_t j = 0; j < params.size(); ++j) copies_of[master[j].unsafeGetTensorImpl()].push_back(params[j]);
    }
  }
  // The parts step with the optimizer's state of their parameters, moved over and back, so
  // that outside step() the optimizer holds all of it (checkpoints, schedules).
  auto& state = optimizer.state();
  const double lr = optimizer.param_groups()[0].options().get_lr();
  for (int p = 0; p < k; ++p) {
    auto& part = *sharded_opt.parts[static_cast<size_t>(p)];
    part.param_groups()[0].options().set_lr(lr);
    for (const auto& t : sharded_opt.owned[static_cast<size_t>(p)]) {
      auto it = state.find(state_key(t));
      if (it == state.end()) continue;
      part.state()[it->first] = std::move(it->second);
      state.erase(it);
    }
  }
  auto give_back = [&] {
    for (auto& part : sharded_opt.parts) {
      for (auto& [key, value] : part->state()) state[key] = std::move(value);
      part->state().clear();
    }
  };
  auto sum_copies = [&](int p) {
    torch::NoGradGuard no_grad;
    for (auto t : sharded_opt.owned[static_cast<size_t>(p)]) {
      auto& grad = t.mutable_grad();
      const auto it = copies_of.find(t.unsafeGetTensorImpl());
      if (it == copies_of.end()) continue;
      for (const auto& copy : it->second) {
        const auto& g = copy.grad();
        if (!g.defined()) continue;
        if (grad.defined())
          grad.add_(g);
        else
          grad = g.clone();
      }
    }
  };
  auto step_part = [&](int p) { sharded_opt.parts[static_cast<size_t>(p)]->step(); };
  try {
    if (group_) {  // the ranks' sum goes between this process's sum and the step
      pool_.run(sum_copies);
      all_reduce_gradients(*group_, optimizer.param_groups()[0].params(), rank_weight_);
      pool_.run(step_part);
    } else {
      pool_.run([&](int p) {
        sum_copies(p);
        step_part(p);
      });
    }
  } catch (...) {
    give_back();
    throw;
  }
  give_back();
}

}  // namespace tp::nets
