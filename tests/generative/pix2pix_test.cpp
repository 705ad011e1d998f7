// The image-to-image models (pix2pix, SRGAN) and what they are measured with: the tasks'
// input rules against hand-made images and a slow reference, PSNR and SSIM against closed
// forms, seeded learning tests (pix2pix's outputs beat the best constant image by a wide
// margin; SRResNet beats bicubic upsampling), exact --resume, and the ablations.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/run_dir.h"
#include "generative/capabilities.h"
#include "generative/eval/image_metrics.h"
#include "generative/image_tasks.h"
#include "generative/model_factory.h"
#include "generative/model_io.h"
#include "generative/models/pix2pix.h"
#include "generative/train_loop.h"
#include "tests/generative/train_in.h"
#include "tests/test_util.h"

namespace tp::gen {
namespace {

TEST(ImageTasks, EdgeRuleOnAHandMadeSquare) {
  // A white 8x8 square (rows and columns 4..11) on black, 16x16.
  auto img = torch::zeros({1, 1, 16, 16});
  img.narrow(2, 4, 8).narrow(3, 4, 8).fill_(1.0);
  const auto e = edge_map(img)[0][0];
  auto at = [&](int r, int c) { return e[r][c].item<float>(); };
  // Along a side the Sobel step is 4 on both pixels next to it (normalized: 1).
  EXPECT_EQ(at(8, 3), 1.0f);
  EXPECT_EQ(at(8, 4), 1.0f);
  EXPECT_EQ(at(8, 11), 1.0f);
  EXPECT_EQ(at(8, 12), 1.0f);
  EXPECT_EQ(at(3, 8), 1.0f);
  EXPECT_EQ(at(12, 8), 1.0f);
  // Flat regions inside and outside, and the image border, have none.
  EXPECT_EQ(at(8, 8), 0.0f);
  EXPECT_EQ(at(8, 2), 0.0f);
  EXPECT_EQ(at(0, 0), 0.0f);
  EXPECT_EQ(at(15, 8), 0.0f);
  // The outer corner (3, 3) sees the square in one of its 8 neighbours: |(1, 1)| / 4 = 0.35.
  EXPECT_EQ(at(3, 3), 1.0f);
  EXPECT_EQ(edge_map(torch::full({1, 1, 16, 16}, 0.7)).sum().item<float>(), 0.0f);
}

// The edge rule written out pixel by pixel: Sobel with replicated borders.
float slow_edge(const torch::Tensor& img, int r, int c) {
  const int h = static_cast<int>(img.size(0)), w = static_cast<int>(img.size(1));
  auto px = [&](int y, int x) {
    y = std::clamp(y, 0, h - 1);
    x = std::clamp(x, 0, w - 1);
    return img[y][x].item<double>();
  };
  const double gx =
      px(r - 1, c + 1) + 2 * px(r, c + 1) + px(r + 1, c + 1) - px(r - 1, c - 1) - 2 * px(r, c - 1) - px(r + 1, c - 1);
  const double gy =
      px(r + 1, c - 1) + 2 * px(r + 1, c) + px(r + 1, c + 1) - px(r - 1, c - 1) - 2 * px(r - 1, c) - px(r - 1, c + 1);
  return std::sqrt(gx * gx + gy * gy) / 4.0 >= kEdgeThreshold ? 1.0f : 0.0f;
}

TEST(ImageTasks, EdgeRuleMatchesAPixelByPixelReference) {
  torch::manual_seed(5);
  const auto images = (torch::rand({2, 3, 12, 10}) > 0.6).to(torch::kFloat32) * torch::rand({2, 3, 12, 10});
  const auto e = edge_map(images);
  ASSERT_EQ(e.sizes(), images.sizes());
  for (int n = 0; n < 2; ++n)
    for (int ch = 0; ch < 3; ++ch)
      for (int r = 0; r < 12; ++r)
        for (int c = 0; c < 10; ++c) ASSERT_EQ(e[n][ch][r][c].item<float>(), slow_edge(images[n][ch], r, c));
}

TEST(ImageTasks, InpaintingGreysTheCentreSquareOnly) {
  const auto img = torch::rand({2, 1, 28, 28});
  const auto m = mask_centre(img);
  EXPECT_TRUE(torch::equal(m.narrow(2, 7, 14).narrow(3, 7, 14), torch::full({2, 1, 14, 14}, 0.5)));
  auto outside = torch::ones({28, 28}, torch::kBool);
  outside.narrow(0, 7, 14).narrow(1, 7, 14).fill_(false);
  EXPECT_TRUE(torch::equal(m.masked_select(outside), img.masked_select(outside)));
  EXPECT_THROW(translation_source("sketch", img), UsageError);
}

TEST(ImageTasks, SuperResolutionAveragesBlocksAndBicubicKeepsConstants) {
  const auto img = torch::arange(64, torch::kFloat32).view({1, 1, 8, 8}) / 64.0;
  const auto small = downsample_4x(img);
  ASSERT_EQ(small.sizes(), torch::IntArrayRef({1, 1, 2, 2}));
  // Top-left 4x4 block: rows 0..3, columns 0..3 -> mean of 8r + c = 8 * 1.5 + 1.5 = 13.5.
  EXPECT_NEAR(small[0][0][0][0].item<double>(), 13.5 / 64.0, 1e-6);
  EXPECT_NEAR(small[0][0][1][1].item<double>(), (8 * 5.5 + 5.5) / 64.0, 1e-6);
  EXPECT_TRUE(
      torch::allclose(bicubic_upsample(torch::full({2, 1, 7, 7}, 0.3), 28, 28), torch::full({2, 1, 28, 28}, 0.3)));
  EXPECT_EQ(naive_translation_name("sr4"), "bicubic");
  EXPECT_EQ(naive_translation_name("edges"), "");
}

TEST(ImageMetrics, PsnrAndSsimAgainstClosedForms) {
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  const auto a = torch::full({1, 1, 16, 16}, 0.5, f64), b = torch::full({1, 1, 16, 16}, 0.6, f64);
  EXPECT_NEAR(psnr(a, b).item<double>(), 20.0, 1e-9);   // MSE 0.01
  EXPECT_NEAR(psnr(a, a).item<double>(), 100.0, 1e-9);  // the floored MSE
  // Constant images: no variance, so only the luminance term (2 mu_a mu_b + C1) / (mu_a^2 + mu_b^2 + C1).
  const double c1 = 1e-4;
  EXPECT_NEAR(ssim(a, b).item<double>(), (2 * 0.5 * 0.6 + c1) / (0.25 + 0.36 + c1), 1e-12);
  const auto x = torch::rand({3, 2, 16, 16}, f64);
  EXPECT_NEAR(ssim(x, x).mean().item<double>(), 1.0, 1e-12);
  // A constant image against one with the same local means but structure: the structure term
  // C2 / (var + C2) < 1; and SSIM is symmetric.
  EXPECT_NEAR(ssim(x, 1 - x)[0].item<double>(), ssim(1 - x, x)[0].item<double>(), 1e-12);
  EXPECT_LT(ssim(x, 1 - x)[0].item<double>(), 0.0);  // anticorrelated
  EXPECT_EQ(psnr(x, b.expand({3, 2, 16, 16})).size(0), 3);
}

// White filled rectangles of random size and place: the edge map shows the outline and the
// model must fill it in.
Dataset rectangles(int64_t n, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  Dataset d;
  d.name = "rectangles";
  d.x = torch::zeros({n, 1, 28, 28});
  d.y = torch::zeros({n}, torch::kInt64);
  d.num_classes = 1;
  for (int64_t i = 0; i < n; ++i) {
    auto r = torch::randint(0, 1000, {4}, gen, torch::kInt64);
    const int64_t h = 6 + r[0].item<int64_t>() % 14, w = 6 + r[1].item<int64_t>() % 14;
    const int64_t top = 2 + r[2].item<int64_t>() % (24 - h), left = 2 + r[3].item<int64_t>() % (24 - w);
    d.x[i][0].narrow(0, top, h).narrow(1, left, w).fill_(1.0);
  }
  return d;
}

TrainConfig small_pix2pix(int64_t epochs, double gan_weight = 1, const std::string& task = "edges") {
  auto cfg = TrainConfig::preset("pix2pix");
  cfg.model.pix2pix.task = task;
  cfg.loop.epochs = epochs;
  cfg.loop.batch_size = 16;
  cfg.loop.grid_samples = 24;
  cfg.model.pix2pix.ngf = 8;
  cfg.model.pix2pix.ndf = 8;
  cfg.model.pix2pix.lr = 2e-3;
  cfg.model.pix2pix.gan_weight = gan_weight;
  return cfg;
}

using test::train_in;

TEST(Pix2Pix, LearnsToFillOutlinesFarBetterThanTheBestConstantImage) {
  torch::set_num_threads(1);
  const auto train = rectangles(192, 1), test = rectangles(48, 2);
  test::TempDir dir;
  auto model = train_in(small_pix2pix(14), train, test, dir.file("run"), false);
  ImageTranslator* t = model->translator();
  ASSERT_NE(t, nullptr);
  const auto out = t->translate(t->source(test.x));
  ASSERT_EQ(out.sizes(), test.x.sizes());
  const double l1 = (out - test.x).abs().mean().item<double>();
  // The best constant guess under L1: the per-pixel median of the training images.
  const double constant = (std::get<0>(train.x.median(0)) - test.x).abs().mean().item<double>();
  EXPECT_LT(l1, 0.4 * constant) << "L1 " << l1 << " against the per-pixel median's " << constant;
  EXPECT_GT(psnr(out, test.x).mean().item<double>(), 18.0);
  // The per-epoch grid: rows of inputs, outputs, truths (24 images: 3 groups of 8).
  EXPECT_TRUE(file_exists(dir.file("run/samples/epoch_014.png")));
}

TEST(Pix2Pix, InpaintingResumesExactlyAndL1OnlyTrainsNoDiscriminator) {
  torch::set_num_threads(1);
  const auto train = rectangles(64, 3), test = rectangles(16, 4);
  test::TempDir dir;
  // On the inpainting task: the input is the image with a grey centre.
  auto straight = train_in(small_pix2pix(2, 1, "inpaint"), train, test, dir.file("a"), false);
  train_in(small_pix2pix(1, 1, "inpaint"), train, test, dir.file("b"), false);
  auto resumed = train_in(small_pix2pix(2, 1, "inpaint"), train, test, dir.file("b"), true);
  const auto in = straight->translator()->source(test.x);
  EXPECT_TRUE(torch::equal(in, mask_centre(test.x)));
  EXPECT_TRUE(torch::equal(straight->translator()->translate(in), resumed->translator()->translate(in)));
  // One input, one output: the test-time dropout draws from a fixed stream.
  EXPECT_TRUE(torch::equal(straight->translator()->translate(in), straight->translator()->translate(in)));

  auto l1_only = train_in(small_pix2pix(1, 0.0), train, test, dir.file("c"), false);
  EXPECT_EQ(l1_only->architecture().find("patchgan"), std::string::npos) << l1_only->architecture();
  EXPECT_NE(straight->architecture().find("patchgan"), std::string::npos) << straight->architecture();
  const auto metrics = read_file(dir.file("c/metrics.csv"));
  EXPECT_NE(metrics.find("l1"), std::string::npos);
}

TrainConfig small_srgan(int64_t epochs, double gan_weight) {
  auto cfg = TrainConfig::preset("srgan");
  cfg.loop.epochs = epochs;
  cfg.loop.batch_size = 16;
  cfg.loop.grid_samples = 24;
  cfg.model.srgan.width = 8;
  cfg.model.srgan.blocks = 2;
  cfg.model.srgan.ndf = 4;
  cfg.model.srgan.lr = 2e-3;
  cfg.model.srgan.pixel_weight = 1;  // no content network in these tests (the CLI test has one)
  cfg.model.srgan.content_weight = 0;
  cfg.model.srgan.gan_weight = gan_weight;
  return cfg;
}

TEST(Srgan, SRResNetOnMseBeatsBicubicUpsampling) {
  torch::set_num_threads(1);
  const auto train = rectangles(192, 5), test = rectangles(48, 6);
  test::TempDir dir;
  auto model = train_in(small_srgan(6, 0.0), train, test, dir.file("run"), false);
  ImageTranslator* t = model->translator();
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->task(), "sr4");
  const auto in = t->source(test.x);
  ASSERT_EQ(in.sizes(), torch::IntArrayRef({48, 1, 7, 7}));
  const double learned = psnr(t->translate(in), test.x).mean().item<double>();
  const double bicubic = psnr(bicubic_upsample(in, 28, 28), test.x).mean().item<double>();
  EXPECT_GT(learned, bicubic + 1.0) << "SRResNet " << learned << " dB, bicubic " << bicubic << " dB";
  EXPECT_EQ(model->architecture().find("srgan-d"), std::string::npos);  // no D without the GAN loss
}

TEST(Srgan, ResumeContinuesExactlyThroughTheWarmupIntoTheGanPhase) {
  torch::set_num_threads(1);
  const auto train = rectangles(48, 7), test = rectangles(16, 8);
  test::TempDir dir;
  auto straight = train_in(small_srgan(2, 1e-3), train, test, dir.file("a"), false);
  train_in(small_srgan(1, 1e-3), train, test, dir.file("b"), false);
  auto resumed = train_in(small_srgan(2, 1e-3), train, test, dir.file("b"), true);
  const auto in = straight->translator()->source(test.x);
  EXPECT_TRUE(torch::equal(straight->translator()->translate(in), resumed->translator()->translate(in)));
  // Epoch 1 is the MSE warm-up (no D step), epoch 2 trains D.
  const auto csv = read_file(dir.file("a/metrics.csv"));
  EXPECT_EQ(csv.rfind("epoch,step,train_seconds,images_per_s,loss_d,loss_g_gan,content,mse,d_real,d_fake", 0), 0u)
      << csv;
  auto loss_d_cell = [&](const std::string& epoch) {  // the fifth cell of the epoch's row
    std::string line = csv.substr(csv.find("\n" + epoch + ",") + 1);
    for (int cell = 0; cell < 4; ++cell) line = line.substr(line.find(',') + 1);
    return line.substr(0, line.find(','));
  };
  EXPECT_EQ(loss_d_cell("1"), "") << csv;  // NaN: no D step in the warm-up
  EXPECT_NE(loss_d_cell("2"), "") << csv;
}

}  // namespace
}  // namespace tp::gen
