#include "core/shipped_models.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace tp {

namespace fs = std::filesystem;

std::string shipped_models_dir() {
  const char* dir = std::getenv("TORCHPLAY_MODELS");
  if (dir && *dir) return dir;
  return TORCHPLAY_MODELS_DIR;  // set by core/CMakeLists.txt
}

std::optional<std::string> shipped_model(const std::string& name) {
  const bool plain_word = !name.empty() && name.find_first_of("/\\:.") == std::string::npos;
  if (!plain_word) return std::nullopt;
  const fs::path path = fs::path(shipped_models_dir()) / (name + ".tpck");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  return path.string();
}

std::vector<std::string> shipped_model_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(shipped_models_dir(), ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".tpck") names.push_back(it->path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace tp
