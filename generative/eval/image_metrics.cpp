#include "generative/eval/image_metrics.h"

#include <torch/torch.h>

#include <cmath>

#include "core/error.h"

namespace tp::gen {

namespace {
// Symmetric PSD square root by eigendecomposition (negative rounding noise clipped to 0).
torch::Tensor sqrt_psd(const torch::Tensor& m) {
  auto [values, vectors] = torch::linalg::eigh(m, "L");
  return vectors.matmul(torch::diag(values.clamp_min(0).sqrt())).matmul(vectors.transpose(0, 1));
}
std::pair<torch::Tensor, torch::Tensor> mean_cov(const torch::Tensor& f) {
  auto x = f.to(torch::kFloat64);
  auto mu = x.mean(0);
  auto c = x - mu;
  return {mu, c.transpose(0, 1).matmul(c) / static_cast<double>(x.size(0) - 1)};
}
}  // namespace

double frechet_distance(const torch::Tensor& a, const torch::Tensor& b) {
  TP_CHECK(a.dim() == 2 && b.dim() == 2 && a.size(1) == b.size(1), "Frechet distance needs (N, D) features of equal D");
  TP_CHECK(a.size(0) > 1 && b.size(0) > 1, "Frechet distance needs at least two samples per set");
  torch::NoGradGuard no_grad;
  auto [mu1, c1] = mean_cov(a);
  auto [mu2, c2] = mean_cov(b);
  // Tr sqrt(C1 C2) = Tr sqrt(S C2 S) with S = sqrt(C1): the inner matrix is symmetric PSD.
  auto s1 = sqrt_psd(c1);
  auto inner = s1.matmul(c2).matmul(s1);
  inner = 0.5 * (inner + inner.transpose(0, 1));
  auto eig = torch::linalg::eigvalsh(inner, "L").clamp_min(0).sqrt().sum();
  const double d = (mu1 - mu2).pow(2).sum().item<double>() + c1.trace().item<double>() + c2.trace().item<double>() -
                   2.0 * eig.item<double>();
  return std::max(d, 0.0);
}

ScoreWithStd inception_score(const torch::Tensor& probs, int64_t splits) {
  TP_CHECK(probs.dim() == 2 && probs.size(0) >= splits && splits > 0,
           "inception score needs (N, classes) with N >= splits");
  torch::NoGradGuard no_grad;
  auto p = probs.to(torch::kFloat64).clamp_min(1e-12);
  const int64_t n = p.size(0), per = n / splits;
  std::vector<double> scores;
  for (int64_t s = 0; s < splits; ++s) {
    auto part = p.narrow(0, s * per, per);
    auto py = part.mean(0, true);
    auto kl = (part * (part.log() - py.log())).sum(1).mean();
    scores.push_back(std::exp(kl.item<double>()));
  }
  double mean = 0, var = 0;
  for (double v : scores) mean += v;
  mean /= scores.size();
  for (double v : scores) var += (v - mean) * (v - mean);
  return {mean, std::sqrt(var / scores.size())};
}

}  // namespace tp::gen
