#include "agents/alphago/policy_network.h"

#include <torch/torch.h>

#include <cstdio>

#include "agents/alphago/rl_policy.h"
#include "agents/alphago/sl_policy.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/text.h"

namespace tp::agents::alphago {

bool is_policy_algorithm(const std::string& algorithm) {
  return algorithm == kSlPolicyAlgorithm || algorithm == kRlPolicyAlgorithm;
}

PolicyNetwork load_policy_network(const std::string& path, const torch::Device& device, int size) {
  CheckpointReader reader(path);
  return load_policy_network(reader, device, size);
}

PolicyNetwork load_policy_network(CheckpointReader& reader, const torch::Device& device, int size) {
  const std::string& path = reader.path();
  TP_CHECK_AS(CheckpointError, is_policy_algorithm(reader.header().algorithm), "checkpoint '", path, "' holds ",
              printable(reader.header().algorithm), ", not an AlphaGo policy network (alphago-sl or alphago-rl)");
  const std::string& arch = reader.header().architecture;
  int planes = 0, board = 0, filters = 0, layers = 0;
  char tail = 0;
  TP_CHECK_AS(CheckpointError,
              std::sscanf(arch.c_str(), "gopolicy:p%d:s%d:k%d:l%d%c", &planes, &board, &filters, &layers, &tail) == 4 &&
                  (planes == kFullPlanes || planes == kStonePlanes) && filters > 0 && layers > 0 &&
                  board >= envs::go::kMinSize && board <= envs::go::kMaxSize,
              "checkpoint '", path, "': unknown policy network '", printable(arch), "'");
  TP_CHECK_AS(CheckpointError, size <= 0 || board == size, "checkpoint '", path, "' plays ", board, "x", board,
              " Go, not ", size, "x", size);
  PolicyNetwork out;
  out.features = planes == kFullPlanes ? FeatureSet::kFull : FeatureSet::kStones;
  out.size = board;
  out.net = nets::GoPolicyNet(nets::GoPolicyNetOptions().planes(planes).size(board).filters(filters).layers(layers));
  reader.load_module("policy", *out.net);
  out.net->eval();
  out.net->to(device);
  return out;
}

PolicyNetwork same_shape(const PolicyNetwork& net) {
  PolicyNetwork out = net;
  out.net = nets::GoPolicyNet(net.net->options());
  return out;
}

void copy_weights(const PolicyNetwork& from, PolicyNetwork& to) {
  torch::NoGradGuard no_grad;
  const auto src = from.net->parameters(), dst = to.net->parameters();
  TP_CHECK(src.size() == dst.size(), "copy_weights: networks of different shapes");
  for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
}

}  // namespace tp::agents::alphago
