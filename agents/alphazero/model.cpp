#include "agents/alphazero/model.h"

#include <torch/torch.h>

#include "agents/alphazero/options.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/json.h"
#include "core/text.h"

namespace tp::agents {

nets::ResidualTower make_alphazero_net(const envs::GameInfo& info, const AlphaZeroOptions& o) {
  return nets::ResidualTower(
      nets::ResidualTowerOptions(info.num_planes, info.board_height, info.board_width, info.num_actions)
          .blocks(o.blocks)
          .filters(o.filters)
          .value_hidden(o.value_hidden)
          .global_pooling_every(o.global_pooling)
          .auxiliary_heads(o.auxiliary_heads()));
}

std::string AlphaZeroModelInfo::to_json() const {
  Json j = Json::object();
  j["game"] = game;
  j["game_options"] = game_options;
  j["blocks"] = blocks;
  j["filters"] = filters;
  j["value_hidden"] = value_hidden;
  j["global_pooling"] = global_pooling;
  j["auxiliary_heads"] = auxiliary_heads;
  j["simulations"] = simulations;
  j["c_puct"] = c_puct;
  j["search"] = gumbel ? "gumbel" : "puct";
  j["considered_actions"] = considered_actions;
  j["gumbel_c_visit"] = gumbel_c_visit;
  j["gumbel_c_scale"] = gumbel_c_scale;
  j["fpu"] = fpu_parent ? "parent" : "zero";
  j["fpu_reduction"] = fpu_reduction;
  return j.dump();
}

AlphaZeroModelInfo AlphaZeroModelInfo::from_json(const std::string& text, const std::string& path) {
  try {
    const Json j = Json::parse(text);
    AlphaZeroModelInfo m;
    m.game = j.at("game").get<std::string>();
    m.game_options = j.at("game_options").get<std::string>();
    m.blocks = static_cast<int>(j.at("blocks").get<int64_t>());
    m.filters = static_cast<int>(j.at("filters").get<int64_t>());
    m.value_hidden = static_cast<int>(j.at("value_hidden").get<int64_t>());
    m.simulations = static_cast<int>(j.at("simulations").get<int64_t>());
    if (j.contains("global_pooling")) {
      m.global_pooling = static_cast<int>(j.at("global_pooling").get<int64_t>());
      m.auxiliary_heads = j.at("auxiliary_heads").get<bool>();
    }
    m.c_puct = j.at("c_puct").get<double>();
    if (j.contains("search")) {
      const std::string search = j.at("search").get<std::string>();
      TP_CHECK(is_search_name(search), "unknown search '", printable(search, 40), "'");
      m.gumbel = search == "gumbel";
      m.considered_actions = static_cast<int>(j.at("considered_actions").get<int64_t>());
      m.gumbel_c_visit = j.at("gumbel_c_visit").get<double>();
      m.gumbel_c_scale = j.at("gumbel_c_scale").get<double>();
    }
    if (j.contains("fpu")) {
      const std::string fpu = j.at("fpu").get<std::string>();
      TP_CHECK(fpu == "zero" || fpu == "parent", "unknown first-play urgency '", printable(fpu, 40), "'");
      m.fpu_parent = fpu == "parent";
      m.fpu_reduction = j.at("fpu_reduction").get<double>();
    }
    TP_CHECK(m.global_pooling >= 0, "network settings out of range");
    TP_CHECK(m.fpu_reduction >= 0 && m.simulations > 0 && m.c_puct > 0 && m.considered_actions > 0 &&
                 m.gumbel_c_visit >= 0 && m.gumbel_c_scale >= 0,
             "search settings out of range");
    return m;
  } catch (const std::exception& e) {  // tp::Error, or nlohmann's for a missing or mistyped field
    TP_THROW(CheckpointError, "checkpoint '", path, "': malformed player settings (", printable(e.what(), 200), ")");
  }
}

MctsOptions AlphaZeroModelInfo::play_options(int simulations_override) const {
  MctsOptions o;
  o.simulations = simulations_override > 0 ? simulations_override : simulations;
  o.c_puct = c_puct;
  o.gumbel = gumbel;
  o.considered_actions = considered_actions;
  o.gumbel_c_visit = gumbel_c_visit;
  o.gumbel_c_scale = gumbel_c_scale;
  o.fpu_parent = fpu_parent;
  o.fpu_reduction = fpu_reduction;
  return o;
}

LoadedAlphaZeroModel load_alphazero_model(const std::string& path, const envs::GameState& game, torch::Device device) {
  CheckpointReader reader(path);
  return load_alphazero_model(reader, game, device);
}

LoadedAlphaZeroModel load_alphazero_model(CheckpointReader& reader, const envs::GameState& game, torch::Device device) {
  const std::string& path = reader.path();
  reader.expect(kAlphaZeroAlgorithm);
  LoadedAlphaZeroModel out;
  out.info = AlphaZeroModelInfo::from_json(reader.bytes(kAlphaZeroPlayerEntry), path);
  const envs::GameInfo& info = game.info();
  TP_CHECK_AS(CheckpointError, out.info.game == info.name, "checkpoint '", path, "' was trained on ", out.info.game,
              ", not ", info.name);
  AlphaZeroOptions o;
  o.blocks = out.info.blocks;
  o.filters = out.info.filters;
  o.value_hidden = out.info.value_hidden;
  o.global_pooling = out.info.global_pooling;
  o.ownership_weight = out.info.auxiliary_heads ? 1.0 : 0.0;  // the heads exist; their weight is training's
  out.net = make_alphazero_net(info, o);
  TP_CHECK_AS(CheckpointError, reader.header().architecture == out.net->signature(), "checkpoint '", path,
              "' holds network ", reader.header().architecture, ", which does not fit this ", info.name, " board (",
              out.net->signature(), ")");
  reader.load_module("best", *out.net);
  out.net->to(device);
  out.net->eval();
  return out;
}

}  // namespace tp::agents
