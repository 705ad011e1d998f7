#include "nets/rmsprop_kernel.h"

#include <cmath>

#include "nets/vector_clones.h"

namespace tp::nets {

// Built with -fno-math-errno (nets/CMakeLists.txt): otherwise std::sqrt keeps a scalar call
// for errno and the loop does not vectorize.
TP_VECTOR_CLONES
void rmsprop_update(const RmspropScalars& o, int64_t n, float* __restrict p, const float* __restrict grad,
                    float* __restrict square_avg, float* __restrict grad_avg, float* __restrict momentum_buffer) {
  const float one_minus_alpha = static_cast<float>(1.0 - static_cast<double>(o.alpha));
  for (int64_t i = 0; i < n; ++i) {
    const float g = o.weight_decay != 0.f ? grad[i] + o.weight_decay * p[i] : grad[i];
    const float sq = square_avg[i] * o.alpha + one_minus_alpha * g * g;
    square_avg[i] = sq;
    float avg;
    if (o.centered) {
      const float ga = grad_avg[i] * o.alpha + one_minus_alpha * g;
      grad_avg[i] = ga;
      avg = std::sqrt(sq - ga * ga) + o.eps;
    } else {
      avg = std::sqrt(sq) + o.eps;
    }
    if (o.momentum > 0.f) {
      const float buf = momentum_buffer[i] * o.momentum + g / avg;
      momentum_buffer[i] = buf;
      p[i] -= o.lr * buf;
    } else {
      p[i] -= o.lr * g / avg;
    }
  }
}

}  // namespace tp::nets
