#pragma once
// The TrueType font every SFML view draws its text with. SFML has no built-in font, so a
// TTF from a Debian font package is loaded (fonts-dejavu-core, installed by scripts/setup.sh);
// TORCHPLAY_FONT=/path/to/font.ttf overrides it.
#include <SFML/Graphics/Font.hpp>

#include <string>
#include <vector>

namespace tp::view {

// The paths tried in order (TORCHPLAY_FONT first when set).
std::vector<std::string> ui_font_candidates();
// Loads the first candidate that exists; throws tp::Error naming the paths and the package
// to install when none does.
void load_ui_font(sf::Font& font);

}  // namespace tp::view
