#include "agents/alphago/policy_games.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace tp::agents::alphago {

using envs::go::GoState;

std::vector<double> play_policy_games(PolicyNetwork& a, PolicyNetwork& b, int n, const envs::go::GoParams& params,
                                      Rng& rng, const std::function<void(const PolicyGameMove&)>& on_move) {
  c10::InferenceMode guard;
  const int size = params.size, area = size * size, actions = area + 1, planes = a.planes();
  const int64_t plane_floats = int64_t{planes} * area;
  std::vector<GoState> games(static_cast<size_t>(n), GoState(params));
  std::vector<size_t> movers;
  std::vector<float> sensible(static_cast<size_t>(actions));
  std::vector<double> weights(static_cast<size_t>(area));  // a move's sampling weight
  torch::Tensor x = torch::empty({n, planes, size, size});
  for (bool live = true; live;) {
    live = false;
    for (int side = 0; side < 2; ++side) {  // 0: a's games to move, 1: b's
      movers.clear();
      for (size_t g = 0; g < games.size(); ++g)
        if (!games[g].is_terminal() && ((games[g].current_player() == 0) == (g % 2 == 0)) == (side == 0))
          movers.push_back(g);
      if (movers.empty()) continue;
      live = true;
      PolicyNetwork& net = side == 0 ? a : b;
      float* in = x.data_ptr<float>();
      for (size_t i = 0; i < movers.size(); ++i)
        encode_features(games[movers[i]], net.features, false, in + static_cast<int64_t>(i) * plane_floats);
      const torch::Tensor logits =
          net.net->forward(x.narrow(0, 0, static_cast<int64_t>(movers.size()))).to(torch::kFloat32).contiguous();
      for (size_t i = 0; i < movers.size(); ++i) {
        GoState& s = games[movers[i]];
        const float* row = logits.data_ptr<float>() + static_cast<int64_t>(i) * actions;
        float best = -1e30f;
        int count = 0;
        for (int m = 0; m < area; ++m) {
          const bool ok = s.is_legal(m) && !s.board().is_eye(s.board_point(m), s.to_play());
          sensible[static_cast<size_t>(m)] = ok ? 1.f : 0.f;
          if (ok) best = std::max(best, row[m]), ++count;
        }
        sensible[static_cast<size_t>(area)] = count == 0 ? 1.f : 0.f;
        envs::Action move = s.pass_action();
        if (count > 0) {
          for (int m = 0; m < area; ++m)
            weights[static_cast<size_t>(m)] = sensible[static_cast<size_t>(m)] > 0 ? std::exp(row[m] - best) : 0.0;
          move = static_cast<envs::Action>(rng.weighted_index(weights));
        }
        if (on_move)
          on_move({static_cast<int>(movers[i]), &s, in + static_cast<int64_t>(i) * plane_floats, sensible.data(), move,
                   side == 0});
        s.apply(move);
      }
    }
  }
  std::vector<double> results(games.size());
  for (size_t g = 0; g < games.size(); ++g) {
    const double r = games[g].returns()[g % 2 == 0 ? 0 : 1];
    results[g] = r > 0 ? 1.0 : r < 0 ? -1.0 : 0.0;
  }
  return results;
}

}  // namespace tp::agents::alphago
