#include "generative/eval/mode_coverage.h"

#include <torch/torch.h>

#include <limits>

#include "core/error.h"
#include "generative/data/synthetic.h"

namespace tp::gen {

ModeStats mode_coverage(const torch::Tensor& points, const std::string& synthetic) {
  const auto kind = synthetic_kind(synthetic);
  TP_CHECK_AS(UsageError, kind.has_value(), "mode coverage is defined for ring8, grid25 and moons, not '", synthetic,
              "'");
  TP_CHECK(points.dim() == 2 && points.size(1) == 2 && points.size(0) > 0, "mode coverage needs (N, 2) points");
  const SyntheticModes modes = synthetic_modes(*kind);
  ModeStats s;
  s.total = modes.count();
  s.per_mode.assign(static_cast<size_t>(s.total), 0);
  auto p = points.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  const double* d = p.data_ptr<double>();
  const int64_t n = p.size(0);
  int64_t good = 0;
  for (int64_t i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    int64_t arg = 0;
    for (int64_t m = 0; m < s.total; ++m) {
      const double dist = modes.distance(m, d[2 * i], d[2 * i + 1]);
      if (dist < best) {
        best = dist;
        arg = m;
      }
    }
    if (best <= 3.0 * modes.std) {
      ++good;
      ++s.per_mode[static_cast<size_t>(arg)];
    }
  }
  const double threshold = kModeMinShare * static_cast<double>(n) / static_cast<double>(s.total);
  for (int64_t c : s.per_mode) s.covered += c >= threshold ? 1 : 0;
  s.high_quality_share = static_cast<double>(good) / static_cast<double>(n);
  return s;
}

}  // namespace tp::gen
