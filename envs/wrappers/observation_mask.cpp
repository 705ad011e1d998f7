#include "envs/wrappers/observation_mask.h"

#include "core/error.h"

namespace tp::envs {

ObservationMask::ObservationMask(std::unique_ptr<Env> inner, std::vector<int> kept, std::string id)
    : EnvWrapper(std::move(inner)), kept_(std::move(kept)), id_(std::move(id)) {
  const BoxSpace& full = wrapped().observation_space();
  TP_CHECK(full.shape.size() == 1, id_, ": only a vector observation can be masked, ", full.to_string());
  TP_CHECK(!kept_.empty(), id_, ": the mask keeps no element");
  for (const int i : kept_) {
    TP_CHECK(i >= 0 && i < full.size(), id_, ": mask index ", i, " outside ", full.to_string());
    space_.low.push_back(full.low[static_cast<size_t>(i)]);
    space_.high.push_back(full.high[static_cast<size_t>(i)]);
  }
  space_.shape = {static_cast<int>(kept_.size())};
  space_.dtype = full.dtype;
  full_.resize(static_cast<size_t>(full.size()));
}

void ObservationMask::observe(float* out) const {
  wrapped().observe(full_.data());
  for (size_t k = 0; k < kept_.size(); ++k) out[k] = full_[static_cast<size_t>(kept_[k])];
}

void ObservationMask::observe_bytes(uint8_t* out) const { Env::observe_bytes(out); }

}  // namespace tp::envs
