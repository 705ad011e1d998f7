#pragma once
// A3C (Mnih et al. 2016, Algorithm S3): worker threads, each with its own envs and a local
// copy of the network, compute gradients on their own n-step rollouts and apply them to the
// shared parameters with shared RMSProp statistics (the paper's "shared RMSProp").
#include <memory>

#include "agents/policy_gradient/pg_options.h"
#include "agents/policy_gradient/pg_run.h"
#include "envs/registry.h"

namespace tp::agents::pg {

std::unique_ptr<PgRun> make_a3c_run(const PgOptions& options, const envs::EnvRegistry& registry, uint64_t seed,
                                    torch::Device device);

}  // namespace tp::agents::pg
