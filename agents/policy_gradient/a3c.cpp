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

SharedRmsProp::SharedRmsProp(torch::nn::Module& shared, double alpha, double eps, bool lock)
    : shared_(shared), alpha_(alpha), eps_(eps), lock_(lock) {
  torch::NoGradGuard no_grad;
  for (const auto& p : shared_.parameters()) square_avg_.push_back(torch::zeros_like(p));
}

void SharedRmsProp::read_into(torch::nn::Module& local) {
  torch::NoGradGuard no_grad;
  std::unique_lock<std::mutex> guard(mutex_, std::defer_lock);
  if (lock_) guard.lock();
  nets::hard_update(local, shared_);
}

void SharedRmsProp::apply(const torch::nn::Module& local, double lr) {
  torch::NoGradGuard no_grad;
  std::unique_lock<std::mutex> guard(mutex_, std::defer_lock);
  if (lock_) guard.lock();
  const auto shared = shared_.parameters();
  const auto grads = local.parameters();
  TP_CHECK(shared.size() == grads.size(), "shared RMSProp: the local network does not match the shared one");
  for (size_t i = 0; i < shared.size(); ++i) {
    const torch::Tensor& g = grads[i].grad();
    if (!g.defined()) continue;
    square_avg_[i].mul_(alpha_).addcmul_(g, g, 1.0 - alpha_);
    shared[i].addcdiv_(g, (square_avg_[i] + eps_).sqrt(), -lr);
  }
}

namespace {

class A3cRun final : public PgRun {
 public:
  A3cRun(const PgOptions& o, const envs::EnvRegistry& registry, uint64_t seed, torch::Device device)
      : PgRun(o, registry.make(o.env, envs::parse_env_kwargs(o.env_options)), seed, device),
        optimizer_(*net_, o.rms_alpha, o.optim_eps, o.lock_updates) {
    TP_CHECK_AS(UsageError, device.is_cpu(), "a3c runs its workers on CPU threads: --device must be cpu");
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
    const auto& stats = optimizer_.square_averages();
    for (size_t i = 0; i < stats.size(); ++i) w.add_tensor("rmsprop/" + std::to_string(i), stats[i]);
    for (size_t i = 0; i < workers_.size(); ++i) workers_[i]->collector->save(w, "worker" + std::to_string(i) + "/");
  }
  void load_state(CheckpointReader& r) override {
    steps_ = r.header().counter("steps");
    updates_ = r.header().counter("updates");
    torch::NoGradGuard no_grad;
    auto& stats = optimizer_.square_averages();
    for (size_t i = 0; i < stats.size(); ++i) stats[i].copy_(r.tensor("rmsprop/" + std::to_string(i)));
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
        optimizer_.read_into(*w.net);  // local copy <- shared parameters
        const int64_t before = w.collector->steps();
        const Rollout rollout = w.collector->collect(w.net, w.generator);
        A2cLoss loss = a2c_loss(w.net, rollout, o_);
        w.net->zero_grad();
        loss.loss.backward();
        if (o_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(w.net->parameters(), o_.max_grad_norm);
        const double fraction = std::min(1.0, static_cast<double>(steps_.load()) / static_cast<double>(o_.steps));
        const double lr = o_.anneal_lr ? o_.lr * (1.0 - fraction) : o_.lr;
        optimizer_.apply(*w.net, lr);
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

  std::vector<Report> take_reports() {
    std::lock_guard<std::mutex> lock(reports_mutex_);
    std::vector<Report> out;
    out.swap(reports_);
    return out;
  }

  SharedRmsProp optimizer_;
  std::vector<std::unique_ptr<Worker>> workers_;

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
