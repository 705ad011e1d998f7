#include "agents/policy_gradient/a3c.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/target_update.h"

namespace tp::agents::pg {

namespace {

// Updates of the shared parameters (Mnih et al. 2016, "Optimization", shared RMSProp):
// g <- alpha g + (1 - alpha) d^2; theta <- theta - lr d / sqrt(g + eps), with g shared by
// all workers. With --lock-updates (the default) a mutex serialises the workers' reads and
// writes of the shared state; without it they run lock-free, as the paper's Hogwild-style
// updates do (concurrent in-place writes to the same tensors, by design).
class A3cRun final : public PgRun {
 public:
  A3cRun(const PgOptions& o, const envs::EnvRegistry& registry, uint64_t seed, torch::Device device)
      : PgRun(o, registry.make(o.env, envs::parse_env_kwargs(o.env_options)), seed, device) {
    TP_CHECK_AS(UsageError, device.is_cpu(), "a3c runs its workers on CPU threads: --device must be cpu");
    torch::NoGradGuard no_grad;
    for (const auto& p : net_->parameters()) square_avg_.push_back(torch::zeros_like(p));
    for (int w = 0; w < o.workers; ++w) {
      auto worker = std::make_unique<Worker>();
      const uint64_t worker_seed = seed + static_cast<uint64_t>(w) * 1'000'003ULL;
      const auto env = registry.make(o.env, envs::parse_env_kwargs(o.env_options));
      worker->collector = std::make_unique<RolloutCollector>(*env, o, worker_seed);
      worker->net = nets::ActorCritic(net_->options());
      worker->generator = at::make_generator<at::CPUGeneratorImpl>(worker_seed ^ 0x5eedULL);
      workers_.push_back(std::move(worker));
    }
  }

  ~A3cRun() override { stop_threads(); }

  // Runs the workers until about workers x batch x 8 more env steps are done, then waits for
  // each to finish its update: between steps the shared state is consistent (evaluation and
  // checkpoints see no half-applied update).
  StepStatus step(RunContext& run) override {
    mark_step_start();
    start_threads();
    const int64_t chunk = static_cast<int64_t>(o_.workers) * o_.batch_size() * 8;
    {
      std::unique_lock<std::mutex> lock(control_);
      target_steps_ = std::min(o_.steps, steps_.load() + chunk);
      running_ = true;
      wake_.notify_all();
      idle_cv_.wait(lock, [&] { return (steps_.load() >= target_steps_ && busy_ == 0) || error_; });
      running_ = false;
    }
    if (error_) std::rethrow_exception(error_);
    // Log what the workers reported, in the order they reported it.
    for (Report& r : take_reports()) {
      log_episodes(run, r.episodes);
      log_update(run, r.stats, r.lr, 0.0);
    }
    return StepStatus::Completed;
  }

 protected:
  int64_t steps() const override { return steps_.load(); }
  int64_t updates() const override { return updates_.load(); }
  const RunningMeanStd* obs_stats() const override { return nullptr; }
  void save_state(CheckpointWriter& w) const override {
    for (size_t i = 0; i < square_avg_.size(); ++i) w.add_tensor("rmsprop/" + std::to_string(i), square_avg_[i]);
    for (size_t i = 0; i < workers_.size(); ++i) workers_[i]->collector->save(w, "worker" + std::to_string(i) + "/");
  }
  void load_state(CheckpointReader& r) override {
    steps_ = r.header().counter("steps");
    updates_ = r.header().counter("updates");
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < square_avg_.size(); ++i) square_avg_[i].copy_(r.tensor("rmsprop/" + std::to_string(i)));
    for (size_t i = 0; i < workers_.size(); ++i) {
      const std::string prefix = "worker" + std::to_string(i) + "/";
      TP_CHECK_AS(CheckpointError, r.has(prefix + "env_states"), "checkpoint '", r.path(), "' has fewer than ",
                  workers_.size(), " workers (--workers differs)");
      workers_[i]->collector->load(r, prefix);
    }
  }

 private:
  struct Worker {
    std::unique_ptr<RolloutCollector> collector;
    nets::ActorCritic net{nullptr};
    at::Generator generator;
    std::thread thread;
  };
  struct Report {
    std::vector<FinishedEpisode> episodes;
    UpdateStats stats;
    double lr = 0;
  };

  void start_threads() {
    if (!workers_.front()->thread.joinable())
      for (size_t i = 0; i < workers_.size(); ++i) workers_[i]->thread = std::thread([this, i] { work(*workers_[i]); });
  }

  void stop_threads() {
    {
      std::lock_guard<std::mutex> lock(control_);
      quit_ = true;
      wake_.notify_all();
    }
    for (auto& w : workers_)
      if (w->thread.joinable()) w->thread.join();
  }

  // Claims the next rollout, or waits while the run is paused; false when the run ends.
  bool claim() {
    std::unique_lock<std::mutex> lock(control_);
    wake_.wait(lock, [&] { return quit_ || (running_ && steps_.load() + in_flight_ < target_steps_); });
    if (quit_) return false;
    in_flight_ += o_.batch_size();
    ++busy_;
    return true;
  }

  void release(int64_t steps) {
    std::lock_guard<std::mutex> lock(control_);
    in_flight_ -= o_.batch_size();
    steps_ += steps;
    --busy_;
    idle_cv_.notify_all();
  }

  void work(Worker& w) {
    try {
      while (claim()) {
        // Local copy <- shared parameters.
        {
          torch::NoGradGuard no_grad;
          std::unique_lock<std::mutex> lock(shared_, std::defer_lock);
          if (o_.lock_updates) lock.lock();
          nets::hard_update(*w.net, *net_);
        }
        const int64_t before = w.collector->steps();
        const Rollout rollout = w.collector->collect(w.net, w.generator);
        A2cLoss loss = a2c_loss(w.net, rollout, o_);
        w.net->zero_grad();
        loss.loss.backward();
        if (o_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(w.net->parameters(), o_.max_grad_norm);
        const double fraction = std::min(1.0, static_cast<double>(steps_.load()) / static_cast<double>(o_.steps));
        const double lr = o_.anneal_lr ? o_.lr * (1.0 - fraction) : o_.lr;
        apply(w, lr);
        {
          std::lock_guard<std::mutex> lock(reports_mutex_);
          reports_.push_back({w.collector->take_finished(), loss.stats, lr});
        }
        ++updates_;
        release(w.collector->steps() - before);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(control_);
      if (!error_) error_ = std::current_exception();
      --busy_;
      idle_cv_.notify_all();
    }
  }

  void apply(Worker& w, double lr) {
    torch::NoGradGuard no_grad;
    std::unique_lock<std::mutex> lock(shared_, std::defer_lock);
    if (o_.lock_updates) lock.lock();
    const auto shared = net_->parameters();
    const auto local = w.net->parameters();
    for (size_t i = 0; i < shared.size(); ++i) {
      const torch::Tensor& g = local[i].grad();
      if (!g.defined()) continue;
      square_avg_[i].mul_(o_.rms_alpha).addcmul_(g, g, 1.0 - o_.rms_alpha);
      shared[i].addcdiv_(g, (square_avg_[i] + o_.optim_eps).sqrt(), -lr);
    }
  }

  std::vector<Report> take_reports() {
    std::lock_guard<std::mutex> lock(reports_mutex_);
    std::vector<Report> out;
    out.swap(reports_);
    return out;
  }

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<torch::Tensor> square_avg_;  // the shared RMSProp statistics, one per parameter
  std::mutex shared_;                      // the shared parameters and statistics (--lock-updates)

  std::mutex control_;  // everything below, up to reports
  std::condition_variable wake_, idle_cv_;
  std::atomic<int64_t> steps_{0}, updates_{0};
  int64_t target_steps_ = 0, in_flight_ = 0;
  int busy_ = 0;
  bool running_ = false, quit_ = false;
  std::exception_ptr error_;

  std::mutex reports_mutex_;
  std::vector<Report> reports_;
};

}  // namespace

std::unique_ptr<PgRun> make_a3c_run(const PgOptions& options, const envs::EnvRegistry& registry, uint64_t seed,
                                    torch::Device device) {
  return std::make_unique<A3cRun>(options, registry, seed, device);
}

}  // namespace tp::agents::pg
