#pragma once
// The invertible value rescaling of R2D2 (Kapturowski et al. 2019, after Pohlen et al. 2018):
//   h(x)    = sign(x) (sqrt(|x| + 1) - 1) + eps x
//   h^-1(x) = sign(x) (((sqrt(1 + 4 eps (|x| + 1 + eps)) - 1) / (2 eps))^2 - 1)
// The inverse is the closed form (the positive root of the quadratic in sqrt(|x| + 1));
// eps = 0 gives h^-1(x) = sign(x) ((|x| + 1)^2 - 1).
#include <torch/torch.h>

namespace tp::agents::r2d2 {

inline constexpr double kRescaleEps = 1e-3;

double value_rescale(double x, double eps = kRescaleEps);
double value_rescale_inverse(double x, double eps = kRescaleEps);
torch::Tensor value_rescale(const torch::Tensor& x, double eps = kRescaleEps);
torch::Tensor value_rescale_inverse(const torch::Tensor& x, double eps = kRescaleEps);

}  // namespace tp::agents::r2d2
