// The generative commands end to end through the real CLI, on tiny data.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <thread>
#include <utility>
#include <vector>

#include "core/checkpoint.h"
#include "core/rng.h"
#include "core/json.h"
#include "core/png_image.h"
#include "core/run_dir.h"
#include "generative/data/idx.h"
#include "tests/test_util.h"
#include "tests/tiny_mnist.h"

namespace tp::gen {
namespace {

// The JSON object on the last line of `output`.
Json last_json(const std::string& output) {
  auto end = output.find_last_not_of('\n');
  auto start = output.rfind('\n', end);
  return Json::parse(output.substr(start == std::string::npos ? 0 : start + 1,
                                   end - (start == std::string::npos ? 0 : start + 1) + 1));
}

TEST(GenerativeCli, GanOnRing8TrainsGeneratesAndEvaluates) {
  test::TempDir dir;
  const std::string run = dir.file("run");
  auto r = test::run_torchplay(
      "train gan --data ring8 --epochs 1 --synthetic-size 2048 --g-hidden 32 --d-hidden 32 --threads 1 --quiet --json "
      "--run-dir " +
      run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = last_json(r.output);
  const Json trained = j;
  EXPECT_EQ(j.at("algorithm").get<std::string>(), "gan");
  EXPECT_EQ(j.at("steps").get<int64_t>(), 8);
  EXPECT_TRUE(j.contains("modes"));
  EXPECT_EQ(read_png(run + "/samples/epoch_001.png").width, 400);

  r = test::run_torchplay("generate --model " + run + " --n 500 --out " + dir.file("pts.png") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_png(dir.file("pts.png")).height, 400);

  // Seeded with the training loop's fixed evaluation stream (0x5eed = 24301), eval of the
  // checkpoint reproduces the training run's final mode figures exactly.
  r = test::run_torchplay("eval --model " + run + " --seed 24301 --json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  j = last_json(r.output);
  EXPECT_EQ(j.at("modes_total").get<int64_t>(), 8);
  EXPECT_EQ(j.at("modes").get<int64_t>(), trained.at("modes").get<int64_t>());
  EXPECT_EQ(j.at("high_quality").get<double>(), trained.at("high_quality").get<double>());
  // Training is reproducible: the same seed gives bit-identical losses, another seed not.
  const std::string again =
      "train gan --data ring8 --epochs 1 --synthetic-size 2048 --g-hidden 32 --d-hidden 32 --threads 1 --quiet --json "
      "--run-dir ";
  r = test::run_torchplay(again + dir.file("same"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  j = last_json(r.output);
  for (const char* k : {"loss_d", "loss_g", "d_real", "d_fake"})
    EXPECT_EQ(j.at(k).get<double>(), trained.at(k).get<double>()) << k;
  r = test::run_torchplay(again + dir.file("other") + " --seed 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(last_json(r.output).at("loss_d").get<double>(), trained.at("loss_d").get<double>());

  // Bad packing / averaging settings are usage errors.
  for (const std::string bad : {"--pack 0", "--pack 4 --batch-size 2", "--g-ema 1", "--loss wgan-gp --pack 2"}) {
    r = test::run_torchplay("train gan --data ring8 --epochs 1 --synthetic-size 64 --quiet --run-dir " +
                            dir.file("bad") + " " + bad);
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.output;
  }

  // A conditional model needs labels: ring8 has none.
  r = test::run_torchplay("train cgan --data ring8 --arch mlp --epochs 1 --quiet --run-dir " + dir.file("c"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("labelled"), std::string::npos) << r.output;
}

// Models without a sampler cannot be TorchScript (torchplay export), but their play-only
// checkpoint copy works and still evaluates.
TEST(GenerativeCli, ModelsWithoutASamplerExportOnlyAsCheckpoints) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string run = dir.file("ae");
  auto r = test::run_torchplay("train ae --hidden 32 --data " + dir.path() +
                               " --threads 1 --quiet --epochs 1 --batch-size 32 --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("export --model " + run + " --out " + dir.file("ae.pt"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("'ae' models cannot be exported to TorchScript"), std::string::npos) << r.output;
  r = test::run_torchplay("export --model " + run + " --out " + dir.file("ae.tpck"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(CheckpointReader(dir.file("ae.tpck")).inference_only());
  r = test::run_torchplay("eval --model " + dir.file("ae.tpck") + " --threads 1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(GenerativeCli, ImageModelsWriteRealPngGridsAndInterpolations) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string data = " --data " + dir.path() + " --threads 1 --quiet --epochs 1 --batch-size 32";
  Json j;
  auto r = test::run_torchplay("train cgan --ngf 8 --ndf 8" + data + " --run-dir " + dir.file("cgan"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Conditional grid: one column per class.
  EXPECT_EQ(read_png(dir.file("cgan/samples/epoch_001.png")).width, 10 * 28 + 11 * 2);

  r = test::run_torchplay("generate --model " + dir.file("cgan") + " --n 16 --class 3 --out " + dir.file("c3.png") +
                          " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image c3 = read_png(dir.file("c3.png"));
  EXPECT_EQ(c3.width, 8 * 28 + 9 * 2);
  EXPECT_EQ(c3.height, 2 * 28 + 3 * 2);
  // --scale 3: the same grid with every pixel a 3x3 block.
  r = test::run_torchplay("generate --model " + dir.file("cgan") + " --n 16 --class 3 --scale 3 --out " +
                          dir.file("c3x3.png") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image c3x3 = read_png(dir.file("c3x3.png"));
  EXPECT_EQ(c3x3.width, 3 * c3.width);
  EXPECT_EQ(c3x3.height, 3 * c3.height);
  EXPECT_EQ(*c3x3.at(3 * 40 + 2, 3 * 20 + 1), *c3.at(40, 20));
  EXPECT_EQ(upscaled(c3, 3).pixels, c3x3.pixels);
  r = test::run_torchplay("generate --model " + dir.file("cgan") + " --scale 0 --out " + dir.file("x.png"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = test::run_torchplay("generate --model " + dir.file("cgan") + " --class 10 --out " + dir.file("x.png"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // --raw-generator samples G's trained weights instead of their average (--g-ema); a model
  // that keeps no average refuses it.
  for (const std::string& cmd : {"generate --out " + dir.file("x.png"), std::string("eval")}) {
    r = test::run_torchplay(cmd + " --model " + dir.file("cgan") + " --raw-generator");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("keeps no weight average"), std::string::npos) << r.output;
  }
  r = test::run_torchplay("train cgan --ngf 8 --ndf 8 --g-ema 0.5" + data + " --run-dir " + dir.file("ema"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string name : {"average", "raw"}) {
    r = test::run_torchplay("generate --model " + dir.file("ema") + " --class 3 --quiet --out " +
                            dir.file(name + ".png") + (name == "raw" ? " --raw-generator" : ""));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_NE(read_png(dir.file("average.png")).pixels, read_png(dir.file("raw.png")).pixels);

  r = test::run_torchplay("train vae --hidden 32 --latent 4" + data + " --run-dir " + dir.file("vae"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("generate --model " + dir.file("vae") + " --n 4 --interpolate 0,3 --steps 6 --out " +
                          dir.file("walk.png") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image walk = read_png(dir.file("walk.png"));
  EXPECT_EQ(walk.width, 6 * 28 + 7 * 2);
  EXPECT_EQ(walk.height, 28 + 2 * 2);
  r = test::run_torchplay("generate --model " + dir.file("vae") + " --class 1 --out " + dir.file("x.png"));
  EXPECT_EQ(r.exit_code, 2) << r.output;  // not conditional
  // Without --classifier a VAE reports its likelihood bounds only (and says so).
  r = test::run_torchplay("eval --model " + dir.file("vae") + " --iw-samples 5 --json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  j = last_json(r.output);
  EXPECT_LE(j.at("test_iw_nll").get<double>(), j.at("test_neg_elbo").get<double>() + 1.0);
  EXPECT_NE(r.output.find("not computed"), std::string::npos) << r.output;
  // A GAN has nothing to report without the classifier.
  r = test::run_torchplay("eval --model " + dir.file("cgan") + " --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--classifier"), std::string::npos) << r.output;

  r = test::run_torchplay("train dae --hidden 32 --json" + data + " --run-dir " + dir.file("dae"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const double trained_reconstruction = last_json(r.output).at("test_reconstruction").get<double>();
  // The checkpoint, evaluated again, gives the training run's final test reconstruction.
  r = test::run_torchplay("eval --model " + dir.file("dae") + " --json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(last_json(r.output).at("test_reconstruction").get<double>(), trained_reconstruction);
  r = test::run_torchplay("generate --model " + dir.file("dae") + " --out " + dir.file("x.png"));
  EXPECT_EQ(r.exit_code, 2) << r.output;  // no latent prior to sample
}

// The evaluation classifier trained through the CLI learns the tiny set's classes (the
// class sets the height of a bright band), and `eval --classifier` scores a barely trained
// generator with it: its FID lies well above the floor (training images vs the test set).
TEST(GenerativeCli, ClassifierTrainsAndScoresAGeneratorsFidAndInceptionScore) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string common = " --threads 1 --quiet --json --seed 3", data = " --data " + dir.path() + common;
  auto r = test::run_torchplay("train classifier --features 32 --epochs 25 --batch-size 16" + data + " --run-dir " +
                               dir.file("cls"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json c = last_json(r.output);
  EXPECT_EQ(c.at("algorithm").get<std::string>(), "classifier");
  // 32 test images of 10 classes: chance is 0.1.
  EXPECT_GE(c.at("test_accuracy").get<double>(), 0.8) << r.output;
  // Its checkpoint reports the same accuracy through eval.
  r = test::run_torchplay("eval --model " + dir.file("cls") + common);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(last_json(r.output).at("test_accuracy").get<double>(), c.at("test_accuracy").get<double>());

  r = test::run_torchplay("train dcgan --ngf 8 --ndf 8 --epochs 1 --batch-size 32" + data + " --run-dir " +
                          dir.file("gan"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("eval --model " + dir.file("gan") + " --classifier " + dir.file("cls") + " --samples 64" +
                          common);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json j = last_json(r.output);
  EXPECT_EQ(j.at("samples").get<int64_t>(), 64);
  const double fid = j.at("fid").get<double>(), floor = j.at("fid_floor").get<double>();
  EXPECT_GT(floor, 0.0);
  EXPECT_GT(fid, 4 * floor) << r.output;
  const double is = j.at("inception_score").get<double>();
  EXPECT_GE(is, 1.0);
  EXPECT_LE(is, 10.0);
  EXPECT_TRUE(j.contains("inception_score_std"));
  // The accurate classifier spreads real images over the classes with confidence; the one
  // epoch generator's samples all look alike to it (IS near 1). The test set's IS is bounded
  // by its split size (32 images in 10 splits), hence the lower bar.
  EXPECT_GT(j.at("inception_score_train").get<double>(), 2 * is) << r.output;
  EXPECT_GT(j.at("inception_score_test").get<double>(), 1.5 * is) << r.output;

  // SRGAN's content loss runs through this classifier's feature maps (epoch 2, after the MSE
  // warm-up); eval scores its outputs and bicubic upsampling with it.
  const std::string sr_net = " --width 8 --blocks 1 --ndf 4 --epochs 2 --batch-size 16";
  r = test::run_torchplay("train srgan --content-net " + dir.file("cls") + sr_net + data + " --run-dir " +
                          dir.file("sr"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GT(last_json(r.output).at("content").get<double>(), 0.0) << r.output;
  r = test::run_torchplay("eval --model " + dir.file("sr") + " --classifier " + dir.file("cls") + common);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json sr = last_json(r.output);
  EXPECT_EQ(sr.at("task").get<std::string>(), "sr4");
  EXPECT_EQ(sr.at("baseline").get<std::string>(), "bicubic");
  EXPECT_GT(sr.at("baseline_psnr").get<double>(), 10.0);
  EXPECT_GT(sr.at("fid").get<double>(), 0.0);
  EXPECT_GT(sr.at("baseline_fid").get<double>(), 0.0);
  EXPECT_GE(sr.at("class_accuracy_truth").get<double>(), 0.8);
  // A content network that is no classifier is refused in one line.
  r = test::run_torchplay("train srgan --content-net " + dir.file("gan") + sr_net + data + " --run-dir " +
                          dir.file("sr2"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not a classifier"), std::string::npos) << r.output;
}

TEST(GenerativeCli, SaeResumeAndBadInput) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string args =
      "train sae --hidden 16,8 --pretrain-epochs 1 --probe-epochs 2 --labels 40 --epochs 2 --batch-size 16 --threads 1 "
      "--quiet --json --data " +
      dir.path();
  auto r = test::run_torchplay(args + " --run-dir " + dir.file("sae"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = last_json(r.output);
  EXPECT_EQ(j.at("epochs").get<int64_t>(), 6);  // 2 layer-wise + 2 probe + 2 fine-tuning
  EXPECT_EQ(j.at("steps").get<int64_t>(), 4 + 4 + 3 + 3 + 3 + 3);
  EXPECT_GE(j.at("test_accuracy_before_finetuning").get<double>(), 0.0);
  // Resuming a finished run adds the extra epochs asked for.
  r = test::run_torchplay("train sae --resume " + dir.file("sae") + " --epochs 3 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(last_json(r.output).at("steps").get<int64_t>(), 23);

  r = test::run_torchplay("train vae --data " + dir.file("missing") + " --quiet");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(dir.file("missing")), std::string::npos) << r.output;
  r = test::run_torchplay("train vae --arch rnn --epochs 1 --data " + dir.path() + " --run-dir " + dir.file("rnn"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  write_file_atomic(dir.file("train-labels-idx1-ubyte"), "\x01\x02garbage");
  r = test::run_torchplay("train vae --data " + dir.path() + " --quiet");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("magic"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("train-labels-idx1-ubyte"), std::string::npos) << r.output;
  r = test::run_torchplay("generate");
  EXPECT_EQ(r.exit_code, 2);
  r = test::run_torchplay("eval --model " + dir.file("nothing"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(dir.file("nothing")), std::string::npos) << r.output;
}

// --threads 2 splits each batch over two threads (nets/data_parallel.h): the run records the
// layout, is reproducible, resumes exactly (each part's noise comes from the checkpointed
// generator) and still trains. A 2-D GAN (too small to split) and the classifier (its dropout
// draws from LibTorch's one default generator) keep one thread: --threads are intra-op threads.
TEST(GenerativeCli, DataParallelRunsAreReproducibleAndResumeExactly) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string args =
      "train dcgan --ngf 8 --ndf 8 --batch-size 16 --threads 2 --seed 4 --quiet --json --data " + dir.path();
  auto r = test::run_torchplay(args + " --epochs 2 --run-dir " + dir.file("a"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json a = last_json(r.output);
  EXPECT_NE(read_file(dir.file("a/config.ini")).find("# thread layout: 2 workers, 1 intra-op"), std::string::npos);
  r = test::run_torchplay(args + " --epochs 2 --run-dir " + dir.file("b"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json b = last_json(r.output);
  r = test::run_torchplay(args + " --epochs 1 --run-dir " + dir.file("c"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("train dcgan --resume " + dir.file("c") + " --epochs 2 --quiet --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json c = last_json(r.output);
  for (const char* key : {"loss_d", "loss_g", "d_real", "d_fake"}) {
    EXPECT_EQ(a.at(key).get<double>(), b.at(key).get<double>()) << key;
    EXPECT_EQ(a.at(key).get<double>(), c.at(key).get<double>()) << key;
  }
  // A different part count is a different (but valid) run of the same model.
  r = test::run_torchplay("train dcgan --ngf 8 --ndf 8 --batch-size 16 --threads 1 --seed 4 --quiet --json --data " +
                          dir.path() + " --epochs 2 --run-dir " + dir.file("d"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(a.at("loss_d").get<double>(), last_json(r.output).at("loss_d").get<double>());
  EXPECT_TRUE(std::isfinite(a.at("loss_d").get<double>()));

  // So do the VAE (its posterior samples per part), WGAN-GP (its interpolation weights) and
  // the denoising autoencoder (its corruption noise).
  const std::vector<std::pair<std::string, std::string>> models = {
      {"vae --hidden 16 --latent 4", "loss"}, {"wgan-gp --ngf 8 --ndf 8", "loss_d"}, {"dae --hidden 16", "loss"}};
  for (const auto& [model, key] : models) {
    const std::string run = "train " + model + " --epochs 1 --batch-size 16 --threads 2 --quiet --json --data " +
                            dir.path() + " --run-dir " + dir.file(model.substr(0, 3));
    r = test::run_torchplay(run + "1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const Json first = last_json(r.output);
    r = test::run_torchplay(run + "2");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(first.at(key).get<double>(), last_json(r.output).at(key).get<double>()) << model;
    EXPECT_NE(read_file(dir.file(model.substr(0, 3) + "1/config.ini")).find("2 workers"), std::string::npos);
  }

  r = test::run_torchplay(
      "train gan --data ring8 --epochs 1 --synthetic-size 512 --g-hidden 16 --d-hidden 16 --threads 2 --quiet "
      "--run-dir " +
      dir.file("ring"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(read_file(dir.file("ring/config.ini")).find("# thread layout: 2 intra-op"), std::string::npos)
      << read_file(dir.file("ring/config.ini"));
  r = test::run_torchplay("train classifier --epochs 1 --batch-size 16 --threads 2 --quiet --data " + dir.path() +
                          " --run-dir " + dir.file("clf"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(read_file(dir.file("clf/config.ini")).find("# thread layout: 2 intra-op"), std::string::npos);
}

// The default layout splits a batch into one part per core that other processes leave free at
// the start (CoreUse::kDataParallel): with all cores but one kept busy by spinning threads of
// this test process, the default VAE run trains in one part and says why in config.ini, while
// an explicit --threads 2 still splits into two (it is how many cores the run may use, and a
// part count is part of what makes a run reproducible).
TEST(GenerativeCli, DefaultPartsAreTheCoresLeftFreeByOtherProcesses) {
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores < 2) GTEST_SKIP() << "one core: the default is one part anyway";
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  std::atomic<bool> stop{false};
  std::vector<std::thread> spinners;
  for (unsigned i = 0; i + 1 < cores; ++i)
    spinners.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
      }
    });
  const std::string vae = " train vae --hidden 16 --latent 4 --epochs 1 --batch-size 16 --quiet --data " + dir.path();
  auto r =
      test::run_command("TORCHPLAY_LOAD_AWARE=1 " + test::torchplay_bin() + vae + " --run-dir " + dir.file("default"));
  auto r2 = test::run_command("TORCHPLAY_LOAD_AWARE=1 " + test::torchplay_bin() + vae + " --threads 2 --run-dir " +
                              dir.file("two"));
  stop = true;
  for (auto& t : spinners) t.join();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  const std::string config = read_file(dir.file("default/config.ini"));
  EXPECT_NE(config.find("# thread layout: 1 intra-op"), std::string::npos) << config;
  EXPECT_NE(config.find("cores busy at the start: 1 part)"), std::string::npos) << config;
  EXPECT_NE(read_file(dir.file("two/config.ini")).find("# thread layout: 2 workers"), std::string::npos);
}

// pix2pix through the CLI: train (L1 + GAN), rows of input | output | truth from test images,
// the user's own PNG as the input, and eval's pixel metrics; bad input is refused in one line.
TEST(GenerativeCli, Pix2PixTrainsTranslatesTestImagesAndAUsersPng) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string run = dir.file("p2p");
  auto r = test::run_torchplay("train pix2pix --ngf 8 --ndf 8 --data " + dir.path() +
                               " --threads 1 --quiet --epochs 1 --batch-size 16 --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // 16 test images: two groups of three rows (inputs, outputs, truths) of 8.
  r = test::run_torchplay("generate --model " + run + " --from-test 16 --out " + dir.file("rows.png") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image rows = read_png(dir.file("rows.png"));
  EXPECT_EQ(rows.width, 8 * 28 + 9 * 2);
  EXPECT_EQ(rows.height, 6 * 28 + 7 * 2);
  // Row 1 holds the edge maps: only black and white pixels.
  for (int x = 2; x < 2 + 28; ++x) EXPECT_TRUE(*rows.at(x, 10) == 0 || *rows.at(x, 10) == 255) << x;

  // A user's edge map: one input, its output, no truth row.
  Image sketch(28, 28, 1, 0);
  for (int i = 6; i < 22; ++i) *sketch.at(i, 6) = *sketch.at(i, 21) = *sketch.at(6, i) = *sketch.at(21, i) = 255;
  write_png(dir.file("sketch.png"), sketch);
  r = test::run_torchplay("generate --model " + run + " --input " + dir.file("sketch.png") + " --out " +
                          dir.file("mine.png") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image mine = read_png(dir.file("mine.png"));
  EXPECT_EQ(mine.width, 28 + 2 * 2);
  EXPECT_EQ(mine.height, 2 * 28 + 3 * 2);
  EXPECT_EQ(*mine.at(2 + 6, 2 + 10), 255);  // the sketch itself, unchanged, in the first row

  write_png(dir.file("big.png"), Image(32, 32, 1, 0));
  r = test::run_torchplay("generate --model " + run + " --input " + dir.file("big.png") + " --out " +
                          dir.file("x.png"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("28x28"), std::string::npos) << r.output;
  r = test::run_torchplay("generate --model " + run + " --n 4 --interpolate 0,1 --out " + dir.file("x.png"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = test::run_torchplay("train pix2pix --task sketch --data " + dir.path() + " --run-dir " + dir.file("bad"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown translation task 'sketch'"), std::string::npos) << r.output;

  // Without a classifier eval reports the pixel metrics and says what it left out.
  r = test::run_torchplay("eval --model " + run + " --json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json j = last_json(r.output);
  EXPECT_EQ(j.at("task").get<std::string>(), "edges");
  EXPECT_EQ(j.at("images").get<int64_t>(), 32);
  EXPECT_GT(j.at("psnr").get<double>(), 0.0);
  EXPECT_GT(j.at("ssim").get<double>(), -1.0);
  EXPECT_LT(j.at("ssim").get<double>(), 1.0);
  EXPECT_NE(r.output.find("not computed"), std::string::npos) << r.output;
}

}  // namespace
// cyclegan through the CLI: train between classes 7 and 9 of the tiny set, rows of images |
// translations | round trips (both domains in turn), eval's per-direction report with and
// without a classifier; bad domains are refused in one line.
TEST(GenerativeCli, CycleGanTranslatesBothDomainsAndReportsEachDirection) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.file(""));
  const std::string data = " --data " + dir.path() + " --threads 1 --quiet --epochs 1 --batch-size 4";
  const std::string run = dir.file("cg");
  auto r = test::run_torchplay("train cyclegan --ngf 4 --blocks 1 --ndf 4 --history 4" + data + " --run-dir " + run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The tiny test set has three images of each domain: six columns, three rows.
  r = test::run_torchplay("generate --model " + run + " --from-test 10 --columns 6 --out " + dir.file("rows.png") +
                          " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image rows = read_png(dir.file("rows.png"));
  EXPECT_EQ(rows.width, 6 * 28 + 7 * 2);
  EXPECT_EQ(rows.height, 3 * 28 + 4 * 2);

  r = test::run_torchplay("eval --model " + run + " --json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Json j = last_json(r.output);
  ASSERT_EQ(j.at("directions").size(), 2u);
  EXPECT_EQ(j.at("directions")[0].at("from").get<std::string>(), "7");
  EXPECT_EQ(j.at("directions")[1].at("to").get<std::string>(), "7");
  EXPECT_EQ(j.at("directions")[0].at("images").get<int64_t>(), 3);
  EXPECT_GT(j.at("directions")[1].at("cycle_l1").get<double>(), 0.0);
  EXPECT_NE(r.output.find("not computed"), std::string::npos) << r.output;

  r = test::run_torchplay("train classifier" + data + " --run-dir " + dir.file("clf"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_torchplay("eval --model " + run + " --classifier " + dir.file("clf") + " --json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  j = last_json(r.output);
  for (const auto& d : j.at("directions")) {
    EXPECT_GE(d.at("target_share").get<double>(), 0.0);
    EXPECT_LE(d.at("target_share").get<double>(), 1.0);
    EXPECT_GE(d.at("fid").get<double>(), 0.0);
  }

  r = test::run_torchplay("train cyclegan --domain-a 7 --domain-b 5,7" + data + " --run-dir " + dir.file("bad"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("class 7 is in both --domain-a and --domain-b"), std::string::npos) << r.output;
  r = test::run_torchplay("train cyclegan --domain-b 12" + data + " --run-dir " + dir.file("bad"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--domain-b: class 12 is not in 0..9"), std::string::npos) << r.output;
  r = test::run_torchplay("train cyclegan --g-ema 1" + data + " --run-dir " + dir.file("bad"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--g-ema must be in [0, 1)"), std::string::npos) << r.output;
  // No weight average in this run: --raw-generator is refused.
  r = test::run_torchplay("eval --model " + run + " --raw-generator --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("keeps no weight average"), std::string::npos) << r.output;
}

}  // namespace tp::gen
