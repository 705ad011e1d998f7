#include <torch/types.h>

#include "core/checkpoint.h"
#include "core/error.h"
#include "agents/agent_spec.h"
#include "agents/policy.h"
#include "agents/torchscript_agent.h"
#include "agents/dqn/dqn_policy.h"
#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/pg_policy.h"
#include "agents/pqn/pqn_options.h"
#include "agents/pqn/pqn_policy.h"
#include "agents/r2d2/r2d2_options.h"
#include "agents/r2d2/r2d2_policy.h"

namespace tp::agents {

std::unique_ptr<Policy> make_policy(const std::string& spec, const envs::Env& env, const PolicyContext& ctx) {
  if (spec == "random") return std::make_unique<RandomPolicy>(ctx.seed);
  if (is_torchscript_spec(spec)) return make_torchscript_policy(spec, env, ctx);
  const std::string path = agent_checkpoint(spec, {"random", "torchscript:FILE.pt"});
  const CheckpointHeader header = CheckpointReader::read_header(path);
  TP_CHECK_AS(CheckpointError, header.env == env.id(), "checkpoint '", path, "' was trained on ", header.env, ", not ",
              env.id());
  // Named by the spec as given ("dqn:cartpole-dqn", "ppo:runs/ppo-..."), as AlphaZero players
  // are: the resolved path of a shipped model or a run's newest checkpoint is noise in a HUD.
  if (header.algorithm == dqn::kDqnAlgorithm) {
    auto policy = dqn::load_dqn_policy(path, env, torch::Device(ctx.device));
    policy->set_name(header.algorithm + ":" + spec);
    return policy;
  }
  if (header.algorithm == pqn::kPqnAlgorithm) {
    auto policy = pqn::load_pqn_policy(path, env, torch::Device(ctx.device));
    policy->set_name(header.algorithm + ":" + spec);
    return policy;
  }
  if (header.algorithm == r2d2::kR2d2Algorithm) {
    auto policy = r2d2::load_r2d2_policy(path, env, torch::Device(ctx.device));
    policy->set_name(header.algorithm + ":" + spec);
    return policy;
  }
  if (pg::is_policy_gradient_algorithm(header.algorithm)) {
    auto policy = pg::load_pg_policy(path, env, torch::Device(ctx.device), ctx.sample_actions, ctx.seed);
    policy->set_name(header.algorithm + ":" + spec);
    return policy;
  }
  TP_THROW(CheckpointError, "checkpoint '", path, "' holds a '", header.algorithm,
           "' model, which cannot act in a single-agent env");
}

}  // namespace tp::agents
