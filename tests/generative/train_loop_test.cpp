// The shared training loop: checkpoints, exact --resume (at an epoch boundary and mid-epoch
// after SIGINT), sample grids and metrics, on tiny data so it runs in seconds.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <csignal>
#include <map>
#include <sstream>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/options.h"
#include "core/png_image.h"
#include "core/run_dir.h"
#include "generative/data/idx.h"
#include "generative/model_factory.h"
#include "generative/model_io.h"
#include "generative/models/vae.h"
#include "nets/autoencoder.h"
#include "generative/train_loop.h"
#include "tests/test_util.h"

namespace tp::gen {
namespace {

// A labelled 28x28 image set with `n` images of simple class-dependent blobs.
Dataset blob_images(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  Dataset d;
  d.name = "blobs";
  d.y = torch::arange(n, torch::kInt64).remainder(10);
  auto grid = torch::arange(28, torch::kFloat32);
  auto yy = grid.view({28, 1}).expand({28, 28}), xx = grid.view({1, 28}).expand({28, 28});
  std::vector<torch::Tensor> imgs;
  for (int64_t i = 0; i < n; ++i) {
    const double cx = 4 + 2 * (i % 10), cy = 14 + (torch::rand({1}).item<double>() - 0.5) * 6;
    imgs.push_back(torch::exp(-((xx - cx).pow(2) + (yy - cy).pow(2)) / 18.0).unsqueeze(0));
  }
  d.x = torch::stack(imgs).clamp(0, 1);
  d.num_classes = 10;
  return d;
}

// metrics.csv as one map per row (an empty cell, a NaN, reads as NaN).
std::vector<std::map<std::string, double>> read_metrics(const std::string& path) {
  std::istringstream in(read_file(path));
  auto cells = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
  };
  std::string line;
  std::getline(in, line);
  const auto header = cells(line);
  std::vector<std::map<std::string, double>> rows;
  while (std::getline(in, line)) {
    const auto values = cells(line);
    auto& row = rows.emplace_back();
    for (size_t i = 0; i < header.size(); ++i)
      row[header[i]] = i < values.size() && !values[i].empty() ? std::stod(values[i]) : std::nan("");
  }
  return rows;
}

// Where a test's run lives (run_training creates and locks the directory itself).
struct RunPaths {
  std::string root;
  const std::string& path() const { return root; }
  std::string file(const std::string& name) const { return root + "/" + name; }
  std::string metrics_path() const { return file("metrics.csv"); }
  std::string checkpoints_dir() const { return file("checkpoints"); }
};

struct TestRun {
  test::TempDir dir;
  std::unique_ptr<RunPaths> run;
  TestRun() { run = std::make_unique<RunPaths>(RunPaths{dir.file("run")}); }
};

TrainConfig small_vae_config(int64_t epochs) {
  auto cfg = TrainConfig::preset("vae");
  cfg.loop.epochs = epochs;
  cfg.loop.batch_size = 32;
  cfg.loop.grid_samples = 16;
  cfg.model.vae.hidden = "64";
  cfg.model.vae.latent = 4;
  return cfg;
}

// The run settings of a test run in `run` (a fresh run, or the continuation of one).
RunSettings settings_for(const RunPaths& run, bool resume, std::string config_ini = "") {
  RunSettings s;
  (resume ? s.resume : s.run_dir) = run.path();
  s.config_ini = std::move(config_ini);
  s.quiet = true;
  return s;
}

int64_t epochs_of(const RunOutcome& r) { return r.result.at("epochs").get<int64_t>(); }
int64_t steps_of(const RunOutcome& r) { return r.result.at("steps").get<int64_t>(); }

RunOutcome train_fresh(const TrainConfig& cfg, const Dataset& train, const Dataset& test, const RunPaths& run,
                       bool resume, std::unique_ptr<GenerativeModel>* out = nullptr) {
  torch::manual_seed(cfg.common.seed);
  auto model = make_model(cfg.model, DataShape::of(train));
  auto r = train_model(*model, cfg.loop, train, test, settings_for(run, resume), cfg.common.seed);
  if (out) *out = std::move(model);
  return r;
}

TEST(TrainLoop, WritesGridsMetricsAndCheckpoints) {
  torch::set_num_threads(1);
  const auto train = blob_images(96, 1), test = blob_images(40, 2);
  TestRun a;
  const auto r = train_fresh(small_vae_config(2), train, test, *a.run, false);
  EXPECT_EQ(epochs_of(r), 2);
  EXPECT_EQ(steps_of(r), 6);
  const Image png = read_png(a.run->file("samples/epoch_002.png"));
  EXPECT_EQ(png.width, 8 * 28 + 9 * 2);
  EXPECT_EQ(png.height, 2 * 28 + 3 * 2);
  EXPECT_TRUE(file_exists(a.run->file("samples/epoch_001.png")));
  const std::string csv = read_file(a.run->metrics_path());
  EXPECT_EQ(csv.rfind("epoch,step,train_seconds,images_per_s,loss,reconstruction,kl,test_neg_elbo", 0), 0u) << csv;
  EXPECT_EQ(CheckpointStore(a.run->checkpoints_dir(), 3).list().size(), 2u);
}

TEST(TrainLoop, ResumeAtEpochBoundaryContinuesExactly) {
  torch::set_num_threads(1);
  const auto train = blob_images(96, 1), test = blob_images(40, 2);
  TestRun straight, resumed;
  std::unique_ptr<GenerativeModel> m1, m2;
  train_fresh(small_vae_config(3), train, test, *straight.run, false, &m1);
  train_fresh(small_vae_config(1), train, test, *resumed.run, false);
  const auto r = train_fresh(small_vae_config(3), train, test, *resumed.run, true, &m2);
  EXPECT_EQ(steps_of(r), 9);
  const auto z = torch::randn({5, 4});
  EXPECT_TRUE(torch::equal(m1->generate(z, {}), m2->generate(z, {})));
  // The metrics of the last epoch agree to the last digit.
  const std::string a = read_file(straight.run->metrics_path()), b = read_file(resumed.run->metrics_path());
  auto last_losses = [](const std::string& csv) {
    auto line = csv.substr(csv.rfind('\n', csv.size() - 2) + 1);
    auto first = line.find(',', line.find(',', line.find(',') + 1) + 1);  // skip epoch, step, train_seconds
    return line.substr(line.find(',', first + 1));                        // and images_per_s
  };
  EXPECT_EQ(last_losses(a), last_losses(b));
}

// Forwards everything to a model and raises SIGINT after `after` training steps, as a user would.
class InterruptAfter : public GenerativeModel {
 public:
  InterruptAfter(GenerativeModel& inner, int64_t after) : GenerativeModel(inner.shape()), inner_(inner), left_(after) {}
  std::string algorithm() const override { return inner_.algorithm(); }
  std::string architecture() const override { return inner_.architecture(); }
  std::vector<std::string> loss_names() const override { return inner_.loss_names(); }
  void prepare(const Dataset& train) override { inner_.prepare(train); }
  void begin_run(int64_t epochs) override { inner_.begin_run(epochs); }
  std::vector<double> train_step(int64_t e, const torch::Tensor& x, const torch::Tensor& y) override {
    if (--left_ == 0) std::raise(SIGINT);
    return inner_.train_step(e, x, y);
  }
  std::vector<std::string> eval_names() const override { return inner_.eval_names(); }
  std::vector<double> evaluate(const Dataset& t) override { return inner_.evaluate(t); }
  int64_t latent_dim() const override { return inner_.latent_dim(); }
  int64_t num_classes() const override { return inner_.num_classes(); }
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& l) override { return inner_.generate(z, l); }
  FixedInputs make_fixed_inputs(int64_t n, uint64_t s, const Dataset& t) const override {
    return inner_.make_fixed_inputs(n, s, t);
  }
  torch::Tensor visualize(const FixedInputs& f) override { return inner_.visualize(f); }
  void save(CheckpointWriter& w) const override { inner_.save(w); }
  void load(CheckpointReader& r) override { inner_.load(r); }

 private:
  void move_to(torch::Device d) override { inner_.to(d); }
  GenerativeModel& inner_;
  int64_t left_;
};

TEST(TrainLoop, SigintMidEpochCheckpointsAndResumesExactly) {
  torch::set_num_threads(1);
  // A GAN on ring8 (D and G optimizers, the d-step counter, LibTorch's generator).
  auto cfg = TrainConfig::preset("gan");
  cfg.loop.data = "ring8";
  cfg.loop.epochs = 2;
  cfg.loop.batch_size = 64;
  cfg.loop.grid_samples = 4;
  cfg.model.gan.d_steps = 2;
  cfg.model.gan.g_hidden = cfg.model.gan.d_hidden = "32";
  const auto train = load_dataset("ring8", Split::Train, 1, 640), test = load_dataset("ring8", Split::Test, 1, 100);
  TestRun straight, resumed;
  std::unique_ptr<GenerativeModel> m1, m2;
  train_fresh(cfg, train, test, *straight.run, false, &m1);

  torch::manual_seed(cfg.common.seed);
  auto inner = make_model(cfg.model, DataShape::of(train));
  InterruptAfter wrapped(*inner, 14);  // the 14th step of 20: mid-epoch 2
  const auto r = train_model(wrapped, cfg.loop, train, test, settings_for(*resumed.run, false), cfg.common.seed);
  EXPECT_EQ(r.interrupted_by, SIGINT);
  EXPECT_EQ(r.exit_code(), 130);
  EXPECT_EQ(steps_of(r), 14);  // the 14th step runs, the loop stops before the 15th
  EXPECT_EQ(CheckpointReader::read_header(r.checkpoint).counter("batch"), 4);
  const auto done = train_fresh(cfg, train, test, *resumed.run, true, &m2);
  EXPECT_EQ(steps_of(done), 20);
  const auto z = torch::randn({7, cfg.model.gan.z_dim});
  EXPECT_TRUE(torch::equal(m1->generate(z, {}), m2->generate(z, {})));
}

TEST(Vae, ImportanceWeightedBoundIsTighterThanTheElbo) {
  torch::set_num_threads(1);
  const auto train = blob_images(96, 1), test = blob_images(40, 2);
  TestRun a;
  std::unique_ptr<GenerativeModel> m;
  train_fresh(small_vae_config(2), train, test, *a.run, false, &m);
  auto& vae = dynamic_cast<VaeModel&>(*m);
  const double elbo_nll = vae.elbo(test, 5).negative_elbo;
  const double iw1 = vae.importance_weighted_nll(test, 1, 5);
  const double iw50 = vae.importance_weighted_nll(test, 50, 5);
  EXPECT_NEAR(iw1, elbo_nll, 0.05 * std::abs(elbo_nll));  // k = 1 is the ELBO (another sample)
  EXPECT_LT(iw50, elbo_nll);
  EXPECT_GT(iw50, 0.0);
}

// The stacked autoencoder's three phases: greedy pre-training, the linear probe (only the head
// learns; its test accuracy is the "before fine-tuning" figure), then end-to-end fine-tuning.
TEST(StackedAutoencoder, ProbeTrainsOnlyTheHeadAndReportsTheAccuracyBeforeFineTuning) {
  torch::set_num_threads(1);
  const auto train = blob_images(200, 1), test = blob_images(60, 2);
  auto cfg = TrainConfig::preset("sae");
  cfg.loop.epochs = 3;
  cfg.loop.batch_size = 20;
  cfg.loop.grid_samples = 8;
  cfg.loop.keep_checkpoints = 20;
  cfg.model.ae.hidden = "32,16";
  cfg.model.ae.pretrain_epochs = 5;
  cfg.model.ae.lr = 1e-2;
  cfg.model.ae.activation = "relu";
  cfg.model.ae.probe_epochs = 10;
  cfg.model.ae.labels = 60;
  cfg.model.ae.finetune_lr = 1e-2;
  TestRun a;
  const auto r = train_fresh(cfg, train, test, *a.run, false);
  EXPECT_EQ(epochs_of(r), 2 * 5 + 10 + 3);              // 2 levels x 5, probe 10, fine-tuning 3
  EXPECT_EQ(steps_of(r), 2 * 5 * 10 + 10 * 3 + 3 * 3);  // 200 / 20 per level epoch, 60 / 20 per labelled epoch

  auto encoder_after = [&](int64_t step) {
    char name[64];
    std::snprintf(name, sizeof(name), "/ckpt-%012lld.tpck", static_cast<long long>(step));
    CheckpointReader reader(a.run->checkpoints_dir() + name);
    nets::Autoencoder ae(nets::AutoencoderOptions({784, 32, 16}).activation("relu"));
    reader.load_module("sae.ae", *ae);
    return ae;
  };
  auto same = [](const nets::Autoencoder& x, const nets::Autoencoder& y) {
    const auto px = x->parameters(), py = y->parameters();
    for (size_t i = 0; i < px.size(); ++i)
      if (!torch::equal(px[i], py[i])) return false;
    return true;
  };
  const auto pretrained = encoder_after(100), probed = encoder_after(130), finetuned = encoder_after(139);
  EXPECT_TRUE(same(pretrained, probed));  // the probe leaves the pre-trained stack frozen
  EXPECT_FALSE(same(probed, finetuned));  // fine-tuning moves it

  // The before figure is the test accuracy at the end of the probe (epoch 20), carried to the end.
  const auto rows = read_metrics(a.run->metrics_path());
  ASSERT_EQ(rows.size(), 23u);
  auto column = [&](const std::string& name, size_t row) { return rows[row].at(name); };
  EXPECT_TRUE(std::isnan(column("test_accuracy_before_finetuning", 18)));
  const double before = column("test_accuracy", 19);
  EXPECT_EQ(column("test_accuracy_before_finetuning", 19), before);
  EXPECT_EQ(column("test_accuracy_before_finetuning", 22), before);
  // The head learned during the probe (its epoch-mean loss fell).
  EXPECT_LT(column("loss_classification", 19), 0.5 * column("loss_classification", 10));
  EXPECT_EQ(r.result.at("test_accuracy_before_finetuning").get<double>(), before);

  // Without pre-training there is no probe phase and no before figure.
  cfg.model.ae.pretrain_epochs = 0;
  TestRun b;
  const auto r0 = train_fresh(cfg, train, test, *b.run, false);
  EXPECT_EQ(epochs_of(r0), 3);
  EXPECT_TRUE(r0.result.at("test_accuracy_before_finetuning").is_null());
}

TEST(ModelIo, AnOptionMissingFromAnOlderRecordTakesItsOwnDefaultNotThePresets) {
  torch::set_num_threads(1);
  const auto train = blob_images(32, 1), test = blob_images(8, 2);
  // A dcgan run recorded before --minibatch-std existed: its config.ini has no such key, and
  // its discriminator has no spread plane. Today's dcgan preset turns the plane on.
  ASSERT_TRUE(TrainConfig::preset("dcgan").model.gan.minibatch_std);
  TestRun a;
  auto cfg = TrainConfig::preset("dcgan");
  cfg.model.gan.minibatch_std = false;
  cfg.model.gan.ngf = cfg.model.gan.ndf = 4;
  cfg.loop.epochs = 1;
  cfg.loop.grid_samples = 4;
  OptionSet set("t");
  cfg.bind(set);
  set.parse({});
  std::string ini, line;
  std::istringstream lines(set.to_ini());
  while (std::getline(lines, line))
    if (line.rfind("minibatch-std", 0) != 0) ini += line + "\n";
  ASSERT_EQ(ini.find("minibatch-std"), std::string::npos);
  auto m = make_model(cfg.model, DataShape::of(train));
  train_model(*m, cfg.loop, train, test, settings_for(*a.run, false, ini), cfg.common.seed);
  const auto loaded = load_model_checkpoint(a.run->path());
  EXPECT_FALSE(loaded.config.model.gan.minibatch_std);
  EXPECT_EQ(loaded.model->architecture(), m->architecture());
  // Recorded options still win over the base: the record's widths and batch size.
  EXPECT_EQ(loaded.config.model.gan.ngf, 4);
  EXPECT_EQ(loaded.config.loop.batch_size, cfg.loop.batch_size);
  EXPECT_EQ(loaded.config.model.gan.lr_g, cfg.model.gan.lr_g);
}

TEST(ModelIo, CheckpointRebuildsTheModel) {
  torch::set_num_threads(1);
  const auto train = blob_images(64, 1), test = blob_images(20, 2);
  TestRun a;
  auto cfg = small_vae_config(1);
  OptionSet set("t");
  cfg.bind(set);
  set.parse({});
  std::unique_ptr<GenerativeModel> m;
  torch::manual_seed(1);
  m = make_model(cfg.model, DataShape::of(train));
  const auto r = train_model(*m, cfg.loop, train, test, settings_for(*a.run, false, set.to_ini()), cfg.common.seed);
  auto loaded = load_model_checkpoint(a.run->path());
  EXPECT_EQ(loaded.path, r.checkpoint);
  EXPECT_EQ(loaded.model->algorithm(), "vae");
  EXPECT_EQ(loaded.config.model.vae.hidden, "64");
  const auto z = torch::randn({3, 4});
  EXPECT_TRUE(torch::equal(loaded.model->generate(z, {}), m->generate(z, {})));
  EXPECT_THROW(load_model_checkpoint(a.dir.file("nothing-here")), CheckpointError);
}

}  // namespace
}  // namespace tp::gen
