#pragma once
// Sample quality for image models, measured with the toolkit's own classifier
// (generative/models/classifier.h) instead of Inception-v3, so the numbers are only
// comparable between models scored with the same classifier checkpoint:
//   classifier FID (Heusel et al. 2017): Frechet distance between Gaussians fitted to the
//     classifier's penultimate features of the samples and of the test set;
//   classifier Inception Score (Salimans et al. 2016): exp(E_x KL(p(y|x) || p(y))), mean and
//     std over `splits` equal parts (1 .. number of classes).
// And the pixel fidelity of image-to-image models against their truth: PSNR and SSIM.
#include <torch/types.h>

#include <cstdint>

namespace tp::gen {

// Frechet distance between N(mean(a), cov(a)) and N(mean(b), cov(b)); a, b: (N, D) features.
double frechet_distance(const torch::Tensor& a, const torch::Tensor& b);

struct ScoreWithStd {
  double mean = 0, std = 0;
};
// probs: (N, classes) rows summing to 1.
ScoreWithStd inception_score(const torch::Tensor& probs, int64_t splits = 10);

// Per-image peak signal-to-noise ratio of a against b, (N, C, H, W) in [0, 1]:
// 10 log10(1 / MSE) dB, the MSE floored at 1e-10 (identical images: 100 dB). Returns (N).
torch::Tensor psnr(const torch::Tensor& a, const torch::Tensor& b);
// Per-image structural similarity (Wang et al. 2004) of a against b, (N, C, H, W) in [0, 1]:
// Gaussian window 11x11 of sigma 1.5, K1 0.01, K2 0.03, data range 1, averaged over the
// window positions inside the image and the channels. Returns (N).
torch::Tensor ssim(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace tp::gen
