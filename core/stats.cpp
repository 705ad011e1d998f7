#include "core/stats.h"

#include <algorithm>
#include <cmath>

namespace tp {

void wilson_interval(double p, int n, double z, double& low, double& high) {
  if (n <= 0) {
    low = 0.0;
    high = 1.0;
    return;
  }
  const double z2 = z * z, denom = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
  low = std::max(0.0, centre - half);
  high = std::min(1.0, centre + half);
}

}  // namespace tp
