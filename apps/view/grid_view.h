#pragma once
// Plane-observation envs ({C, H, W} binary planes, channel-first as envs/env.h lays them
// out), drawn the way MinAtar's own GUI draws them: a black background, each cell filled
// with the colour of its highest-numbered active channel, colours from the cubehelix
// palette with one colour per channel, cells scaled up; a legend names the channels.
#include <SFML/Graphics.hpp>

#include <string>
#include <vector>

#include "apps/view/env_view.h"

namespace tp::view {

// `n` colours sampled from matplotlib's "cubehelix" colormap at (i + 1) / (n + 1), as
// seaborn.color_palette("cubehelix", n) does (MinAtar's GUI palette).
std::vector<sf::Color> cubehelix_palette(int n);

class GridView final : public EnvView {
 public:
  // `channel_names` may be empty (then "channel k"); `font` draws the legend.
  GridView(int channels, int height, int width, std::vector<std::string> channel_names, const sf::Font* font,
           int cell_pixels = 40);

  sf::Vector2u size() const override;
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override;

  const sf::Color& channel_color(int c) const { return palette_[static_cast<size_t>(c)]; }
  // The scene rectangle of cell (row, col).
  sf::FloatRect cell_rect(int row, int col) const;
  static inline const sf::Color kBackground = sf::Color::Black;

 private:
  int channels_, height_, width_, cell_;
  std::vector<std::string> names_;
  std::vector<sf::Color> palette_;
  const sf::Font* font_;
};

// Snake ({3, N, N} planes: head, body, food): a checkered field, green body segments, a
// darker head with eyes, a red apple.
class SnakeView final : public EnvView {
 public:
  explicit SnakeView(int size, int cell_pixels = 40) : n_(size), cell_(cell_pixels) {}
  sf::Vector2u size() const override { return {static_cast<unsigned>(n_ * cell_), static_cast<unsigned>(n_ * cell_)}; }
  void draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const override;
  sf::FloatRect cell_rect(int row, int col) const;
  static inline const sf::Color kHead{30, 110, 40};
  static inline const sf::Color kBody{80, 180, 70};
  static inline const sf::Color kFood{210, 40, 40};

 private:
  int n_, cell_;
};

}  // namespace tp::view
