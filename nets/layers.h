#pragma once
// Building blocks selected by name (activation, normalization, weight init), so options
// structs and the CLI can name them.
#include <torch/nn/modules/container/any.h>
#include <torch/nn/module.h>

#include <string>
#include <vector>

namespace tp::nets {

// relu | tanh | sigmoid | leaky_relu (0.01) | leaky_relu0.2 | elu | gelu | silu
torch::nn::AnyModule make_activation(const std::string& name);
// batch | layer | instance | group | none, for `channels` feature maps (2-D) or features (1-D).
torch::nn::AnyModule make_norm2d(const std::string& name, int64_t channels, int64_t groups = 8);
// Initializes Linear/Conv weights of `module` (recursively): xavier | he | normal0.02 | default.
void init_weights(torch::nn::Module& module, const std::string& scheme);
// The device of `module`'s parameters (the CPU for a module without any).
torch::Device device_of(const torch::nn::Module& module);
// The torso an observation shape calls for: "mlp" for vectors, "minatar" for {C, 10, 10},
// "nature" for {C, >=36, >=36} images; "" when none fits.
std::string torso_for_observation(const std::vector<int64_t>& shape);

}  // namespace tp::nets
