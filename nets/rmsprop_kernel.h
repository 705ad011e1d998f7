#pragma once
// LibTorch 1.13's RMSprop::step for one parameter as one elementwise loop
// (torch/csrc/api/src/optim/rmsprop.cpp has the formulas). nets::optimizer_step calls it.
#include <cstdint>

namespace tp::nets {

// The hyperparameters, rounded to float as LibTorch's CPU kernels round scalars.
struct RmspropScalars {
  float lr = 0, alpha = 0, eps = 0, weight_decay = 0, momentum = 0;
  bool centered = false;
};

// Updates p [n] in place from grad, and the state: grad_avg is used when centered,
// momentum_buffer when momentum > 0 (else they may be null).
void rmsprop_update(const RmspropScalars& o, int64_t n, float* p, const float* grad, float* square_avg, float* grad_avg,
                    float* momentum_buffer);

}  // namespace tp::nets
