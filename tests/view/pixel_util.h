#pragma once
// Pixel helpers for the view tests: render a view off-screen and look for colours.
#include <SFML/Graphics.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace tp::view::test {

// Renders `draw` into a w x h texture (white background) and reads it back. One GL context
// stays alive for the whole test run: SFML 2.5 on X11 otherwise opens a new display
// connection for every render texture and runs out of them after a few dozen.
inline sf::Image render(unsigned w, unsigned h, const std::function<void(sf::RenderTarget&)>& draw) {
  static sf::Context keep_alive;
  sf::RenderTexture texture;
  if (!texture.create(w, h)) return {};
  texture.clear(sf::Color::White);
  draw(texture);
  texture.display();
  return texture.getTexture().copyToImage();
}

// A view's picture at its own size: anything with size() and draw(sf::RenderTarget&), a
// BoardSession say.
template <typename View>
sf::Image render_session(const View& view) {
  return render(view.size().x, view.size().y, [&](sf::RenderTarget& t) { view.draw(t); });
}

inline std::vector<sf::Vector2f> pixels_of(const sf::Image& image, sf::Color color) {
  std::vector<sf::Vector2f> out;
  const sf::Vector2u size = image.getSize();
  for (unsigned y = 0; y < size.y; ++y)
    for (unsigned x = 0; x < size.x; ++x)
      if (image.getPixel(x, y) == color) out.emplace_back(static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f);
  return out;
}

inline int count_in_box(const sf::Image& image, sf::Color color, sf::FloatRect box) {
  int n = 0;
  for (const auto& p : pixels_of(image, color)) n += box.contains(p);
  return n;
}

// Pixels in `box` where two pictures of the same size differ.
inline int count_differing(const sf::Image& a, const sf::Image& b, sf::FloatRect box) {
  int n = 0;
  for (auto y = static_cast<unsigned>(std::max(0.0f, box.top)); y < static_cast<unsigned>(box.top + box.height); ++y)
    for (auto x = static_cast<unsigned>(std::max(0.0f, box.left)); x < static_cast<unsigned>(box.left + box.width); ++x)
      n += x < a.getSize().x && y < a.getSize().y && a.getPixel(x, y) != b.getPixel(x, y);
  return n;
}

inline sf::Color at(const sf::Image& image, sf::Vector2f p) {
  return image.getPixel(static_cast<unsigned>(p.x), static_cast<unsigned>(p.y));
}

}  // namespace tp::view::test
