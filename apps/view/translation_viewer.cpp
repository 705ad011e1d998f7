#include "apps/view/translation_viewer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "apps/view/hud.h"
#include "apps/view/sample_viewer.h"
#include "apps/view/shapes.h"
#include "core/error.h"
#include "generative/models/translation.h"

namespace tp::view {

namespace {
constexpr float kLabel = 90;  // the row names sit left of the tiles
const sf::Color kInk(190, 200, 210);
}  // namespace

TranslationViewer::TranslationViewer(gen::ImageTranslator& translator, gen::Dataset test, std::string title,
                                     int columns, const sf::Font* font)
    : translator_(translator),
      test_(translator.picture_images(test)),
      row_names_(translator.picture_row_names()),
      title_(std::move(title)),
      columns_(columns),
      font_(font) {
  TP_CHECK_AS(UsageError, columns_ >= 1 && columns_ <= 16, "--n must be in 1..16 for an image-to-image model");
  TP_CHECK_AS(UsageError, test_.is_image() && test_.size() > 0, "the model's test set has no images");
  columns_ = static_cast<int>(std::min<int64_t>(columns_, test_.size()));
  // Tiles about 640 px wide in all, at least 2x.
  const float side = static_cast<float>(test_.x.size(3));
  scale_ = std::max(2.0f, std::floor(640.0f / static_cast<float>(columns_) / side));
  tile_ = side * scale_;
  show(0);
}

void TranslationViewer::show(int64_t first) {
  first_ = first;
  const int64_t n = std::min<int64_t>(columns_, test_.size() - first_);
  gen::Dataset page = test_;
  page.x = test_.x.narrow(0, first_, n);
  if (test_.y.defined()) page.y = test_.y.narrow(0, first_, n);
  const auto r = translator_.picture_rows(page);
  const auto picture = gen::translation_rows(r[0], r[1], r[2], n);
  rows_ = {picture.narrow(0, 0, n), picture.narrow(0, n, n), picture.narrow(0, 2 * n, n)};
  textures_.assign(3, {});
  for (int r = 0; r < 3; ++r) upload_images(rows_[static_cast<size_t>(r)], textures_[static_cast<size_t>(r)]);
}

void TranslationViewer::key(sf::Keyboard::Key key) {
  const int64_t pages = (test_.size() + columns_ - 1) / columns_, page = first_ / columns_;
  if (key == sf::Keyboard::Right || key == sf::Keyboard::Space || key == sf::Keyboard::N)
    show(((page + 1) % pages) * columns_);
  else if (key == sf::Keyboard::Left || key == sf::Keyboard::P)
    show(((page + pages - 1) % pages) * columns_);
}

sf::FloatRect TranslationViewer::tile_rect(int r, int c) const {
  return {kLabel + kTilePad + static_cast<float>(c) * (tile_ + kTilePad),
          kTilePad + static_cast<float>(r) * (tile_ + kTilePad), tile_, tile_};
}

std::vector<std::string> TranslationViewer::help_lines() const {
  return {"Right / Space / N: next test images   Left / P: previous   Esc: quit"};
}

sf::Vector2u TranslationViewer::size() const {
  const float w = kLabel + kTilePad + static_cast<float>(columns_) * (tile_ + kTilePad);
  const float h = kTilePad + 3 * (tile_ + kTilePad);
  return {static_cast<unsigned>(std::max(w, 560.0f)), static_cast<unsigned>(h) + hud_height(help_lines().size() + 1)};
}

void TranslationViewer::draw(sf::RenderTarget& target) const {
  const sf::RenderStates states;
  const sf::Vector2u sz = size();
  draw_rect(target, states, {0, 0, static_cast<float>(sz.x), static_cast<float>(sz.y)}, kTileBackground);
  for (int r = 0; r < 3; ++r) {
    const auto& row = textures_[static_cast<size_t>(r)];
    for (size_t c = 0; c < row.size(); ++c) {
      sf::Sprite sprite(row[c]);
      const sf::FloatRect rect = tile_rect(r, static_cast<int>(c));
      sprite.setPosition(rect.left, rect.top);
      sprite.setScale(scale_, scale_);
      target.draw(sprite, states);
    }
    if (font_)
      draw_text(target, states, *font_, row_names_[static_cast<size_t>(r)],
                {kTilePad, tile_rect(r, 0).top + tile_ / 2 - 9}, 15, kInk);
  }
  if (!font_) return;
  const int64_t last = first_ + static_cast<int64_t>(textures_[0].size());
  std::vector<std::string> lines = {title_ + "   task " + translator_.task() + "   test images " +
                                    std::to_string(first_ + 1) + "-" + std::to_string(last) + " of " +
                                    std::to_string(test_.size())};
  for (const auto& l : help_lines()) lines.push_back(l);
  draw_hud(target, *font_, {0, kTilePad + 3 * (tile_ + kTilePad)}, static_cast<float>(sz.x), lines);
}

}  // namespace tp::view
