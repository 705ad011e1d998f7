#include "apps/view/shapes.h"

#include <cmath>

namespace tp::view {

sf::Image to_sf_image(const Image& img) {
  sf::Image out;
  out.create(static_cast<unsigned>(img.width), static_cast<unsigned>(img.height));
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = img.at(x, y);
      out.setPixel(static_cast<unsigned>(x), static_cast<unsigned>(y),
                   img.channels == 1 ? sf::Color(p[0], p[0], p[0]) : sf::Color(p[0], p[1], p[2]));
    }
  return out;
}

void draw_polygon(sf::RenderTarget& target, const sf::RenderStates& states, const std::vector<sf::Vector2f>& points,
                  sf::Color fill) {
  sf::ConvexShape shape(points.size());
  for (size_t i = 0; i < points.size(); ++i) shape.setPoint(i, points[i]);
  shape.setFillColor(fill);
  target.draw(shape, states);
}

void draw_segment(sf::RenderTarget& target, const sf::RenderStates& states, sf::Vector2f a, sf::Vector2f b, float width,
                  sf::Color fill) {
  const sf::Vector2f d = b - a;
  const float len = std::sqrt(d.x * d.x + d.y * d.y);
  if (len <= 0) return;
  const sf::Vector2f n(-d.y / len * width / 2, d.x / len * width / 2);
  draw_polygon(target, states, {a + n, b + n, b - n, a - n}, fill);
}

void draw_circle(sf::RenderTarget& target, const sf::RenderStates& states, sf::Vector2f centre, float radius,
                 sf::Color fill, sf::Color outline, float outline_width) {
  sf::CircleShape circle(radius, 48);
  circle.setOrigin(radius, radius);
  circle.setPosition(centre);
  circle.setFillColor(fill);
  circle.setOutlineColor(outline);
  circle.setOutlineThickness(outline_width);
  target.draw(circle, states);
}

void draw_rect(sf::RenderTarget& target, const sf::RenderStates& states, sf::FloatRect rect, sf::Color fill,
               sf::Color outline, float outline_width) {
  sf::RectangleShape shape({rect.width, rect.height});
  shape.setPosition(rect.left, rect.top);
  shape.setFillColor(fill);
  shape.setOutlineColor(outline);
  shape.setOutlineThickness(outline_width);
  target.draw(shape, states);
}

void draw_polyline(sf::RenderTarget& target, const sf::RenderStates& states, const std::vector<sf::Vector2f>& points,
                   sf::Color color) {
  sf::VertexArray line(sf::LineStrip, points.size());
  for (size_t i = 0; i < points.size(); ++i) line[i] = sf::Vertex(points[i], color);
  target.draw(line, states);
}

float draw_text(sf::RenderTarget& target, const sf::RenderStates& states, const sf::Font& font, const std::string& text,
                sf::Vector2f pos, unsigned size, sf::Color color) {
  sf::Text t(sf::String::fromUtf8(text.begin(), text.end()), font, size);
  t.setFillColor(color);
  t.setPosition(std::round(pos.x), std::round(pos.y));
  target.draw(t, states);
  return t.getLocalBounds().left + t.getLocalBounds().width;
}

std::string fit_text(const sf::Font& font, const std::string& text, unsigned size, float max_width) {
  const auto width = [&](const std::string& s) {
    const sf::Text t(sf::String::fromUtf8(s.begin(), s.end()), font, size);
    return t.getLocalBounds().left + t.getLocalBounds().width;
  };
  if (width(text) <= max_width) return text;
  // Keep the ends, which name the env and the episode; the middle goes (ASCII labels).
  for (size_t cut = 4; cut < text.size(); ++cut) {
    const size_t keep = text.size() - cut, head = keep * 2 / 5;
    const std::string s = text.substr(0, head) + "..." + text.substr(text.size() - (keep - head));
    if (width(s) <= max_width) return s;
  }
  return "...";
}

void draw_text_centred(sf::RenderTarget& target, const sf::RenderStates& states, const sf::Font& font,
                       const std::string& text, sf::Vector2f centre, unsigned size, sf::Color color) {
  sf::Text t(sf::String::fromUtf8(text.begin(), text.end()), font, size);
  t.setFillColor(color);
  const sf::FloatRect b = t.getLocalBounds();
  t.setOrigin(b.left + b.width / 2, b.top + b.height / 2);
  t.setPosition(std::round(centre.x), std::round(centre.y));
  target.draw(t, states);
}

}  // namespace tp::view
