// The translation viewer on a tiny pix2pix trained by the real CLI: the three rows show the
// task's inputs, the model's outputs and the originals pixel for pixel, and the keys page
// through the test set (wrapping at both ends).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "apps/view/font.h"
#include "apps/view/translation_viewer.h"
#include "generative/data/dataset.h"
#include "generative/image_tasks.h"
#include "generative/model_io.h"
#include "tests/test_util.h"
#include "tests/tiny_mnist.h"
#include "tests/view/pixel_util.h"

namespace tp::view {
namespace {

// The viewer's rows are `expected` (up to float rounding: a batch is computed otherwise than its
// images one by one), and the window shows them pixel for pixel.
void expect_rows_drawn(const TranslationViewer& v, const std::vector<torch::Tensor>& expected, int64_t n) {
  const float scale = v.tile_rect(0, 0).width / 28.0f;
  const sf::Image image = test::render(v.size().x, v.size().y, [&](sf::RenderTarget& target) { v.draw(target); });
  for (int row = 0; row < 3; ++row) {
    EXPECT_TRUE(torch::allclose(v.row(row), expected[static_cast<size_t>(row)], 1e-4, 1e-5)) << row;
    const auto bytes = (v.row(row) * 255).round().clamp(0, 255).to(torch::kUInt8);
    for (int c = 0; c < n; c += 2)
      for (auto [x, y] : {std::pair{3, 4}, {14, 14}, {20, 9}}) {
        const sf::FloatRect rect = v.tile_rect(row, c);
        const int g = bytes[c][0][y][x].item<int>();
        EXPECT_EQ(image.getPixel(static_cast<unsigned>(rect.left + (static_cast<float>(x) + 0.5f) * scale),
                                 static_cast<unsigned>(rect.top + (static_cast<float>(y) + 0.5f) * scale)),
                  sf::Color(g, g, g))
            << "row " << row << " column " << c << " at " << x << "," << y;
      }
  }
}

TEST(TranslationViewer, RowsShowInputsOutputsAndOriginalsAndKeysPage) {
  tp::test::TempDir dir;
  tp::test::write_tiny_mnist(dir.path());
  const auto r = tp::test::run_torchplay("train pix2pix --ngf 8 --ndf 8 --data " + dir.path() +
                                         " --threads 1 --quiet --epochs 1 --batch-size 16 --run-dir " + dir.file("p"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto loaded = gen::load_model_checkpoint(dir.file("p"));
  gen::ImageTranslator* t = loaded.model->translator();
  ASSERT_NE(t, nullptr);
  const auto test = gen::load_dataset(dir.path(), gen::Split::Test);
  ASSERT_EQ(test.size(), 32);

  sf::Font font;
  load_ui_font(font);
  TranslationViewer v(*t, test, "pix2pix", 5, &font);
  auto check_page = [&](int64_t first) {
    ASSERT_EQ(v.first(), first);
    const int64_t n = std::min<int64_t>(5, 32 - first);
    const auto truth = test.x.narrow(0, first, n);
    expect_rows_drawn(v, {gen::edge_map(truth), t->translate(gen::edge_map(truth)), truth}, n);
  };
  check_page(0);
  v.key(sf::Keyboard::Right);
  check_page(5);
  v.key(sf::Keyboard::Left);
  v.key(sf::Keyboard::Left);  // back past the start: the last page, two images
  check_page(30);
  v.key(sf::Keyboard::Space);
  EXPECT_EQ(v.first(), 0);
  EXPECT_THROW(TranslationViewer(*t, test, "pix2pix", 17, nullptr), UsageError);
}

// cyclegan: its two domains' test images in turn (classes 7 and 9 of the tiny set: images 7, 9,
// 17, 19, 27, 29), their translations, and the round trips.
TEST(TranslationViewer, CycleGanPagesShowBothDomainsTranslatedAndBack) {
  tp::test::TempDir dir;
  tp::test::write_tiny_mnist(dir.path());
  const auto r = tp::test::run_torchplay("train cyclegan --ngf 4 --blocks 1 --ndf 4 --data " + dir.path() +
                                         " --threads 1 --quiet --epochs 1 --batch-size 4 --run-dir " + dir.file("c"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto loaded = gen::load_model_checkpoint(dir.file("c"));
  gen::ImageTranslator* t = loaded.model->translator();
  ASSERT_NE(t, nullptr);
  gen::UnpairedDomains* u = t->unpaired();
  ASSERT_NE(u, nullptr);
  const auto test = gen::load_dataset(dir.path(), gen::Split::Test);
  TranslationViewer v(*t, test, "cyclegan", 4, nullptr);
  const std::vector<int64_t> order = {7, 9, 17, 19, 27, 29};
  auto check_page = [&](int64_t first) {
    ASSERT_EQ(v.first(), first);
    const int64_t n = std::min<int64_t>(4, 6 - first);
    std::vector<torch::Tensor> in, out, back;
    for (int64_t i = first; i < first + n; ++i) {
      const auto image = test.x.narrow(0, order[static_cast<size_t>(i)], 1);
      const int side = i % 2;  // A (class 7) first
      in.push_back(image);
      out.push_back(u->translate_from(image, side));
      back.push_back(u->translate_from(out.back(), 1 - side));
    }
    expect_rows_drawn(v, {torch::cat(in), torch::cat(out), torch::cat(back)}, n);
  };
  check_page(0);
  v.key(sf::Keyboard::Right);
  check_page(4);
  v.key(sf::Keyboard::Right);  // wraps
  check_page(0);
}

}  // namespace
}  // namespace tp::view
