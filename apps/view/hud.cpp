#include "apps/view/hud.h"

#include <cstdio>

#include "apps/view/shapes.h"

namespace tp::view {

unsigned hud_height(size_t lines) { return static_cast<unsigned>(lines) * kHudLineHeight + 12; }

void draw_hud(sf::RenderTarget& target, const sf::Font& font, sf::Vector2f top_left, float width,
              const std::vector<std::string>& lines) {
  const sf::RenderStates states;
  draw_rect(target, states, {top_left.x, top_left.y, width, static_cast<float>(hud_height(lines.size()))},
            sf::Color(30, 30, 36));
  for (size_t i = 0; i < lines.size(); ++i)
    draw_text(target, states, font, fit_text(font, lines[i], kHudFontSize, width - 20),
              {top_left.x + 10, top_left.y + 6 + static_cast<float>(i * kHudLineHeight)}, kHudFontSize,
              i == 0 ? sf::Color(250, 250, 250) : sf::Color(190, 200, 210));
}

std::string format_number(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace tp::view
