#include <cmath>

#include "core/error.h"
#include "envs/classic/acrobot.h"
#include "envs/classic/cartpole.h"
#include "envs/classic/mountain_car.h"
#include "envs/classic/mountain_car_continuous.h"
#include "envs/classic/pendulum.h"
#include "envs/minatar/asterix.h"
#include "envs/minatar/breakout.h"
#include "envs/minatar/freeway.h"
#include "envs/minatar/seaquest.h"
#include "envs/minatar/space_invaders.h"
#include "envs/registry.h"
#include "envs/snake/snake.h"
#include "envs/wrappers/flicker.h"
#include "envs/wrappers/observation_mask.h"

namespace tp::envs {

namespace {

// MinAtar ids as upstream's gym registration: -v0 the full 6-action set (as the paper's DQN),
// -v1 the game's minimal action set; `minimal_actions=` overrides either.
template <class Game>
void add_minatar(EnvRegistry& r, const std::string& name, const std::string& what) {
  for (const bool minimal : {false, true}) {
    const std::string id = "MinAtar/" + name + (minimal ? "-v1" : "-v0");
    r.add({id, "MinAtar " + name + ": " + what + (minimal ? " (minimal action set)" : " (full 6-action set)"),
           [id, minimal](const EnvKwargs& kw) {
             return std::unique_ptr<Env>(std::make_unique<Game>(MinAtarOptions::from_kwargs(kw, id, minimal), id));
           }});
  }
}

// Flickering MinAtar (minimal action set): each frame blanked with probability
// blank_probability= (0.5), the partially observed variant of issue 17's recurrent agents.
template <class Game>
void add_flickering_minatar(EnvRegistry& r, const std::string& name) {
  const std::string id = "MinAtar/Flickering" + name + "-v1";
  r.add({id, "MinAtar " + name + " with each frame blanked with probability 0.5 (blank_probability=)",
         [id](const EnvKwargs& kw) {
           EnvKwargs game_kw = kw;
           const double p = kwarg_double(kw, "blank_probability", 0.5);
           game_kw.erase("blank_probability");
           auto game = std::make_unique<Game>(MinAtarOptions::from_kwargs(game_kw, id, true), id);
           return std::unique_ptr<Env>(std::make_unique<Flicker>(std::move(game), p, id));
         }});
}

}  // namespace

EnvRegistry make_env_registry() {
  EnvRegistry r;
  r.add({"CartPole-v1", "balance a pole on a cart (Gymnasium 0.29 classic control)", [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "CartPole-v1");
           return std::unique_ptr<Env>(std::make_unique<CartPole>());
         }});
  r.add({"MaskedCartPole-v1",
         "CartPole-v1 observing cart position and pole angle only, no velocities (partially observed)",
         [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "MaskedCartPole-v1");
           return std::unique_ptr<Env>(std::make_unique<ObservationMask>(std::make_unique<CartPole>(),
                                                                         std::vector<int>{0, 2}, "MaskedCartPole-v1"));
         }});
  r.add({"MountainCar-v0", "drive an underpowered car up a hill (Gymnasium 0.29 classic control)",
         [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "MountainCar-v0");
           return std::unique_ptr<Env>(std::make_unique<MountainCar>());
         }});
  r.add({"Acrobot-v1", "swing a two-link arm above a line (Gymnasium 0.29 classic control)", [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {}, "Acrobot-v1");
           return std::unique_ptr<Env>(std::make_unique<Acrobot>());
         }});
  r.add({"Pendulum-v1",
         "swing a pendulum up and hold it upright, continuous torque (Gymnasium 0.29 classic control; g=)",
         [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {"g"}, "Pendulum-v1");
           const double g = kwarg_double(kw, "g", Pendulum::kDefaultGravity);
           TP_CHECK_AS(UsageError, std::isfinite(g), "Pendulum-v1: g must be a finite number");
           return std::unique_ptr<Env>(std::make_unique<Pendulum>(g));
         }});
  r.add({"MountainCarContinuous-v0",
         "drive an underpowered car up a hill, continuous force (Gymnasium 0.29 classic control; goal_velocity=)",
         [](const EnvKwargs& kw) {
           check_known_kwargs(kw, {"goal_velocity"}, "MountainCarContinuous-v0");
           const double v = kwarg_double(kw, "goal_velocity", 0.0);
           TP_CHECK_AS(UsageError, std::isfinite(v), "MountainCarContinuous-v0: goal_velocity must be a finite number");
           return std::unique_ptr<Env>(std::make_unique<MountainCarContinuous>(v));
         }});
  add_minatar<Breakout>(r, "Breakout", "bounce a ball to break bricks");
  add_minatar<SpaceInvaders>(r, "SpaceInvaders", "shoot down a wave of aliens");
  add_minatar<Freeway>(r, "Freeway", "cross a road of cars (2500 frames)");
  add_minatar<Asterix>(r, "Asterix", "collect gold, dodge enemies");
  add_minatar<Seaquest>(r, "Seaquest", "shoot enemies, rescue divers, mind the oxygen");
  add_flickering_minatar<Breakout>(r, "Breakout");
  add_flickering_minatar<SpaceInvaders>(r, "SpaceInvaders");
  add_flickering_minatar<Freeway>(r, "Freeway");
  add_flickering_minatar<Asterix>(r, "Asterix");
  add_flickering_minatar<Seaquest>(r, "Seaquest");
  r.add({"Snake-v0", "grow a snake by eating food on a 10x10 grid (size=, max_episode_steps=)", &Snake::from_kwargs});
  return r;
}

}  // namespace tp::envs
