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

torch::Tensor psnr(const torch::Tensor& a, const torch::Tensor& b) {
  TP_CHECK(a.dim() == 4 && a.sizes() == b.sizes(), "PSNR needs two (N, C, H, W) image sets of one shape");
  torch::NoGradGuard no_grad;
  const auto mse = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).pow(2).flatten(1).mean(1).clamp_min(1e-10);
  return -10.0 * torch::log10(mse);
}

torch::Tensor ssim(const torch::Tensor& a_in, const torch::Tensor& b_in) {
  TP_CHECK(a_in.dim() == 4 && a_in.sizes() == b_in.sizes(), "SSIM needs two (N, C, H, W) image sets of one shape");
  constexpr int64_t kWindow = 11;
  constexpr double kSigma = 1.5, kC1 = 0.01 * 0.01, kC2 = 0.03 * 0.03;
  TP_CHECK(a_in.size(2) >= kWindow && a_in.size(3) >= kWindow, "SSIM needs images of at least 11x11");
  torch::NoGradGuard no_grad;
  namespace F = torch::nn::functional;
  const int64_t n = a_in.size(0), c = a_in.size(1);
  // Channels as images of one channel, filtered by the separable Gaussian window.
  const auto a = a_in.to(torch::kFloat64).reshape({n * c, 1, a_in.size(2), a_in.size(3)});
  const auto b = b_in.to(torch::kFloat64).reshape({n * c, 1, a_in.size(2), a_in.size(3)});
  auto g = torch::arange(kWindow, torch::kFloat64) - (kWindow - 1) / 2.0;
  g = torch::exp(-g * g / (2 * kSigma * kSigma));
  g = g / g.sum();
  const auto window = g.view({kWindow, 1}).matmul(g.view({1, kWindow})).view({1, 1, kWindow, kWindow});
  auto filter = [&](const torch::Tensor& x) { return F::conv2d(x, window); };
  const auto mu_a = filter(a), mu_b = filter(b);
  const auto var_a = filter(a * a) - mu_a * mu_a, var_b = filter(b * b) - mu_b * mu_b;
  const auto cov = filter(a * b) - mu_a * mu_b;
  const auto map =
      ((2 * mu_a * mu_b + kC1) * (2 * cov + kC2)) / ((mu_a * mu_a + mu_b * mu_b + kC1) * (var_a + var_b + kC2));
  return map.reshape({n, -1}).mean(1);
}

}  // namespace tp::gen
