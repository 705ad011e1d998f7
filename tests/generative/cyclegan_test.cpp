// CycleGAN: the cycle and identity terms against closed forms (zero for identity generators),
// the history of generated images, the domains drawn from disjoint halves of the training set,
// the ResNet generator's shapes, a seeded learning test judged by an independent rule (the
// translated squares' bright area), exact --resume through the history, the pairings and the
// weight average, and the average (--g-ema) translating without changing what is trained.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/run_dir.h"
#include "generative/capabilities.h"
#include "generative/model_factory.h"
#include "generative/model_io.h"
#include "generative/models/cyclegan.h"
#include "generative/models/image_history.h"
#include "generative/train_loop.h"
#include "nets/resnet_generator.h"
#include "tests/generative/train_in.h"
#include "tests/test_util.h"

namespace tp::gen {
namespace {

TEST(CycleGan, CycleLossIsZeroForIdentityGenerators) {
  const auto a = torch::rand({3, 1, 8, 8}) * 2 - 1, b = torch::rand({3, 1, 8, 8}) * 2 - 1;
  auto same = [](const torch::Tensor& x) { return x; };
  auto t = cycle_terms(same, same, a, b, true);
  EXPECT_EQ(t.cycle_a.item<double>(), 0.0);
  EXPECT_EQ(t.cycle_b.item<double>(), 0.0);
  EXPECT_EQ(t.identity_a.item<double>(), 0.0);
  EXPECT_EQ(t.identity_b.item<double>(), 0.0);
  EXPECT_TRUE(torch::equal(t.fake_b, a));
  // Two maps that undo each other: no cycle error, but each moves its own domain by 0.25.
  auto up = [](const torch::Tensor& x) { return x + 0.25; };
  auto down = [](const torch::Tensor& x) { return x - 0.25; };
  t = cycle_terms(up, down, a, b, true);
  EXPECT_NEAR(t.cycle_a.item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(t.cycle_b.item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(t.identity_a.item<double>(), 0.25, 1e-6);
  EXPECT_NEAR(t.identity_b.item<double>(), 0.25, 1e-6);
  // Both maps shift up: the round trip is off by 0.5 everywhere.
  t = cycle_terms(up, up, a, b, false);
  EXPECT_NEAR(t.cycle_a.item<double>(), 0.5, 1e-6);
  EXPECT_NEAR(t.cycle_b.item<double>(), 0.5, 1e-6);
  EXPECT_FALSE(t.identity_a.defined());
}

// Images whose only pixel value is their id, to follow them through the history.
torch::Tensor ids(int64_t from, int64_t n) { return torch::arange(from, from + n, torch::kFloat32).view({n, 1, 1, 1}); }
std::vector<int64_t> values(const torch::Tensor& t) {
  const auto v = t.flatten().to(torch::kInt64).contiguous();
  return {v.data_ptr<int64_t>(), v.data_ptr<int64_t>() + v.numel()};
}

TEST(ImageHistory, KeepsTheFirstImagesThenHandsBackOldOnesAboutHalfTheTime) {
  torch::manual_seed(3);
  ImageHistory h(4);
  EXPECT_EQ(values(h.query(ids(0, 3))), (std::vector<int64_t>{0, 1, 2}));  // filling: the new images
  EXPECT_EQ(h.size(), 3);
  EXPECT_EQ(values(h.query(ids(3, 1))), (std::vector<int64_t>{3}));
  EXPECT_EQ(h.size(), 4);
  std::set<int64_t> given = {0, 1, 2, 3}, returned;
  int64_t old = 0;
  for (int64_t step = 0; step < 100; ++step) {
    const auto out = values(h.query(ids(4 + 10 * step, 10)));
    for (size_t i = 0; i < out.size(); ++i) {
      const int64_t fresh = 4 + 10 * step + static_cast<int64_t>(i);
      EXPECT_TRUE(given.count(out[i]) || out[i] == fresh) << out[i];
      EXPECT_FALSE(returned.count(out[i]) && out[i] != fresh) << "image " << out[i] << " handed back twice";
      if (out[i] != fresh) ++old, returned.insert(out[i]);
      given.insert(fresh);
    }
    EXPECT_EQ(h.size(), 4);
  }
  EXPECT_GT(old, 400);  // of 1000, p = 1/2: 500 +- 16
  EXPECT_LT(old, 600);
  EXPECT_EQ(values(ImageHistory(0).query(ids(7, 2))), (std::vector<int64_t>{7, 8}));  // no history

  // The history round-trips through a checkpoint and then answers alike.
  test::TempDir dir;
  CheckpointHeader header;
  header.algorithm = "test";
  CheckpointWriter w(header);
  h.save(w, "h");
  w.write(dir.file("h.tpck"));
  CheckpointReader r(dir.file("h.tpck"));
  ImageHistory back(4);
  back.load(r, "h");
  EXPECT_EQ(back.size(), 4);
  torch::manual_seed(9);
  const auto first = values(h.query(ids(5000, 20)));
  torch::manual_seed(9);
  EXPECT_EQ(values(back.query(ids(5000, 20))), first);
  CheckpointReader r2(dir.file("h.tpck"));
  ImageHistory small(2);
  EXPECT_THROW(small.load(r2, "h"), CheckpointError);
}

TEST(ResnetGenerator, KeepsTheImageShapeInTanhRange) {
  nets::ResnetGenerator g(nets::ResnetGeneratorOptions().channels(2).ngf(4).blocks(2));
  const auto out = g->forward(torch::randn({3, 2, 28, 28}));
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{3, 2, 28, 28}));
  EXPECT_LE(out.abs().max().item<double>(), 1.0);
  EXPECT_EQ(g->signature(), "resnet:c2:ngf4:b2");
  EXPECT_THROW(g->forward(torch::randn({1, 2, 30, 30})), Error);
}

// Squares of side 2..3 (class 0) or 7..8 (class 1, and class 2 as a third kind) at random
// places, on 16x16 images.
Dataset squares(int64_t n, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  Dataset d;
  d.name = "squares";
  d.x = torch::zeros({n, 1, 16, 16});
  d.y = torch::arange(n, torch::kInt64).remainder(2);
  d.num_classes = 3;
  for (int64_t i = 0; i < n; ++i) {
    auto r = torch::randint(0, 1000, {3}, gen, torch::kInt64);
    const int64_t side = (d.y[i].item<int64_t>() == 0 ? 2 : 7) + r[0].item<int64_t>() % 2;
    const int64_t top = 1 + r[1].item<int64_t>() % (15 - side), left = 1 + r[2].item<int64_t>() % (15 - side);
    d.x[i][0].narrow(0, top, side).narrow(1, left, side).fill_(1.0);
  }
  return d;
}

// The independent judge: a small square lights fewer than 25 pixels, a large one more.
torch::Tensor looks_large(const torch::Tensor& images) { return (images > 0.5).sum({1, 2, 3}) > 25; }

TrainConfig small_cyclegan(int64_t epochs) {
  auto cfg = TrainConfig::preset("cyclegan");
  cfg.model.cyclegan.domain_a = "0";
  cfg.model.cyclegan.domain_b = "1";
  cfg.model.cyclegan.ngf = 8;
  cfg.model.cyclegan.blocks = 2;
  cfg.model.cyclegan.ndf = 8;
  cfg.model.cyclegan.d_layers = 1;
  cfg.model.cyclegan.history = 16;
  // Without the identity term (the default since 2026-12-07) these tiny generators, in 16
  // epochs of 1,024 squares, change the size but lose the square's place on the way back.
  cfg.model.cyclegan.identity_weight = 0.5;
  cfg.model.cyclegan.lr = 1e-3;
  cfg.model.cyclegan.constant_epochs = epochs / 2;
  cfg.model.cyclegan.decay_epochs = epochs - epochs / 2;
  cfg.loop.epochs = epochs;
  cfg.loop.batch_size = 8;
  cfg.loop.grid_samples = 24;
  return cfg;
}

using test::train_in;

TEST(CycleGan, DomainsComeFromDisjointHalvesOfTheTrainingSet) {
  auto train = squares(40, 1);
  train.y[4] = 2;  // of neither domain
  // Each image's top-left pixel is its index, to see where the pairs come from.
  for (int64_t i = 0; i < 40; ++i) train.x[i][0][0][0] = static_cast<float>(i);
  const CycleGanModel model(small_cyclegan(1).model.cyclegan, DataShape::of(train));
  const auto pairs = model.epoch_data(0, train);
  ASSERT_EQ(pairs.x.sizes(), (std::vector<int64_t>{10, 2, 16, 16}));  // A: 9 (one is class 2), B: 10
  std::set<int64_t> a, b;
  for (int64_t i = 0; i < 10; ++i) {
    const auto ia = static_cast<int64_t>(pairs.x[i][0][0][0].item<float>());
    const auto ib = static_cast<int64_t>(pairs.x[i][1][0][0].item<float>());
    EXPECT_LT(ia, 20);
    EXPECT_EQ(train.y[ia].item<int64_t>(), 0);
    EXPECT_GE(ib, 20);
    EXPECT_EQ(train.y[ib].item<int64_t>(), 1);
    a.insert(ia);
    b.insert(ib);
  }
  EXPECT_EQ(a.size(), 9u);  // every image of each domain, the smaller domain's one twice
  EXPECT_EQ(b.size(), 10u);
  EXPECT_TRUE(torch::equal(model.epoch_data(0, train).x, pairs.x));   // the same epoch, the same pairs
  EXPECT_FALSE(torch::equal(model.epoch_data(1, train).x, pairs.x));  // another epoch, new ones

  auto bad = small_cyclegan(1).model.cyclegan;
  bad.domain_b = "0";
  EXPECT_THROW(CycleGanModel(bad, DataShape::of(train)), UsageError);
  bad.domain_b = "1,x";
  EXPECT_THROW(CycleGanModel(bad, DataShape::of(train)), UsageError);
  bad.domain_b = "3";
  EXPECT_THROW(CycleGanModel(bad, DataShape::of(train)), UsageError);
}

TEST(CycleGan, LearningRateIsConstantThenFallsLinearly) {
  auto o = small_cyclegan(1).model.cyclegan;
  o.lr = 1;
  o.constant_epochs = 2;
  o.decay_epochs = 3;
  const auto shape = DataShape::of(squares(4, 1));
  const CycleGanModel model(o, shape);
  for (auto [epoch, lr] : {std::pair{0, 1.0}, {1, 1.0}, {2, 0.75}, {3, 0.5}, {4, 0.25}})
    EXPECT_DOUBLE_EQ(model.learning_rate(epoch), lr) << epoch;
  EXPECT_EQ(model.schedule_epochs(5), 5);
  EXPECT_THROW(model.schedule_epochs(6), UsageError);  // past the decay to zero
  o.decay_epochs = 0;
  const CycleGanModel constant(o, shape);
  EXPECT_DOUBLE_EQ(constant.learning_rate(50), 1.0);
  EXPECT_EQ(constant.schedule_epochs(100), 100);
}

TEST(CycleGan, TurnsSmallSquaresIntoLargeOnesAndBack) {
  torch::set_num_threads(1);
  const auto train = squares(1024, 1), test = squares(64, 2);
  test::TempDir dir;
  auto model = train_in(small_cyclegan(16), train, test, dir.file("run"), false);
  auto* u = model->translator()->unpaired();
  ASSERT_NE(u, nullptr);
  for (int side : {0, 1}) {
    auto in = torch::zeros_like(test.y, torch::kBool);
    for (int64_t c : u->classes(side)) in |= test.y.eq(c);
    const auto images = test.x.index_select(0, in.nonzero().squeeze(1));
    const auto out = u->translate_from(images, side);
    const double large = looks_large(out).to(torch::kFloat64).mean().item<double>();
    const double target = side == 0 ? large : 1 - large;
    EXPECT_GE(target, 0.9) << "side " << side;
    // The round trip is its source kind again, and it kept the square where it was: closer to
    // its own original than to another image of the domain by far.
    const auto back = u->translate_from(out, 1 - side);
    const double large_back = looks_large(back).to(torch::kFloat64).mean().item<double>();
    EXPECT_GE(side == 0 ? 1 - large_back : large_back, 0.9) << "side " << side;
    const double cycle = (back - images).abs().mean().item<double>();
    const double other = (back - images.roll(1, 0)).abs().mean().item<double>();
    EXPECT_LT(cycle, 0.5 * other) << "side " << side;
  }
}

TrainConfig averaged_small_cyclegan(int64_t epochs) {
  auto cfg = small_cyclegan(epochs);
  cfg.model.cyclegan.g_ema = 0.8;
  return cfg;
}

TEST(CycleGan, ResumesExactlyThroughTheHistoryThePairingsAndTheWeightAverage) {
  torch::set_num_threads(1);
  const auto train = squares(48, 3), test = squares(16, 4);
  test::TempDir dir;
  auto straight = train_in(averaged_small_cyclegan(2), train, test, dir.file("a"), false);
  auto first_epoch = averaged_small_cyclegan(2);  // the same schedule, stopped after one epoch
  first_epoch.loop.epochs = 1;
  train_in(first_epoch, train, test, dir.file("b"), false);
  auto resumed = train_in(averaged_small_cyclegan(2), train, test, dir.file("b"), true);
  const auto x = test.x.narrow(0, 0, 8);
  EXPECT_TRUE(torch::equal(straight->translator()->translate(x), resumed->translator()->translate(x)));
  EXPECT_TRUE(torch::equal(straight->translator()->unpaired()->translate_from(x, 1),
                           resumed->translator()->unpaired()->translate_from(x, 1)));
}

TEST(CycleGan, WeightAverageTranslatesWithoutChangingWhatIsTrained) {
  torch::set_num_threads(1);
  const auto train = squares(48, 5), test = squares(16, 6);
  test::TempDir dir;
  auto plain = train_in(small_cyclegan(2), train, test, dir.file("plain"), false);
  auto averaged = train_in(averaged_small_cyclegan(2), train, test, dir.file("averaged"), false);
  EXPECT_EQ(plain->weight_average(), nullptr);
  EXPECT_THROW(sample_trained_weights(*plain, "plain"), UsageError);
  ASSERT_NE(averaged->weight_average(), nullptr);
  const auto x = test.x.narrow(0, 0, 8);
  auto both_ways = [&x](GenerativeModel& m) {
    return torch::cat({m.translator()->translate(x), m.translator()->unpaired()->translate_from(x, 1)});
  };
  // The average translates by default; read back from its checkpoint it translates the same.
  const auto from_average = both_ways(*averaged);
  EXPECT_FALSE(torch::allclose(from_average, both_ways(*plain)));
  CheckpointWriter w{CheckpointHeader{}};
  averaged->save(w);
  auto r = CheckpointReader::from_image(w.encode(), "in memory");
  CycleGanModel loaded(averaged_small_cyclegan(2).model.cyclegan, DataShape::of(train));
  loaded.load(r);
  EXPECT_TRUE(torch::equal(both_ways(loaded), from_average));
  // The weights trained beside the average are those trained without one: same seed, same run.
  sample_trained_weights(*averaged, "averaged");
  EXPECT_TRUE(torch::equal(both_ways(*averaged), both_ways(*plain)));
}

}  // namespace
}  // namespace tp::gen
