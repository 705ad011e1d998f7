#include "generative/train_loop.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/metrics.h"
#include "core/png_image.h"
#include "core/progress.h"
#include "core/timer.h"
#include "core/version.h"
#include "generative/data/batch_loader.h"
#include "generative/model_io.h"
#include "generative/sample_grid.h"

namespace tp::gen {

namespace {

struct LoopState {
  int64_t epoch = 0, batch = 0, step = 0;
  double train_seconds = 0;
  torch::Tensor sums, counts;  // running epoch sums of the losses (NaNs skipped)
};

std::string samples_path(const RunDir& run, int64_t epoch) {
  char name[64];
  std::snprintf(name, sizeof(name), "samples/epoch_%03lld.png", static_cast<long long>(epoch));
  return run.file(name);
}

int grid_columns(const GenerativeModel& m) { return m.num_classes() > 0 ? static_cast<int>(m.num_classes()) : 8; }

std::string save_checkpoint(const GenerativeModel& model, const TrainRun& run, const TrainLoopOptions& loop,
                            const LoopState& st, const FixedInputs& fixed, const BatchLoader& loader) {
  CheckpointHeader h;
  h.torchplay_version = TORCHPLAY_VERSION;
  h.algorithm = model.algorithm();
  h.env = loop.data;
  h.architecture = model.architecture();
  h.config = run.config_ini;
  h.counters = {{"epoch", st.epoch}, {"batch", st.batch}, {"step", st.step}};
  put_shape(h, model.shape());
  CheckpointWriter w(h);
  model.save(w);
  w.add_tensor("loop.perm", loader.permutation());
  w.add_tensor("loop.sums", st.sums);
  w.add_tensor("loop.counts", st.counts);
  w.add_tensor("loop.train_seconds", torch::tensor(st.train_seconds, torch::kFloat64));
  if (fixed.z.defined()) w.add_tensor("fixed.z", fixed.z);
  if (fixed.labels.defined()) w.add_tensor("fixed.labels", fixed.labels);
  if (fixed.x.defined()) w.add_tensor("fixed.x", fixed.x);
  w.add_torch_rng("torch_rng");
  return CheckpointStore(run.run->checkpoints_dir(), static_cast<int>(loop.keep_checkpoints)).save(w, st.step);
}

}  // namespace

TrainResult train_model(GenerativeModel& model, const TrainLoopOptions& loop, const Dataset& train, const Dataset& test,
                        const TrainRun& run) {
  TP_CHECK_AS(UsageError, loop.epochs >= 0, "--epochs must be >= 0");
  TP_CHECK_AS(UsageError, loop.grid_samples > 0, "--grid-samples must be > 0");
  TP_CHECK_AS(UsageError, loop.keep_checkpoints > 0, "--keep-checkpoints must be > 0");
  const RunDir& dir = *run.run;
  make_dirs(dir.file("samples"));
  const auto losses = model.loss_names();
  const auto evals = model.eval_names();
  const int64_t n_loss = static_cast<int64_t>(losses.size());

  LoopState st;
  st.sums = torch::zeros({n_loss}, torch::kFloat64);
  st.counts = torch::zeros({n_loss}, torch::kFloat64);
  // 2-D sets: a scatter plot needs many points; images: one grid cell each.
  const int64_t n_fixed = model.shape().is_image() ? loop.grid_samples : loop.grid_samples * 32;
  FixedInputs fixed = model.make_fixed_inputs(n_fixed, run.seed * 7919 + 17, test);
  torch::Tensor saved_perm;
  if (run.resume) {
    const auto latest = CheckpointStore(dir.checkpoints_dir(), 1).latest();
    TP_CHECK_AS(UsageError, latest.has_value(), "nothing to resume: no checkpoint in ", dir.checkpoints_dir());
    CheckpointReader r(*latest);
    r.expect(model.algorithm(), model.architecture());
    model.load(r);
    st.epoch = r.header().counter("epoch");
    st.batch = r.header().counter("batch");
    st.step = r.header().counter("step");
    st.sums = r.tensor("loop.sums");
    st.counts = r.tensor("loop.counts");
    st.train_seconds = r.tensor("loop.train_seconds").item<double>();
    saved_perm = r.tensor("loop.perm");
    if (r.has("fixed.z")) fixed.z = r.tensor("fixed.z");
    if (r.has("fixed.labels")) fixed.labels = r.tensor("fixed.labels");
    if (r.has("fixed.x")) fixed.x = r.tensor("fixed.x");
    r.load_torch_rng("torch_rng");
  }

  std::vector<std::string> columns = {"epoch", "step", "train_seconds", "images_per_s"};
  columns.insert(columns.end(), losses.begin(), losses.end());
  columns.insert(columns.end(), evals.begin(), evals.end());
  CsvMetrics metrics(dir.metrics_path(), columns,
                     run.resume ? std::optional<double>(st.epoch) : std::nullopt);

  const int64_t total_epochs = model.schedule_epochs(loop.epochs);
  int64_t total_batches = 0, done_batches = 0;
  for (int64_t e = 0; e < total_epochs; ++e) {
    const int64_t n = model.epoch_data(e, train).size();
    const int64_t nb = (n + loop.batch_size - 1) / loop.batch_size;
    total_batches += nb;
    if (e < st.epoch) done_batches += nb;
  }
  done_batches += st.batch;
  Progress progress("train " + model.algorithm() + " " + loop.data, total_batches, "batches", run.quiet);
  InterruptGuard guard;
  TrainResult result;
  std::unique_ptr<BatchLoader> loader;
  const void* loader_data = nullptr;
  int64_t loader_size = -1;

  for (; st.epoch < total_epochs; ++st.epoch) {
    const Dataset data = model.epoch_data(st.epoch, train);
    if (!loader || loader_data != data.x.data_ptr() || loader_size != data.size()) {
      loader = std::make_unique<BatchLoader>(data.x, data.y, loop.batch_size);
      loader_data = data.x.data_ptr();
      loader_size = data.size();
    }
    if (st.batch == 0) loader->new_epoch();
    else loader->set_permutation(saved_perm);
    const int64_t nb = loader->batches_per_epoch();
    Timer epoch_timer;
    int64_t images = 0;
    auto* sums = st.sums.data_ptr<double>();
    auto* counts = st.counts.data_ptr<double>();
    std::string metric;
    for (; st.batch < nb; ++st.batch) {
      if (const int sig = pending_interrupt()) {
        st.train_seconds += epoch_timer.seconds();
        result.checkpoint = save_checkpoint(model, run, loop, st, fixed, *loader);
        progress.finish("interrupted");
        result.interrupted_by = sig;
        result.epochs_done = st.epoch;
        result.steps = st.step;
        result.train_seconds = st.train_seconds;
        return result;
      }
      auto [x, y] = loader->batch(st.batch);
      const auto values = model.train_step(st.epoch, x, y);
      TP_CHECK(static_cast<int64_t>(values.size()) == n_loss, "model returned ", values.size(), " losses for ", n_loss, " names");
      for (int64_t i = 0; i < n_loss; ++i)
        if (std::isfinite(values[i])) { sums[i] += values[i]; counts[i] += 1; }
      images += x.size(0);
      ++st.step;
      ++done_batches;
      if (n_loss > 0 && counts[0] > 0) {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "epoch %lld %s %.4g", static_cast<long long>(st.epoch + 1), losses[0].c_str(),
                      sums[0] / counts[0]);
        metric = buf;
      }
      progress.update(done_batches, metric);
    }
    const double seconds = epoch_timer.seconds();
    st.train_seconds += seconds;
    const auto eval_values = model.evaluate(test);
    std::vector<std::pair<std::string, double>> row = {{"epoch", double(st.epoch + 1)},
                                                       {"step", double(st.step)},
                                                       {"train_seconds", st.train_seconds},
                                                       {"images_per_s", seconds > 0 ? images / seconds : 0.0}};
    for (int64_t i = 0; i < n_loss; ++i) row.emplace_back(losses[i], counts[i] > 0 ? sums[i] / counts[i] : std::nan(""));
    for (size_t i = 0; i < evals.size() && i < eval_values.size(); ++i) row.emplace_back(evals[i], eval_values[i]);
    metrics.write(row);
    result.last = row;
    result.images_per_second = seconds > 0 ? images / seconds : 0.0;
    const auto picture = model.visualize(fixed);
    if (picture.defined()) write_png(samples_path(dir, st.epoch + 1), render_samples(picture, model.shape().synthetic, grid_columns(model)));
    st.batch = 0;
    st.sums.zero_();
    st.counts.zero_();
    LoopState saved = st;
    saved.epoch = st.epoch + 1;
    result.checkpoint = save_checkpoint(model, run, loop, saved, fixed, *loader);
  }
  progress.finish();
  result.epochs_done = st.epoch;
  result.steps = st.step;
  result.train_seconds = st.train_seconds;
  return result;
}

}  // namespace tp::gen
