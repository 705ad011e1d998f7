#pragma once
// The heads-up strip under every scene: status fields (score, step, episode, ...) and the
// key help, one text line each.
#include <SFML/Graphics.hpp>

#include <string>
#include <vector>

namespace tp::view {

constexpr unsigned kHudLineHeight = 22;
constexpr unsigned kHudFontSize = 15;
// Pixel height of a strip holding `lines` lines.
unsigned hud_height(size_t lines);
// Draws the strip with its top-left corner at `top_left`, `width` pixels wide.
void draw_hud(sf::RenderTarget& target, const sf::Font& font, sf::Vector2f top_left, float width,
              const std::vector<std::string>& lines);

// "%.1f"-style number formatting for HUD fields.
std::string format_number(double value, int decimals = 1);

}  // namespace tp::view
