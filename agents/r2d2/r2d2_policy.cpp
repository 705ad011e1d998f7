#include "agents/r2d2/r2d2_policy.h"

#include <torch/torch.h>

#include <sstream>
#include <vector>

#include "agents/r2d2/r2d2_options.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/text.h"

namespace tp::agents::r2d2 {

R2d2Policy::R2d2Policy(R2d2Network net, std::string name)
    : net_(std::move(net)), name_(std::move(name)), device_(net_->parameters().front().device()) {
  net_->eval();
  begin_episode();
}

void R2d2Policy::begin_episode() { state_ = RecurrentState::zeros(1, net_->options().lstm_size, device_); }

int R2d2Policy::act(const float* obs, const envs::Env&) {
  c10::InferenceMode guard;
  const torch::Tensor x =
      torch::from_blob(const_cast<float*>(obs), {1, 1, net_->options().obs_size}).to(device_);  // [T=1, B=1, obs]
  auto [q, next] = net_->forward(x, state_);
  state_ = next;
  return static_cast<int>(q[0].argmax(1).item<int64_t>());
}

namespace {

std::vector<std::string> fields(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string field; std::getline(in, field, separator);) out.push_back(field);
  return out;
}

// A positive integer, all digits.
bool parse_size(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoll(s);
  return out > 0;
}

}  // namespace

R2d2NetworkOptions r2d2_network_options_from_signature(const std::string& signature, const std::string& path) {
  // r2d2:OBS:W1-W2-...-lstmH:dueling|plain:ACTIONS, OBS a size or CxHxW (then the torso
  // starts with the convolution, "c16-").
  const std::vector<std::string> parts = fields(signature, ':');
  R2d2NetworkOptions o;
  bool ok = parts.size() == 5 && parts[0] == "r2d2" && (parts[3] == "dueling" || parts[3] == "plain") &&
            parse_size(parts[4], o.num_actions);
  if (ok && parts[1].find('x') != std::string::npos) {
    o.obs_size = 1;
    for (const std::string& d : fields(parts[1], 'x')) {
      int64_t size = 0;
      ok = ok && parse_size(d, size);
      o.planes.push_back(size);
      o.obs_size *= size;
    }
    ok = ok && o.planes.size() == 3 && parts[2].rfind("c16-", 0) == 0;
  } else {
    ok = ok && parse_size(parts[1], o.obs_size);
  }
  if (ok) {
    o.dueling = parts[3] == "dueling";
    std::vector<std::string> layers = fields(o.planes.empty() ? parts[2] : parts[2].substr(4), '-');
    ok = !layers.empty() && layers.back().rfind("lstm", 0) == 0 && parse_size(layers.back().substr(4), o.lstm_size);
    o.torso.clear();
    for (size_t i = 0; ok && i + 1 < layers.size(); ++i) {
      int64_t width = 0;
      ok = parse_size(layers[i], width);
      o.torso.push_back(width);
    }
  }
  ok = ok && (o.planes.empty() || (o.planes[1] > 2 && o.planes[2] > 2));
  TP_CHECK_AS(CheckpointError, ok, "checkpoint '", path, "' has a malformed r2d2 architecture '", printable(signature),
              "'");
  return o;
}

R2d2Network load_r2d2_network(CheckpointReader& reader, const envs::Env& env, torch::Device device) {
  reader.expect(kR2d2Algorithm);
  const R2d2NetworkOptions o = r2d2_network_options_from_signature(reader.header().architecture, reader.path());
  TP_CHECK_AS(CheckpointError,
              env.observation_space().size() == o.obs_size && env.action_space().n == o.num_actions &&
                  !env.has_continuous_actions(),
              "checkpoint '", reader.path(), "' does not fit the spaces of ", env.id());
  R2d2Network net(o);
  // The network the run hands out: "best" exists when the run kept its best evaluated weights.
  reader.load_module(reader.has("best") ? "best" : "online", *net);
  net->to(device);
  return net;
}

std::unique_ptr<R2d2Policy> load_r2d2_policy(const std::string& path, const envs::Env& env, torch::Device device) {
  CheckpointReader reader(path);
  return std::make_unique<R2d2Policy>(load_r2d2_network(reader, env, device), "r2d2:" + path);
}

}  // namespace tp::agents::r2d2
