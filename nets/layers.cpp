#include "nets/layers.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

namespace nn = torch::nn;

torch::nn::AnyModule make_activation(const std::string& name) {
  if (name == "relu") return nn::AnyModule(nn::ReLU());
  if (name == "tanh") return nn::AnyModule(nn::Tanh());
  if (name == "sigmoid") return nn::AnyModule(nn::Sigmoid());
  if (name == "leaky_relu") return nn::AnyModule(nn::LeakyReLU());
  if (name == "leaky_relu0.2") return nn::AnyModule(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
  if (name == "elu") return nn::AnyModule(nn::ELU());
  if (name == "gelu") return nn::AnyModule(nn::GELU());
  if (name == "silu") return nn::AnyModule(nn::SiLU());
  TP_THROW(UsageError, "unknown activation '", name,
           "' (relu, tanh, sigmoid, leaky_relu, leaky_relu0.2, elu, gelu, silu)");
}

torch::nn::AnyModule make_norm2d(const std::string& name, int64_t channels, int64_t groups) {
  if (name == "batch") return nn::AnyModule(nn::BatchNorm2d(channels));
  if (name == "instance") return nn::AnyModule(nn::InstanceNorm2d(nn::InstanceNorm2dOptions(channels).affine(true)));
  if (name == "group") return nn::AnyModule(nn::GroupNorm(nn::GroupNormOptions(std::min(groups, channels), channels)));
  if (name == "layer") return nn::AnyModule(nn::GroupNorm(nn::GroupNormOptions(1, channels)));  // LayerNorm over C,H,W
  if (name == "none") return nn::AnyModule(nn::Identity());
  TP_THROW(UsageError, "unknown normalization '", name, "' (batch, layer, instance, group, none)");
}

void init_weights(torch::nn::Module& module, const std::string& scheme) {
  if (scheme == "default") return;
  TP_CHECK_AS(UsageError, scheme == "xavier" || scheme == "he" || scheme == "normal0.02", "unknown init '", scheme,
              "' (xavier, he, normal0.02, default)");
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/true)) {
    auto* lin = m->as<nn::Linear>();
    auto* conv = m->as<nn::Conv2d>();
    auto* deconv = m->as<nn::ConvTranspose2d>();
    torch::Tensor w, b;
    if (lin) {
      w = lin->weight;
      b = lin->bias;
    } else if (conv) {
      w = conv->weight;
      b = conv->bias;
    } else if (deconv) {
      w = deconv->weight;
      b = deconv->bias;
    } else
      continue;
    if (scheme == "xavier")
      nn::init::xavier_uniform_(w);
    else if (scheme == "he")
      nn::init::kaiming_normal_(w, 0.0, torch::kFanIn, torch::kReLU);
    else
      nn::init::normal_(w, 0.0, 0.02);
    if (b.defined()) nn::init::zeros_(b);
  }
}

torch::Device device_of(const torch::nn::Module& module) {
  const auto params = module.parameters();
  return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

std::string torso_for_observation(const std::vector<int64_t>& shape) {
  if (shape.size() == 1) return "mlp";
  if (shape.size() == 3 && shape[1] == 10 && shape[2] == 10) return "minatar";
  if (shape.size() == 3 && shape[1] >= 36 && shape[2] >= 36) return "nature";
  return "";
}

}  // namespace tp::nets
