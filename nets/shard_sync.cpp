#include "nets/shard_sync.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "core/error.h"

namespace tp::nets {

namespace {

// sum() as an autograd function: forward sums the parts' tensors, backward their gradients.
struct ShardSum : torch::autograd::Function<ShardSum> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& local, ShardSync* sync,
                               int64_t part) {
    ctx->saved_data["sync"] = reinterpret_cast<int64_t>(sync);
    ctx->saved_data["part"] = part;
    return sync->sum_values(static_cast<int>(part), local);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto* sync = reinterpret_cast<ShardSync*>(ctx->saved_data["sync"].toInt());
    const auto part = static_cast<int>(ctx->saved_data["part"].toInt());
    // Through sum() again, so a double backward (WGAN-GP's penalty) sums across the parts too.
    return {sync->sum(part, grads[0]), torch::Tensor(), torch::Tensor()};
  }
};

// Returns once done() or after ~30 us, whichever comes first.
template <class Done>
void spin_briefly(const Done& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(30);
  for (unsigned i = 1; !done(); ++i) {
    if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) return;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }
}

}  // namespace

ShardSync::ShardSync(int parts) {
  TP_CHECK(parts >= 1, "a ShardSync needs at least one part, got ", parts);
  slots_.resize(static_cast<size_t>(parts));
}

void ShardSync::begin(std::vector<int> active) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int p : active) TP_CHECK(p >= 0 && p < static_cast<int>(slots_.size()), "ShardSync: no part ", p);
  active_ = std::move(active);
  running_ = !active_.empty();
  aborted_ = draining_ = false;
  aborting_.store(false);
  arrived_ = leaving_ = 0;
  for (auto& s : slots_) s = torch::Tensor();
}

void ShardSync::end() {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = false;
  for (auto& s : slots_) s = torch::Tensor();
}

void ShardSync::abort() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    aborted_ = true;
    aborting_.store(true);
  }
  cv_.notify_all();
}

bool ShardSync::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

torch::Tensor ShardSync::sum(int part, const torch::Tensor& local) {
  return ShardSum::apply(local, this, static_cast<int64_t>(part));
}

torch::Tensor ShardSync::sum_values(int part, const torch::Tensor& local) {
  std::unique_lock<std::mutex> lock(mutex_);
  TP_CHECK(running_ && std::binary_search(active_.begin(), active_.end(), part), "ShardSync: part ", part,
           " is not running a shard");
  // A part that finished the previous sum waits until every part has taken it.
  cv_.wait(lock, [&] { return aborted_ || !draining_; });
  TP_CHECK(!aborted_, "ShardSync: another part of this step failed");
  slots_[static_cast<size_t>(part)] = local;
  const uint64_t round = round_;
  if (++arrived_ == static_cast<int>(active_.size())) {
    draining_ = true;
    leaving_ = arrived_;
    cv_.notify_all();
    ready_rounds_.store(round + 1, std::memory_order_release);
  } else {
    // The parts' shards are alike, so the last one is usually microseconds away: spin that
    // long before sleeping (waking a sleeping thread costs more), never longer.
    lock.unlock();
    spin_briefly([&] { return ready_rounds_.load(std::memory_order_acquire) > round || aborting_.load(); });
    lock.lock();
    cv_.wait(lock, [&] { return aborted_ || (draining_ && round_ == round); });
    TP_CHECK(!aborted_, "ShardSync: another part of this step failed");
  }
  // Each part adds the slots itself, in part order: its own tensor (autograd records the
  // result per part), the same bits on every part.
  torch::NoGradGuard no_grad;
  const auto& first = slots_[static_cast<size_t>(active_[0])];
  auto total = first.clone(at::MemoryFormat::Contiguous);
  for (size_t a = 1; a < active_.size(); ++a) {
    const auto& other = slots_[static_cast<size_t>(active_[a])];
    TP_CHECK(other.sizes() == first.sizes(), "ShardSync: parts summed tensors of shapes ", first.sizes(), " and ",
             other.sizes());
    total.add_(other);
  }
  if (--leaving_ == 0) {
    draining_ = false;
    arrived_ = 0;
    for (auto& s : slots_) s = torch::Tensor();
    ++round_;
    cv_.notify_all();
  }
  return total;
}

void BatchStatistics::bind_shards(ShardSync* sync, int part) {
  sync_ = sync;
  part_ = part;
}

void BatchStatistics::unbind_shards(const ShardSync* sync) {
  if (sync_ == sync) bind_shards(nullptr, 0);
}

torch::Tensor BatchStatistics::sum_over_shards(const torch::Tensor& local) const {
  return shards_running() ? sync_->sum(part_, local) : local;
}

BatchStatistics::Moments BatchStatistics::moments_over_shards(const torch::Tensor& x, at::IntArrayRef dims,
                                                              const torch::Tensor& shift) const {
  const auto shifted = x - shift;
  const auto sums = shifted.sum(dims), squares = shifted.square().sum(dims);
  const int64_t size = sums.numel();
  const auto total = sum_over_shards(torch::cat(
      {sums.flatten(), squares.flatten(), torch::full({1}, static_cast<double>(x.numel() / size), x.options())}));
  Moments m;
  m.count = total[2 * size].item<double>();
  const auto shifted_mean = total.narrow(0, 0, size).view(sums.sizes()) / m.count;
  m.var = (total.narrow(0, size, size).view(sums.sizes()) / m.count - shifted_mean.square()).clamp_min(0);
  // The shift back: summing its size-1 `dims` drops them exactly.
  m.mean = shifted_mean + (shift.dim() == 0 ? shift : shift.sum(dims)).detach();
  return m;
}

torch::Tensor BatchStatistics::forward_layer(torch::nn::AnyModule& layer, const torch::Tensor& input) const {
  auto* bn = layer.ptr()->as<torch::nn::BatchNorm2d>();
  if (bn == nullptr || !bn->is_training() || !shards_running()) return layer.forward(input);
  const auto& options = bn->options;
  TP_CHECK(input.dim() == 4, "BatchNorm2d expects (N, C, H, W) input, got ", input.sizes());
  const int64_t c = input.size(1);
  TP_CHECK(c == options.num_features(), "BatchNorm2d of ", options.num_features(), " features got ", c, " channels");
  // One exchange over the shards (each costs every part a wait), about the running mean.
  const auto shift = options.track_running_stats() ? bn->running_mean.detach().view({1, c, 1, 1})
                                                   : torch::zeros({1, c, 1, 1}, input.options());
  const auto [mean, var, n] = moments_over_shards(input, {0, 2, 3}, shift);
  const auto centred = input - mean.view({1, c, 1, 1});
  auto out = centred * (var + options.eps()).rsqrt().view({1, c, 1, 1});
  if (options.affine()) out = out * bn->weight.view({1, c, 1, 1}) + bn->bias.view({1, c, 1, 1});
  if (options.track_running_stats()) {
    torch::NoGradGuard no_grad;
    bn->num_batches_tracked.add_(1);
    const double momentum =
        options.momentum() ? *options.momentum() : 1.0 / static_cast<double>(bn->num_batches_tracked.item<int64_t>());
    bn->running_mean.mul_(1 - momentum).add_(mean.detach(), momentum);
    // The running variance is the unbiased one, as BatchNorm's.
    bn->running_var.mul_(1 - momentum).add_(var.detach() * (n / std::max(n - 1, 1.0)), momentum);
  }
  return out;
}

}  // namespace tp::nets
