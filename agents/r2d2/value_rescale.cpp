#include "agents/r2d2/value_rescale.h"

#include <cmath>

namespace tp::agents::r2d2 {

namespace {
double sign(double x) { return static_cast<double>((x > 0) - (x < 0)); }
}  // namespace

double value_rescale(double x, double eps) { return sign(x) * (std::sqrt(std::fabs(x) + 1.0) - 1.0) + eps * x; }

double value_rescale_inverse(double x, double eps) {
  const double a = std::fabs(x);
  if (eps == 0.0) return sign(x) * ((a + 1.0) * (a + 1.0) - 1.0);
  const double r = (std::sqrt(1.0 + 4.0 * eps * (a + 1.0 + eps)) - 1.0) / (2.0 * eps);
  return sign(x) * (r * r - 1.0);
}

torch::Tensor value_rescale(const torch::Tensor& x, double eps) {
  return torch::sign(x) * (torch::sqrt(torch::abs(x) + 1.0) - 1.0) + eps * x;
}

torch::Tensor value_rescale_inverse(const torch::Tensor& x, double eps) {
  const torch::Tensor a = torch::abs(x);
  if (eps == 0.0) return torch::sign(x) * ((a + 1.0).square() - 1.0);
  const torch::Tensor r = (torch::sqrt(1.0 + 4.0 * eps * (a + 1.0 + eps)) - 1.0) / (2.0 * eps);
  return torch::sign(x) * (r.square() - 1.0);
}

}  // namespace tp::agents::r2d2
