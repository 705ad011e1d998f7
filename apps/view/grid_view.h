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

// MinAtar's channel names for a game id containing Breakout, SpaceInvaders, Freeway,
// Asterix or Seaquest (empty when the id or the channel count is not one of them).
std::vector<std::string> minatar_channel_names(const std::string& env_id, int channels);

}  // namespace tp::view
