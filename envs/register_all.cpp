#include "envs/classic/acrobot.h"
#include "envs/classic/cartpole.h"
#include "envs/classic/mountain_car.h"
#include "envs/registry.h"

namespace tp::envs {

EnvRegistry make_env_registry() {
  EnvRegistry r;
  r.add({"CartPole-v1", "balance a pole on a cart (Gymnasium 0.29 classic control)", [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "CartPole-v1");
           return std::unique_ptr<Env>(std::make_unique<CartPole>());
         }});
  r.add({"MountainCar-v0", "drive an underpowered car up a hill (Gymnasium 0.29 classic control)",
         [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "MountainCar-v0");
           return std::unique_ptr<Env>(std::make_unique<MountainCar>());
         }});
  r.add({"Acrobot-v1", "swing a two-link arm above a line (Gymnasium 0.29 classic control)",
         [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "Acrobot-v1");
           return std::unique_ptr<Env>(std::make_unique<Acrobot>());
         }});
  return r;
}

}  // namespace tp::envs
