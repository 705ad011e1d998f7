#include "generative/data/synthetic.h"

#include <torch/torch.h>

#include <cmath>

#include "core/rng.h"

namespace tp::gen {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

std::optional<SyntheticKind> synthetic_kind(const std::string& name) {
  if (name == "ring8") return SyntheticKind::Ring8;
  if (name == "grid25") return SyntheticKind::Grid25;
  if (name == "moons") return SyntheticKind::Moons;
  return std::nullopt;
}

SyntheticModes synthetic_modes(SyntheticKind kind) {
  SyntheticModes m{kind, {}, 0.0};
  if (kind == SyntheticKind::Ring8) {
    for (int i = 0; i < 8; ++i) m.centers.push_back({2.0 * std::cos(2 * kPi * i / 8), 2.0 * std::sin(2 * kPi * i / 8)});
    m.std = 0.02;
  } else if (kind == SyntheticKind::Grid25) {
    for (int i = -2; i <= 2; ++i)
      for (int j = -2; j <= 2; ++j) m.centers.push_back({2.0 * i, 2.0 * j});
    m.std = 0.05;
  } else {
    m.std = 0.05;
  }
  return m;
}

int64_t SyntheticModes::count() const { return kind == SyntheticKind::Moons ? 2 : static_cast<int64_t>(centers.size()); }

double SyntheticModes::distance(int64_t m, double x, double y) const {
  if (kind != SyntheticKind::Moons) return std::hypot(x - centers[m][0], y - centers[m][1]);
  // Moon 0: upper half circle around (0, 0); moon 1: lower half circle around (1, 0.5).
  const double cx = m == 0 ? 0.0 : 1.0, cy = m == 0 ? 0.0 : 0.5;
  const double dx = x - cx, dy = y - cy;
  const bool on_side = m == 0 ? dy >= 0 : dy <= 0;
  if (on_side) return std::fabs(std::hypot(dx, dy) - 1.0);
  // Below (above) the arc's diameter: the nearest point is one of the arc's two ends.
  return std::min(std::hypot(dx - 1.0, dy), std::hypot(dx + 1.0, dy));
}

torch::Tensor sample_synthetic(SyntheticKind kind, int64_t n, uint64_t seed) {
  Rng rng(seed);
  const SyntheticModes modes = synthetic_modes(kind);
  auto out = torch::empty({n, 2}, torch::kFloat32);
  float* p = out.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    double x, y;
    if (kind == SyntheticKind::Moons) {
      const double t = kPi * rng.uniform();
      if (rng.below(2) == 0) { x = std::cos(t); y = std::sin(t); }
      else { x = 1.0 - std::cos(t); y = 0.5 - std::sin(t); }
    } else {
      const auto& c = modes.centers[rng.below(static_cast<uint32_t>(modes.centers.size()))];
      x = c[0];
      y = c[1];
    }
    p[2 * i] = static_cast<float>(x + modes.std * rng.normal());
    p[2 * i + 1] = static_cast<float>(y + modes.std * rng.normal());
  }
  return out;
}

}  // namespace tp::gen
