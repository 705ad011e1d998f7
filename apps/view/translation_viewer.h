#pragma once
// The viewer of an image-to-image model (pix2pix, srgan) in `torchplay watch --model`: pages
// of test images, each column one image, in three rows: the task's input, the model's output,
// the original (cyclegan: the image, its translation, and that translated back). Right / Space / N: next page; Left /
// P: previous page. Window-independent, like SampleViewer, so tests drive it.
#include <SFML/Graphics.hpp>
#include <torch/types.h>

#include <string>
#include <vector>

#include "generative/capabilities.h"
#include "generative/data/dataset.h"

namespace tp::view {

class TranslationViewer {
 public:
  // `columns` test images per page (1..16), pages in test-set order.
  TranslationViewer(gen::ImageTranslator& translator, gen::Dataset test, std::string title, int columns,
                    const sf::Font* font);

  sf::Vector2u size() const;
  void draw(sf::RenderTarget& target) const;
  void key(sf::Keyboard::Key key);

  int64_t first() const { return first_; }  // the page's first test image
  int columns() const { return columns_; }
  // The page's rows, (columns, C, H, W) in [0, 1]: 0 inputs (scaled to the output size, nearest
  // pixel), 1 outputs, 2 originals.
  const torch::Tensor& row(int r) const { return rows_[static_cast<size_t>(r)]; }
  // The scene rectangle of row r, column c.
  sf::FloatRect tile_rect(int r, int c) const;
  std::vector<std::string> help_lines() const;

 private:
  void show(int64_t first);
  gen::ImageTranslator& translator_;
  gen::Dataset test_;
  std::vector<std::string> row_names_;
  std::string title_;
  int columns_;
  const sf::Font* font_;
  float scale_ = 1, tile_ = 0;
  int64_t first_ = 0;
  std::vector<torch::Tensor> rows_;
  std::vector<std::vector<sf::Texture>> textures_;  // per row
};

}  // namespace tp::view
