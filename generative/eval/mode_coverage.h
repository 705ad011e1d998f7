#pragma once
// Mode coverage on the synthetic 2-D sets (Srivastava et al. 2017, VEEGAN; Lin et al. 2018,
// PacGAN): a sample is "high quality" when it lies within 3 standard deviations of a mode;
// a mode is covered when it holds at least 20% of its fair share (n / modes) of the
// high-quality samples: PacGAN's "at least 20 of 2500 samples" for 25 modes.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tp::gen {

constexpr int64_t kModeEvalSamples = 2500;
constexpr double kModeMinShare = 0.2;

struct ModeStats {
  int64_t covered = 0;
  int64_t total = 0;
  double high_quality_share = 0.0;
  std::vector<int64_t> per_mode;  // high-quality samples per mode
};

// points: (N, 2); synthetic: ring8 | grid25 | moons (UsageError otherwise).
ModeStats mode_coverage(const torch::Tensor& points, const std::string& synthetic);

}  // namespace tp::gen
