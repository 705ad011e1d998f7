#pragma once
// `--agent torchscript:FILE.pt`: a TorchScript module made elsewhere (Python's torch.jit.save,
// another LibTorch program, or `torchplay export`) playing in eval, watch, play and gtp. The
// contract (docs/export.md):
//   single-agent envs: forward(obs [1, ...observation shape]) -> a tensor [1, n], or a tuple
//     whose first element is one: discrete envs take the argmax over n = the env's actions,
//     continuous ones the n = action-dimension values (the env clips them);
//   board games: forward(planes [B, planes, H, W]) -> (policy logits [B, actions], value [B]
//     in [-1, 1] for the side to move), searched by MCTS as an AlphaZero network is.
#include <memory>
#include <string>

#include "agents/alphazero/evaluator.h"
#include "agents/policy.h"

namespace tp::agents {

inline constexpr char kTorchScriptPrefix[] = "torchscript:";
bool is_torchscript_spec(const std::string& spec);

// A policy from `spec` ("torchscript:FILE.pt") for `env`; CheckpointError when the file is
// missing or not a TorchScript module, tp::Error when its outputs break the contract.
std::unique_ptr<Policy> make_torchscript_policy(const std::string& spec, const envs::Env& env,
                                                const PolicyContext& ctx);
// An MCTS evaluator from `spec` for `game`'s positions, batches of up to `max_batch`.
std::shared_ptr<Evaluator> make_torchscript_evaluator(const std::string& spec, const envs::GameInfo& game,
                                                      const std::string& device, int max_batch);

}  // namespace tp::agents
