#pragma once
// The models shipped in the repository's models/ folder (models/README.md): checkpoints
// that play at once, named by a short name (`--agent connect4`, `--model fashion-cgan`).
#include <optional>
#include <string>
#include <vector>

namespace tp {

// $TORCHPLAY_MODELS when set, else the source tree's models/ folder.
std::string shipped_models_dir();
// models/<name>.tpck when `name` is a plain word and that file exists.
std::optional<std::string> shipped_model(const std::string& name);
// The short names present, sorted.
std::vector<std::string> shipped_model_names();

}  // namespace tp
