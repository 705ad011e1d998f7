#include "agents/r2d2/r2d2_network.h"

#include "core/error.h"
#include "nets/torchscript.h"

namespace tp::agents::r2d2 {

namespace {
constexpr int64_t kConvFilters = 16;  // MinAtar DQN's convolution
}  // namespace

RecurrentState RecurrentState::zeros(int64_t batch, int64_t size, torch::Device device) {
  auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  return {torch::zeros({1, batch, size}, opts), torch::zeros({1, batch, size}, opts)};
}

R2d2NetworkImpl::R2d2NetworkImpl(R2d2NetworkOptions o) : options_(std::move(o)) {
  TP_CHECK(options_.obs_size > 0 && options_.num_actions > 0 && options_.lstm_size > 0, "bad r2d2 network sizes");
  torso_ = torch::nn::Sequential();
  int64_t in = options_.obs_size;
  if (!options_.planes.empty()) {
    const auto& p = options_.planes;
    TP_CHECK(p.size() == 3 && p[0] > 0 && p[1] > 2 && p[2] > 2 && p[0] * p[1] * p[2] == options_.obs_size,
             "bad r2d2 conv input");
    torso_->push_back(torch::nn::Unflatten(torch::nn::UnflattenOptions(1, p)));
    torso_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(p[0], kConvFilters, 3)));
    torso_->push_back(torch::nn::ReLU());
    torso_->push_back(torch::nn::Flatten());
    in = kConvFilters * (p[1] - 2) * (p[2] - 2);
  }
  for (int64_t w : options_.torso) {
    TP_CHECK(w > 0, "bad r2d2 torso width");
    torso_->push_back(torch::nn::Linear(in, w));
    torso_->push_back(torch::nn::ReLU());
    in = w;
  }
  register_module("torso", torso_);
  lstm_ = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(in, options_.lstm_size)));
  if (options_.dueling) value_ = register_module("value", torch::nn::Linear(options_.lstm_size, 1));
  advantage_ = register_module("advantage", torch::nn::Linear(options_.lstm_size, options_.num_actions));
}

std::pair<torch::Tensor, RecurrentState> R2d2NetworkImpl::forward(const torch::Tensor& obs,
                                                                  const RecurrentState& state) {
  const int64_t t = obs.size(0), b = obs.size(1);
  torch::Tensor x = obs.reshape({t * b, options_.obs_size});
  if (!torso_->is_empty()) x = torso_->forward(x);
  auto [out, hc] = lstm_->forward(x.reshape({t, b, -1}), std::make_tuple(state.h, state.c));
  torch::Tensor a = advantage_->forward(out);
  torch::Tensor q = options_.dueling ? value_->forward(out) + a - a.mean(-1, true) : a;
  return {q, RecurrentState{std::get<0>(hc), std::get<1>(hc)}};
}

std::string R2d2NetworkImpl::signature() const {
  std::string s = "r2d2:";
  if (options_.planes.empty()) {
    s += std::to_string(options_.obs_size) + ":";
  } else {
    for (size_t i = 0; i < options_.planes.size(); ++i) s += (i ? "x" : "") + std::to_string(options_.planes[i]);
    s += ":c" + std::to_string(kConvFilters) + "-";
  }
  for (int64_t w : options_.torso) s += std::to_string(w) + "-";
  s += "lstm" + std::to_string(options_.lstm_size) + (options_.dueling ? ":dueling:" : ":plain:") +
       std::to_string(options_.num_actions);
  return s;
}

torch::jit::Module script_r2d2_network(const R2d2NetworkImpl& net) {
  const R2d2NetworkOptions& o = net.options();
  nets::ScriptWriter w("R2d2Network");
  const std::string x = w.apply(*net.torso(), w.let("obs.reshape([obs.size(0), " + std::to_string(o.obs_size) + "])"));
  const auto [h, c] = w.lstm_step(*net.lstm(), x, "h", "c");
  std::string q = w.apply(*net.advantage_head(), h);
  if (o.dueling) q = w.let(w.apply(*net.value_head(), h) + " + " + q + " - " + q + ".mean(1, keepdim=True)");
  const std::string zeros = "torch.zeros([1, batch, " + std::to_string(o.lstm_size) + "])";
  return w.finish(
      "obs, h, c", "(" + q + ", " + h + ".unsqueeze(0), " + c + ".unsqueeze(0))",
      "def initial_state(self, batch: int) -> Tuple[Tensor, Tensor]:\n    return (" + zeros + ", " + zeros + ")\n");
}

R2d2Network clone_network(const R2d2Network& net) {
  R2d2Network copy(net->options());
  copy->to(net->parameters().front().device());
  copy_parameters(net, copy);
  return copy;
}

void copy_parameters(const R2d2Network& from, R2d2Network& to) {
  torch::NoGradGuard guard;
  const auto src = from->parameters();
  auto dst = to->parameters();
  TP_CHECK(src.size() == dst.size(), "r2d2 networks differ");
  for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
}

}  // namespace tp::agents::r2d2
