#include "apps/view/grid_view.h"

#include <algorithm>
#include <cmath>

#include "apps/view/shapes.h"

namespace tp::view {

std::vector<sf::Color> cubehelix_palette(int n) {
  // matplotlib's cubehelix (Green 2011) with its defaults gamma 1, s 0.5, r -1.5, h 1.
  std::vector<sf::Color> colors;
  for (int i = 0; i < n; ++i) {
    const double x = static_cast<double>(i + 1) / (n + 1);
    const double a = x * (1 - x) / 2;
    const double phi = 2 * M_PI * (0.5 / 3 - 1.5 * x);
    const double c = std::cos(phi), s = std::sin(phi);
    const double rgb[3] = {x + a * (-0.14861 * c + 1.78277 * s), x + a * (-0.29227 * c - 0.90649 * s),
                           x + a * (1.97294 * c)};
    sf::Uint8 out[3];
    for (int k = 0; k < 3; ++k) out[k] = static_cast<sf::Uint8>(std::lround(std::clamp(rgb[k], 0.0, 1.0) * 255));
    colors.emplace_back(out[0], out[1], out[2]);
  }
  return colors;
}

GridView::GridView(int channels, int height, int width, std::vector<std::string> channel_names, const sf::Font* font,
                   int cell_pixels)
    : channels_(channels),
      height_(height),
      width_(width),
      cell_(cell_pixels),
      names_(std::move(channel_names)),
      palette_(cubehelix_palette(channels)),
      font_(font) {
  if (names_.size() != static_cast<size_t>(channels_)) {
    names_.clear();
    for (int c = 0; c < channels_; ++c) names_.push_back("channel " + std::to_string(c));
  }
}

sf::Vector2u GridView::size() const {
  const unsigned legend_width = 200;  // the channel legend (blank without a font)
  const unsigned legend_height = static_cast<unsigned>(channels_) * 22 + 16;
  return {static_cast<unsigned>(width_ * cell_) + legend_width,
          std::max(static_cast<unsigned>(height_ * cell_), legend_height)};
}

sf::FloatRect GridView::cell_rect(int row, int col) const {
  return {static_cast<float>(col * cell_), static_cast<float>(row * cell_), static_cast<float>(cell_),
          static_cast<float>(cell_)};
}

void GridView::draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const {
  const sf::Vector2u sz = size();
  draw_rect(target, states, {0, 0, static_cast<float>(sz.x), static_cast<float>(sz.y)}, sf::Color(40, 40, 40));
  draw_rect(target, states, {0, 0, static_cast<float>(width_ * cell_), static_cast<float>(height_ * cell_)},
            kBackground);
  const int plane = height_ * width_;
  for (int r = 0; r < height_; ++r)
    for (int col = 0; col < width_; ++col)
      for (int c = channels_ - 1; c >= 0; --c)
        if (obs[c * plane + r * width_ + col] > 0.5f) {
          draw_rect(target, states, cell_rect(r, col), palette_[static_cast<size_t>(c)]);
          break;
        }
  if (!font_) return;
  const float x0 = static_cast<float>(width_ * cell_) + 12;
  for (int c = 0; c < channels_; ++c) {
    const float y = 8 + 22.0f * static_cast<float>(c);
    draw_rect(target, states, {x0, y + 2, 14, 14}, palette_[static_cast<size_t>(c)], sf::Color(200, 200, 200), 1);
    draw_text(target, states, *font_, names_[static_cast<size_t>(c)], {x0 + 22, y}, 13, sf::Color(230, 230, 230));
  }
}

sf::FloatRect SnakeView::cell_rect(int row, int col) const {
  return {static_cast<float>(col * cell_), static_cast<float>(row * cell_), static_cast<float>(cell_),
          static_cast<float>(cell_)};
}

void SnakeView::draw(sf::RenderTarget& target, sf::RenderStates states, const float* obs) const {
  const int plane = n_ * n_;
  const float c = static_cast<float>(cell_);
  for (int r = 0; r < n_; ++r)
    for (int col = 0; col < n_; ++col) {
      const sf::FloatRect rect = cell_rect(r, col);
      draw_rect(target, states, rect, (r + col) % 2 ? sf::Color(170, 215, 81) : sf::Color(162, 209, 73));
      const size_t i = static_cast<size_t>(r * n_ + col);
      const sf::Vector2f centre(rect.left + c / 2, rect.top + c / 2);
      if (obs[i] > 0.5f) {  // head
        draw_rect(target, states, {rect.left + 2, rect.top + 2, c - 4, c - 4}, kHead);
        draw_circle(target, states, centre + sf::Vector2f(-c / 6, -c / 8), c / 10, sf::Color::White);
        draw_circle(target, states, centre + sf::Vector2f(c / 6, -c / 8), c / 10, sf::Color::White);
      } else if (obs[static_cast<size_t>(plane) + i] > 0.5f) {  // body
        draw_rect(target, states, {rect.left + 3, rect.top + 3, c - 6, c - 6}, kBody);
      } else if (obs[static_cast<size_t>(2 * plane) + i] > 0.5f) {  // food
        draw_circle(target, states, centre, c * 0.35f, kFood);
      }
    }
}

}  // namespace tp::view
