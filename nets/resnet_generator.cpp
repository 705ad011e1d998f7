#include "nets/resnet_generator.h"

#include <torch/torch.h>

#include "core/error.h"
#include "nets/layers.h"

namespace tp::nets {

namespace nn = torch::nn;

namespace {
// Instance normalization without affine parameters, as in the authors' code.
nn::InstanceNorm2d instance_norm(int64_t channels) { return nn::InstanceNorm2d(nn::InstanceNorm2dOptions(channels)); }

// x + (pad, conv3, norm, relu, pad, conv3, norm)(x).
class ResnetBlockImpl : public nn::Module {
 public:
  explicit ResnetBlockImpl(int64_t width) {
    body_ =
        register_module("body", nn::Sequential(nn::ReflectionPad2d(1), nn::Conv2d(nn::Conv2dOptions(width, width, 3)),
                                               instance_norm(width), nn::ReLU(), nn::ReflectionPad2d(1),
                                               nn::Conv2d(nn::Conv2dOptions(width, width, 3)), instance_norm(width)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return x + body_->forward(x); }

 private:
  nn::Sequential body_{nullptr};
};
TORCH_MODULE(ResnetBlock);
}  // namespace

ResnetGeneratorImpl::ResnetGeneratorImpl(ResnetGeneratorOptions o) : options_(std::move(o)) {
  TP_CHECK_AS(UsageError, options_.channels() > 0 && options_.ngf() > 0 && options_.blocks() >= 0,
              "the ResNet generator needs channels > 0, ngf > 0 and blocks >= 0");
  const int64_t c = options_.channels(), w = options_.ngf();
  net_ = register_module("net", nn::Sequential());
  net_->push_back(nn::ReflectionPad2d(3));
  net_->push_back(nn::Conv2d(nn::Conv2dOptions(c, w, 7)));
  net_->push_back(instance_norm(w));
  net_->push_back(nn::ReLU());
  for (int64_t m : {1, 2}) {  // d(2 ngf), d(4 ngf)
    net_->push_back(nn::Conv2d(nn::Conv2dOptions(w * m, w * m * 2, 3).stride(2).padding(1)));
    net_->push_back(instance_norm(w * m * 2));
    net_->push_back(nn::ReLU());
  }
  for (int64_t b = 0; b < options_.blocks(); ++b) net_->push_back(ResnetBlock(4 * w));
  for (int64_t m : {4, 2}) {  // u(2 ngf), u(ngf)
    net_->push_back(
        nn::ConvTranspose2d(nn::ConvTranspose2dOptions(w * m, w * m / 2, 3).stride(2).padding(1).output_padding(1)));
    net_->push_back(instance_norm(w * m / 2));
    net_->push_back(nn::ReLU());
  }
  net_->push_back(nn::ReflectionPad2d(3));
  net_->push_back(nn::Conv2d(nn::Conv2dOptions(w, c, 7)));
  net_->push_back(nn::Tanh());
  // N(0, 0.02) weights and zero biases, as the authors initialize.
  for (auto& child : children()) init_weights(*child, "normal0.02");
}

torch::Tensor ResnetGeneratorImpl::forward(const torch::Tensor& x) {
  TP_CHECK(x.dim() == 4 && x.size(1) == options_.channels() && x.size(2) % 4 == 0 && x.size(3) % 4 == 0,
           "the ResNet generator takes (N, ", options_.channels(), ", H, W) inputs with H and W multiples of 4");
  return net_->forward(x);
}

std::string ResnetGeneratorImpl::signature() const {
  return "resnet:c" + std::to_string(options_.channels()) + ":ngf" + std::to_string(options_.ngf()) + ":b" +
         std::to_string(options_.blocks());
}

}  // namespace tp::nets
