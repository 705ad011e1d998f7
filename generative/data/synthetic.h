#pragma once
// Synthetic 2-D data sets, the standard mode-collapse benchmarks:
//   ring8   8 Gaussians on a circle of radius 2, std 0.02 (Metz et al. 2017, unrolled GANs)
//   grid25  25 Gaussians on the 5x5 grid {-4,-2,0,2,4}^2, std 0.05 (Lin et al. 2018, PacGAN)
//   moons   two interleaved half circles of radius 1 with N(0, 0.05^2) noise (scikit-learn's
//           make_moons), each moon counted as a "mode"
#include <torch/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tp::gen {

enum class SyntheticKind { Ring8, Grid25, Moons };

std::optional<SyntheticKind> synthetic_kind(const std::string& name);
// n points (n, 2) float32 from a generator seeded with `seed`.
torch::Tensor sample_synthetic(SyntheticKind kind, int64_t n, uint64_t seed);

// The modes of a synthetic set and the noise scale around them.
struct SyntheticModes {
  SyntheticKind kind;
  std::vector<std::array<double, 2>> centers;  // Gaussian centers (empty for moons)
  double std = 0.0;                            // per-coordinate noise std
  int64_t count() const;
  // Distance from (x, y) to mode m (to the center, or to the moon's arc).
  double distance(int64_t m, double x, double y) const;
};
SyntheticModes synthetic_modes(SyntheticKind kind);

}  // namespace tp::gen
