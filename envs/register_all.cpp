#include "envs/classic/cartpole.h"
#include "envs/registry.h"

namespace tp::envs {

EnvRegistry make_env_registry() {
  EnvRegistry r;
  r.add({"CartPole-v1", "balance a pole on a cart (Gymnasium 0.29 classic control)", [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "CartPole-v1");
           return std::unique_ptr<Env>(std::make_unique<CartPole>());
         }});
  return r;
}

}  // namespace tp::envs
