#include "generative/train_loop.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <sstream>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/png_image.h"
#include "core/process_group.h"
#include "core/run_dir.h"
#include "core/timer.h"
#include "generative/data/batch_loader.h"
#include "generative/model_io.h"
#include "generative/sample_grid.h"

namespace tp::gen {

namespace {

std::string samples_file(int64_t epoch) {
  char name[64];
  std::snprintf(name, sizeof(name), "samples/epoch_%03lld.png", static_cast<long long>(epoch));
  return name;
}

int grid_columns(const GenerativeModel& m) { return m.num_classes() > 0 ? static_cast<int>(m.num_classes()) : 8; }

// Keeps LibTorch's default generator as it was: in a distributed run only the leader
// evaluates, and every rank's generator must stay the same (it draws the batch orders and the
// seeds of the ranks' noise streams).
class GeneratorKept {
 public:
  explicit GeneratorKept(bool keep) {
    if (!keep) return;
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    state_ = generator.get_state();
  }
  ~GeneratorKept() {
    if (!state_.defined()) return;
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state_);
  }
  GeneratorKept(const GeneratorKept&) = delete;
  GeneratorKept& operator=(const GeneratorKept&) = delete;

 private:
  at::Tensor state_;
};

class GenerativeTraining : public TrainingAlgorithm {
 public:
  GenerativeTraining(GenerativeModel& model, const TrainLoopOptions& loop, const Dataset& train, const Dataset& test,
                     uint64_t seed, bool resuming)
      : model_(model), loop_(loop), train_(train), test_(test), losses_(model.loss_names()) {
    TP_CHECK_AS(UsageError, loop.epochs >= 0, "--epochs must be >= 0");
    TP_CHECK_AS(UsageError, loop.batch_size > 0, "--batch-size must be > 0");
    TP_CHECK_AS(UsageError, loop.grid_samples > 0, "--grid-samples must be > 0");
    TP_CHECK_AS(UsageError, loop.keep_checkpoints > 0, "--keep-checkpoints must be > 0");
    sums_ = torch::zeros({static_cast<int64_t>(losses_.size())}, torch::kFloat64);
    counts_ = torch::zeros({static_cast<int64_t>(losses_.size())}, torch::kFloat64);
    if (!resuming) model.prepare(train);  // a resumed run's checkpoint holds what it computes
    model.begin_run(loop.epochs);
    // 2-D sets: a scatter plot needs many points; images: one grid cell each.
    const int64_t n_fixed = model.shape().is_image() ? loop.grid_samples : loop.grid_samples * 32;
    fixed_ = model.make_fixed_inputs(n_fixed, seed * 7919 + 17, test);
    for (int64_t e = 0; e < model.schedule_epochs(loop.epochs); ++e) {
      const int64_t n = model.epoch_data(e, train).size();
      batches_per_epoch_.push_back((n + loop.batch_size - 1) / loop.batch_size);
    }
  }

  ProgressPlan progress_plan() const override {
    int64_t total = 0;
    for (int64_t nb : batches_per_epoch_) total += nb;
    return {"train " + model_.algorithm() + " " + loop_.data, "batches", total};
  }
  int64_t progress_done() const override {
    int64_t done = batch_;
    for (int64_t e = 0; e < epoch_ && e < static_cast<int64_t>(batches_per_epoch_.size()); ++e)
      done += batches_per_epoch_[e];
    return done;
  }
  std::string progress_metric() const override {
    if (losses_.empty() || counts_[0].item<double>() == 0) return "";
    char buf[96];
    std::snprintf(buf, sizeof(buf), "epoch %lld %s %.4g", static_cast<long long>(epoch_ + 1), losses_[0].c_str(),
                  sums_[0].item<double>() / counts_[0].item<double>());
    return buf;
  }

  std::vector<std::string> metric_columns() const override {
    std::vector<std::string> columns = {"epoch", "step", "train_seconds", "images_per_s"};
    const auto evals = model_.eval_names();
    columns.insert(columns.end(), losses_.begin(), losses_.end());
    columns.insert(columns.end(), evals.begin(), evals.end());
    return columns;
  }
  double metrics_position() const override { return static_cast<double>(epoch_); }

  StepStatus step(RunContext& run) override {
    Timer timer;
    epoch_closed_ = false;
    if (batch_ == 0 || !loader_) start_epoch();
    auto [x, y] = loader_->batch(batch_);
    const int64_t rows = x.size(0);
    if (const ProcessGroup* group = run.group()) {
      // DDP: rank r trains on its block of every batch. A batch smaller than the world (an
      // epoch's short last one) is skipped by every rank alike.
      const int64_t w = group->world_size(), r = group->rank();
      if (rows < w) {
        ++batch_;
        return StepStatus::Completed;
      }
      x = x.narrow(0, rows * r / w, rows * (r + 1) / w - rows * r / w);
      if (y.defined()) y = y.narrow(0, rows * r / w, x.size(0));
    }
    const auto values = model_.train_step(epoch_, x, y);
    TP_CHECK(values.size() == losses_.size(), "model returned ", values.size(), " losses for ", losses_.size(),
             " names");
    auto* sums = sums_.data_ptr<double>();
    auto* counts = counts_.data_ptr<double>();
    for (size_t i = 0; i < values.size(); ++i)
      if (std::isfinite(values[i])) {
        sums[i] += values[i];
        counts[i] += 1;
      }
    epoch_images_ += rows;
    ++step_;
    ++batch_;
    const double seconds = timer.seconds();
    epoch_seconds_ += seconds;
    train_seconds_ += seconds;
    return StepStatus::Completed;
  }

  // The epoch's end: the test evaluation, its metrics row and picture; the epoch is closed.
  bool evaluation_due() const override { return batch_ == loader_->batches_per_epoch(); }
  void evaluate(RunContext& run) override {
    images_per_second_ = epoch_seconds_ > 0 ? static_cast<double>(epoch_images_) / epoch_seconds_ : 0.0;
    if (run.leader()) evaluate_and_draw(run);
    ++epoch_;
    batch_ = 0;
    sums_.zero_();
    counts_.zero_();
    epoch_closed_ = true;
  }

  // The epoch's metrics row, its line on the screen and its picture (the leader's part).
  void evaluate_and_draw(RunContext& run) {
    const GeneratorKept generator(run.group() != nullptr);
    const auto eval_values = model_.evaluate(test_);
    const auto evals = model_.eval_names();
    std::vector<std::pair<std::string, double>> row = {{"epoch", static_cast<double>(epoch_ + 1)},
                                                       {"step", static_cast<double>(step_)},
                                                       {"train_seconds", train_seconds_},
                                                       {"images_per_s", images_per_second_}};
    for (size_t i = 0; i < losses_.size(); ++i) {
      const double count = counts_[static_cast<int64_t>(i)].item<double>();
      row.emplace_back(losses_[i], count > 0 ? sums_[static_cast<int64_t>(i)].item<double>() / count : std::nan(""));
    }
    for (size_t i = 0; i < evals.size() && i < eval_values.size(); ++i) row.emplace_back(evals[i], eval_values[i]);
    run.log(row);
    last_row_ = row;
    std::ostringstream line;
    line.precision(4);
    line << "epoch " << epoch_ + 1 << ":";
    for (size_t i = 4; i < row.size(); ++i) line << (i > 4 ? ", " : " ") << row[i].first << " " << row[i].second;
    run.note(line.str());
    const auto picture = model_.visualize(fixed_);
    if (picture.defined()) {
      make_dirs(run.dir().file("samples"));
      write_png(run.dir().file(samples_file(epoch_ + 1)),
                render_samples(picture, model_.shape().synthetic, grid_columns(model_)));
    }
  }

  bool checkpoint_due() const override { return epoch_closed_; }
  int64_t checkpoint_number() const override { return step_; }
  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = model_.algorithm();
    h.env = loop_.data;
    h.architecture = model_.architecture();
    h.counters = {{"epoch", epoch_}, {"batch", batch_}, {"step", step_}};
    put_shape(h, model_.shape());
    return h;
  }
  void save(CheckpointWriter& w) const override {
    model_.save(w);
    // Before the first step of a resumed run the loader is not made yet: the order it will use.
    w.add_tensor("loop.perm", loader_                 ? loader_->permutation()
                              : saved_perm_.defined() ? saved_perm_
                                                      : torch::empty({0}, torch::kInt64));
    w.add_tensor("loop.sums", sums_);
    w.add_tensor("loop.counts", counts_);
    w.add_tensor("loop.train_seconds", torch::tensor(train_seconds_, torch::kFloat64));
    if (fixed_.z.defined()) w.add_tensor("fixed.z", fixed_.z);
    if (fixed_.labels.defined()) w.add_tensor("fixed.labels", fixed_.labels);
    if (fixed_.x.defined()) w.add_tensor("fixed.x", fixed_.x);
    w.add_torch_rng("torch_rng");
  }
  void load(CheckpointReader& r) override {
    model_.load(r);
    model_.to(model_.device());  // loading left CPU tensors (core/checkpoint.h)
    epoch_ = r.header().counter("epoch");
    batch_ = r.header().counter("batch");
    step_ = r.header().counter("step");
    sums_ = r.tensor("loop.sums");
    counts_ = r.tensor("loop.counts");
    train_seconds_ = r.tensor("loop.train_seconds").item<double>();
    saved_perm_ = r.tensor("loop.perm");
    if (r.has("fixed.z")) fixed_.z = r.tensor("fixed.z");
    if (r.has("fixed.labels")) fixed_.labels = r.tensor("fixed.labels");
    if (r.has("fixed.x")) fixed_.x = r.tensor("fixed.x");
    r.load_torch_rng("torch_rng");
  }

  uint64_t replica_digest() const override {
    return state_digest([&](CheckpointWriter& w) { model_.save(w); });
  }

  std::string summary() const override {
    char buf[256];
    std::snprintf(buf, sizeof(buf), "%s on %s: %lld epochs, %lld steps, %.1f s training, %.0f images/s (last epoch)",
                  model_.algorithm().c_str(), loop_.data.c_str(), static_cast<long long>(epoch_),
                  static_cast<long long>(step_), train_seconds_, images_per_second_);
    std::string text = buf;
    for (const auto& [k, v] : last_row_)
      if (k != "epoch" && k != "step") {
        std::snprintf(buf, sizeof(buf), "\n  %s = %.6g", k.c_str(), v);
        text += buf;
      }
    return text;
  }
  void describe(Json& j) const override {
    j["algorithm"] = model_.algorithm();
    j["data"] = loop_.data;
    j["epochs"] = static_cast<long long>(epoch_);
    j["steps"] = static_cast<long long>(step_);
    j["train_seconds"] = train_seconds_;
    j["images_per_second"] = images_per_second_;
    for (const auto& [k, v] : last_row_)
      if (k != "epoch" && k != "step" && k != "train_seconds" && k != "images_per_s")
        j[k] = std::isfinite(v) ? Json(v) : Json();
  }

 private:
  // The epoch's data and batch order: a fresh permutation, or the checkpointed one when the
  // run resumes mid-epoch.
  void start_epoch() {
    const Dataset data = model_.epoch_data(epoch_, train_);
    if (!loader_ || loader_data_ != data.x.data_ptr() || loader_->size() != data.size()) {
      loader_ = std::make_unique<BatchLoader>(data.x, data.y, loop_.batch_size);
      loader_data_ = data.x.data_ptr();
    }
    if (batch_ == 0) {
      loader_->new_epoch();
      epoch_images_ = 0;
      epoch_seconds_ = 0;
    } else {
      loader_->set_permutation(saved_perm_);
    }
  }

  GenerativeModel& model_;
  const TrainLoopOptions& loop_;
  const Dataset& train_;
  const Dataset& test_;
  std::vector<std::string> losses_;
  std::vector<int64_t> batches_per_epoch_;
  FixedInputs fixed_;
  std::unique_ptr<BatchLoader> loader_;
  const void* loader_data_ = nullptr;
  torch::Tensor sums_, counts_, saved_perm_;  // running epoch sums of the losses (NaNs skipped)
  int64_t epoch_ = 0, batch_ = 0, step_ = 0, epoch_images_ = 0;
  double train_seconds_ = 0, epoch_seconds_ = 0, images_per_second_ = 0;
  bool epoch_closed_ = false;
  std::vector<std::pair<std::string, double>> last_row_;
};

}  // namespace

RunOutcome train_model(GenerativeModel& model, const TrainLoopOptions& loop, const Dataset& train, const Dataset& test,
                       RunSettings settings, uint64_t seed) {
  GenerativeTraining training(model, loop, train, test, seed, !settings.resume.empty());
  settings.algorithm = model.algorithm();
  settings.env = loop.data;
  settings.keep_checkpoints = static_cast<int>(loop.keep_checkpoints);
  return run_training(training, settings);
}

}  // namespace tp::gen
