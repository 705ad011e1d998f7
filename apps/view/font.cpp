#include "apps/view/font.h"

#include <cstdlib>

#include "core/error.h"
#include "core/run_dir.h"

namespace tp::view {

std::vector<std::string> ui_font_candidates() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("TORCHPLAY_FONT"); env && *env) paths.emplace_back(env);
  paths.emplace_back("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");  // fonts-dejavu-core
  paths.emplace_back("/usr/share/fonts/TTF/DejaVuSans.ttf");              // other distributions
  paths.emplace_back("/usr/share/fonts/dejavu/DejaVuSans.ttf");
  paths.emplace_back("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf");
  return paths;
}

void load_ui_font(sf::Font& font) {
  std::string tried;
  for (const auto& path : ui_font_candidates()) {
    if (file_exists(path) && font.loadFromFile(path)) return;
    tried += (tried.empty() ? "" : ", ") + path;
  }
  TP_THROW(Error, "no font for the SFML views (tried ", tried,
           "): install the Debian package fonts-dejavu-core or set TORCHPLAY_FONT to a .ttf file");
}

}  // namespace tp::view
