// Rule tests for the MinAtar games (upstream kenjyoung/MinAtar minatar/environments/*.py):
// situations are set up through set_state, played with stickiness off, and checked against
// what the upstream rules do. Game fields follow the 11 wrapper values of get_state():
// {elapsed, done, last_action, rng x 8}.
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/minatar/asterix.h"
#include "envs/minatar/breakout.h"
#include "envs/minatar/freeway.h"
#include "envs/minatar/seaquest.h"
#include "envs/minatar/space_invaders.h"
#include "envs/registry.h"

namespace tp::envs {
namespace {

constexpr size_t kHead = 11;

template <class Game>
std::unique_ptr<Game> make_game(bool ramping = true, double sticky = 0.0) {
  MinAtarOptions o;
  o.sticky_action_prob = sticky;
  o.minimal_actions = false;  // actions below are MinAtar's full set: n l u r d f
  o.difficulty_ramping = ramping;
  auto g = std::make_unique<Game>(o);
  g->reset(1);
  return g;
}

void set_game_part(Env& env, const std::vector<double>& game) {
  std::vector<double> st = env.get_state();
  st.resize(kHead);
  st.insert(st.end(), game.begin(), game.end());
  env.set_state(st);
}

float plane(const Env& env, int channel, int y, int x) {
  std::vector<float> obs(static_cast<size_t>(env.observation_space().size()));
  env.observe(obs.data());
  return obs[static_cast<size_t>(channel * 100 + y * 10 + x)];
}

// ---- Breakout: {ball_x, ball_y, ball_dir, pos, last_x, last_y, strike, bricks[10]} ----

std::vector<double> breakout(int bx, int by, int dir, int pos,
                             std::vector<double> bricks = {0, 1023, 1023, 1023, 0, 0, 0, 0, 0, 0}) {
  std::vector<double> g{double(bx), double(by), double(dir), double(pos), double(bx), double(by), 0};
  g.insert(g.end(), bricks.begin(), bricks.end());
  return g;
}

TEST(MinAtarBreakout, StartStateAndChannels) {
  auto g = make_game<Breakout>();
  EXPECT_EQ(g->channel_names(), (std::vector<std::string>{"paddle", "ball", "trail", "brick"}));
  EXPECT_EQ(g->observation_space().shape, (std::vector<int>{4, 10, 10}));
  bool left = false, right = false;
  for (uint64_t s = 0; s < 40; ++s) {
    g->reset(s);
    const auto& f = g->fields();
    EXPECT_EQ(f.ball_y, 3);
    EXPECT_TRUE((f.ball_x == 0 && f.ball_dir == 2) || (f.ball_x == 9 && f.ball_dir == 3));
    left = left || f.ball_x == 0;
    right = right || f.ball_x == 9;
    EXPECT_EQ(f.pos, 4);
    EXPECT_EQ(plane(*g, 0, 9, 4), 1.0f);
    EXPECT_EQ(plane(*g, 1, 3, f.ball_x), 1.0f);
    EXPECT_EQ(plane(*g, 3, 2, 5), 1.0f);
    EXPECT_EQ(plane(*g, 3, 4, 5), 0.0f);
  }
  EXPECT_TRUE(left && right);
}

TEST(MinAtarBreakout, BallBouncesOffTheSideWall) {
  auto g = make_game<Breakout>();
  set_game_part(*g, breakout(0, 6, 0, 4));  // up-left against the left wall
  g->step(kNoop);
  EXPECT_EQ(g->fields().ball_x, 0);
  EXPECT_EQ(g->fields().ball_y, 5);
  EXPECT_EQ(g->fields().ball_dir, 1);   // now up-right
  EXPECT_EQ(plane(*g, 2, 6, 0), 1.0f);  // the trail marks the previous cell
}

TEST(MinAtarBreakout, BrickIsRemovedScoredAndReflects) {
  auto g = make_game<Breakout>();
  set_game_part(*g, breakout(2, 4, 1, 4));  // up-right into the brick at (3, 3)
  const StepResult r = g->step(kNoop);
  EXPECT_EQ(r.reward, 1.0f);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(g->fields().bricks[3] >> 3 & 1, 0);
  EXPECT_EQ(g->fields().ball_x, 3);
  EXPECT_EQ(g->fields().ball_y, 4);    // stays on its row
  EXPECT_EQ(g->fields().ball_dir, 2);  // reflected downwards
  EXPECT_EQ(plane(*g, 3, 3, 3), 0.0f);
}

TEST(MinAtarBreakout, PaddleBouncesTheBallBack) {
  auto g = make_game<Breakout>();
  set_game_part(*g, breakout(4, 8, 2, 4));  // ball above the paddle, moving down-right
  EXPECT_FALSE(g->step(kNoop).terminated);
  EXPECT_EQ(g->fields().ball_dir, 1);  // straight reflection
  EXPECT_EQ(g->fields().ball_y, 8);
  set_game_part(*g, breakout(3, 8, 2, 4));  // ball lands on the paddle's cell from the side
  EXPECT_FALSE(g->step(kNoop).terminated);
  EXPECT_EQ(g->fields().ball_dir, 0);  // sent back the way it came (up-left)
}

TEST(MinAtarBreakout, MissingTheBallEndsTheEpisode) {
  auto g = make_game<Breakout>();
  set_game_part(*g, breakout(0, 8, 2, 7));
  const StepResult r = g->step(kNoop);
  EXPECT_TRUE(r.terminated);
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.reward, 0.0f);
}

TEST(MinAtarBreakout, ClearedWallGetsNewRowsWhenTheBallComesDown) {
  auto g = make_game<Breakout>();
  set_game_part(*g, breakout(4, 8, 2, 4, std::vector<double>(10, 0.0)));
  g->step(kNoop);
  for (int y = 1; y <= 3; ++y) EXPECT_EQ(g->fields().bricks[static_cast<size_t>(y)], 1023) << y;
}

TEST(MinAtarBreakout, PaddleMovesAndStopsAtTheWalls) {
  auto g = make_game<Breakout>();
  set_game_part(*g, breakout(5, 5, 0, 0));
  g->step(kLeft);
  EXPECT_EQ(g->fields().pos, 0);
  g->step(kRight);
  EXPECT_EQ(g->fields().pos, 1);
  g->step(kUp);  // no effect in Breakout
  EXPECT_EQ(g->fields().pos, 1);
}

// ---- SpaceInvaders: {pos, alien_dir, move_interval, move_timer, shot_timer(alien), ramp,
//      shot_timer(cannon), f_bullets[10], e_bullets[10], aliens[10]} ----

std::vector<double> invaders(int pos, int dir, int interval, int move_timer, int alien_shot, int ramp, int shot,
                             std::vector<double> fb, std::vector<double> eb, std::vector<double> aliens) {
  std::vector<double> g{double(pos),        double(dir),  double(interval), double(move_timer),
                        double(alien_shot), double(ramp), double(shot)};
  for (auto* v : {&fb, &eb, &aliens}) {
    v->resize(10, 0.0);
    g.insert(g.end(), v->begin(), v->end());
  }
  return g;
}

TEST(MinAtarSpaceInvaders, StartStateAndFiring) {
  auto g = make_game<SpaceInvaders>();
  const auto& f = g->fields();
  for (int y = 0; y < 4; ++y) EXPECT_EQ(f.aliens[static_cast<size_t>(y)], 0xfc);
  EXPECT_EQ(f.pos, 5);
  EXPECT_EQ(f.alien_dir, -1);
  EXPECT_EQ(plane(*g, 1, 0, 2), 1.0f);
  EXPECT_EQ(plane(*g, 2, 0, 2), 1.0f);  // aliens move left: the alien_left channel
  EXPECT_EQ(plane(*g, 3, 0, 2), 0.0f);
  g->step(kFire);
  EXPECT_EQ(f.f_bullets[8] >> 5 & 1, 1);  // fired from row 9 and moved up one row
  EXPECT_EQ(f.shot_timer, 4);
  g->step(kFire);  // cooling down: no new bullet
  EXPECT_EQ(f.f_bullets[8], 0);
  EXPECT_EQ(f.f_bullets[7] >> 5 & 1, 1);
}

TEST(MinAtarSpaceInvaders, BulletKillsAlien) {
  auto g = make_game<SpaceInvaders>();
  // One alien at (5, 3) plus one far away; a friendly bullet just below it.
  set_game_part(*g, invaders(5, -1, 12, 5, 5, 0, 0, {0, 0, 0, 0, 0, 0, 1 << 3}, {}, {1 << 9, 0, 0, 0, 0, 1 << 3}));
  const StepResult r = g->step(kNoop);
  EXPECT_EQ(r.reward, 1.0f);
  EXPECT_EQ(g->fields().aliens[5], 0);
  EXPECT_EQ(g->fields().f_bullets[5], 0);
}

TEST(MinAtarSpaceInvaders, EnemyBulletHitsTheCannon) {
  auto g = make_game<SpaceInvaders>();
  set_game_part(*g, invaders(5, -1, 12, 5, 5, 0, 0, {}, {0, 0, 0, 0, 0, 0, 0, 0, 1 << 5}, {1 << 9}));
  EXPECT_TRUE(g->step(kNoop).terminated);
}

TEST(MinAtarSpaceInvaders, AliensMoveSidewaysThenDownAtTheEdge) {
  auto g = make_game<SpaceInvaders>();
  set_game_part(*g, invaders(5, -1, 12, 0, 5, 0, 0, {}, {}, {0b110, 0b110}));
  g->step(kNoop);
  EXPECT_EQ(g->fields().aliens[0], 0b011);     // one column left
  EXPECT_EQ(g->fields().alien_move_timer, 3);  // min(aliens left = 4, interval 12), then -1
  set_game_part(*g, invaders(5, -1, 12, 0, 5, 0, 0, {}, {}, {0b011, 0b011}));
  g->step(kNoop);
  EXPECT_EQ(g->fields().aliens[0], 0);  // at the left edge: down one row and turn
  EXPECT_EQ(g->fields().aliens[1], 0b011);
  EXPECT_EQ(g->fields().aliens[2], 0b011);
  EXPECT_EQ(g->fields().alien_dir, 1);
}

TEST(MinAtarSpaceInvaders, NearestAlienShoots) {
  auto g = make_game<SpaceInvaders>();
  // Aliens in columns 1 and 7 (lowest in column 7 at row 4); cannon at 6: column 7 fires.
  set_game_part(*g, invaders(6, -1, 12, 5, 0, 0, 0, {}, {}, {1 << 1 | 1 << 7, 0, 0, 0, 1 << 7}));
  g->step(kNoop);
  EXPECT_EQ(g->fields().e_bullets[4] >> 7 & 1, 1);
  EXPECT_EQ(g->fields().alien_shot_timer, 9);
}

TEST(MinAtarSpaceInvaders, ClearedWaveRespawnsFasterWithRamping) {
  for (const bool ramping : {true, false}) {
    auto g = make_game<SpaceInvaders>(ramping);
    set_game_part(*g, invaders(5, -1, 12, 5, 5, 0, 0, {0, 0, 0, 0, 0, 0, 1 << 3}, {}, {0, 0, 0, 0, 0, 1 << 3}));
    EXPECT_EQ(g->step(kNoop).reward, 1.0f);
    EXPECT_EQ(g->fields().aliens[0], 0xfc);
    EXPECT_EQ(g->fields().enemy_move_interval, ramping ? 11 : 12);
    EXPECT_EQ(g->difficulty_ramp(), ramping ? 1 : 0);
  }
}

// ---- Freeway: {pos, move_timer, terminate_timer, 8 x (x, y, timer, speed)} ----

std::vector<double> freeway(int pos, int move_timer, int terminate_timer, int car_x = 0, int car_speed = 5,
                            int car_timer = 5) {
  std::vector<double> g{double(pos), double(move_timer), double(terminate_timer)};
  for (int i = 0; i < 8; ++i) {
    const bool lane8 = i == 7;
    g.insert(g.end(), {lane8 ? double(car_x) : 0.0, double(i + 1), lane8 ? double(car_timer) : 5.0,
                       lane8 ? double(car_speed) : 5.0});
  }
  return g;
}

TEST(MinAtarFreeway, CarLanesAndSpeeds) {
  auto g = make_game<Freeway>();
  for (uint64_t s = 0; s < 20; ++s) {
    g->reset(s);
    for (size_t i = 0; i < 8; ++i) {
      const auto& c = g->fields().cars[i];
      EXPECT_EQ(c.y, static_cast<int>(i) + 1);  // one car per lane, rows 1..8
      EXPECT_EQ(c.x, 0);
      EXPECT_GE(std::abs(c.speed), 1);
      EXPECT_LE(std::abs(c.speed), 5);
      EXPECT_EQ(c.timer, std::abs(c.speed));
      // The trail sits behind the car in the channel of its speed.
      const int back = c.speed > 0 ? 9 : 1;
      EXPECT_EQ(plane(*g, 1 + std::abs(c.speed), c.y, back), 1.0f);
    }
  }
}

TEST(MinAtarFreeway, ChickenMovesOnceEveryThreeFrames) {
  auto g = make_game<Freeway>();
  set_game_part(*g, freeway(9, 0, 2500));
  g->step(kUp);
  EXPECT_EQ(g->fields().pos, 8);
  for (int i = 0; i < 2; ++i) {  // the move timer (3) counts down on this frame already
    g->step(kUp);
    EXPECT_EQ(g->fields().pos, 8) << "frame " << i;
  }
  g->step(kUp);
  EXPECT_EQ(g->fields().pos, 7);  // moves on frames 1, 4, 7, ...
}

TEST(MinAtarFreeway, CrossingScoresAndRestarts) {
  auto g = make_game<Freeway>();
  set_game_part(*g, freeway(1, 0, 2500));
  EXPECT_EQ(g->step(kUp).reward, 1.0f);
  EXPECT_EQ(g->fields().pos, 9);
}

TEST(MinAtarFreeway, CarHitSendsTheChickenBack) {
  auto g = make_game<Freeway>();
  set_game_part(*g, freeway(8, 3, 2500, /*car_x=*/3, /*speed=*/1, /*timer=*/0));  // lane 8 car about to reach x=4
  g->step(kNoop);
  EXPECT_EQ(g->fields().cars[7].x, 4);
  EXPECT_EQ(g->fields().pos, 9);
}

TEST(MinAtarFreeway, CarsWrapAround) {
  auto g = make_game<Freeway>();
  set_game_part(*g, freeway(9, 3, 2500, 9, 2, 0));
  g->step(kNoop);
  EXPECT_EQ(g->fields().cars[7].x, 0);
  EXPECT_EQ(g->fields().cars[7].timer, 2);
  set_game_part(*g, freeway(9, 3, 2500, 0, -1, 0));
  g->step(kNoop);
  EXPECT_EQ(g->fields().cars[7].x, 9);
}

TEST(MinAtarFreeway, EpisodeEndsAfter2500Frames) {
  auto g = make_game<Freeway>();
  g->reset(3);
  int steps = 0;
  StepResult r;
  do {
    r = g->step(kNoop);
    ++steps;
  } while (!r.done());
  EXPECT_EQ(steps, 2501);  // upstream: terminal once the 2500-frame timer goes below zero
  EXPECT_TRUE(r.terminated);
  EXPECT_FALSE(r.truncated);
}

// ---- Asterix: {px, py, spawn_speed, spawn_timer, move_speed, move_timer, ramp_timer,
//      ramp_index, 8 x (active, x, y, right, gold)} ----

std::vector<double> asterix(int px, int py, int spawn_speed, int move_speed, int move_timer, int ramp_timer,
                            int ramp_index, int slot = -1, int ex = 0, bool right = false, bool gold = false) {
  std::vector<double> g{double(px),         double(py),         double(spawn_speed), double(spawn_speed),
                        double(move_speed), double(move_timer), double(ramp_timer),  double(ramp_index)};
  for (int i = 0; i < 8; ++i) {
    if (i == slot)
      g.insert(g.end(), {1, double(ex), double(i + 1), right ? 1.0 : 0.0, gold ? 1.0 : 0.0});
    else
      g.insert(g.end(), {0, 0, 0, 0, 0});
  }
  return g;
}

TEST(MinAtarAsterix, GoldIsCollected) {
  auto g = make_game<Asterix>();
  set_game_part(*g, asterix(5, 5, 10, 5, 0, 50, 0, /*slot=*/4, /*x=*/6, /*right=*/false, /*gold=*/true));
  EXPECT_EQ(g->step(kNoop).reward, 1.0f);  // the gold moves onto the player
  EXPECT_FALSE(g->fields().entities[4].active);
}

TEST(MinAtarAsterix, EnemyContactEndsTheEpisode) {
  auto g = make_game<Asterix>();
  set_game_part(*g, asterix(5, 5, 10, 5, 3, 50, 0, 4, 6, false, false));
  EXPECT_TRUE(g->step(kRight).terminated);  // the player walks into the enemy
}

TEST(MinAtarAsterix, EntitiesLeaveAtTheEdgeAndShowTrails) {
  auto g = make_game<Asterix>();
  set_game_part(*g, asterix(5, 5, 10, 5, 3, 50, 0, 1, 3, true, false));
  EXPECT_EQ(plane(*g, 1, 2, 3), 1.0f);
  EXPECT_EQ(plane(*g, 2, 2, 2), 1.0f);  // moving right: the trail is on the left
  set_game_part(*g, asterix(5, 5, 10, 5, 0, 50, 0, 1, 9, true, false));
  g->step(kNoop);
  EXPECT_FALSE(g->fields().entities[1].active);
  EXPECT_NO_THROW(g->set_state(g->get_state()));  // the freed slot saves as a valid state
}

TEST(MinAtarAsterix, PlayerStaysInRowsOneToEight) {
  auto g = make_game<Asterix>();
  set_game_part(*g, asterix(5, 1, 10, 5, 3, 50, 0));
  g->step(kUp);
  EXPECT_EQ(g->fields().player_y, 1);
  set_game_part(*g, asterix(5, 8, 10, 5, 3, 50, 0));
  g->step(kDown);
  EXPECT_EQ(g->fields().player_y, 8);
}

TEST(MinAtarAsterix, DifficultyRampsEvery100Frames) {
  for (const bool ramping : {true, false}) {
    auto g = make_game<Asterix>(ramping);
    set_game_part(*g, asterix(5, 5, 10, 5, 3, -1, 0));
    g->step(kNoop);
    EXPECT_EQ(g->fields().spawn_speed, ramping ? 9 : 10);
    EXPECT_EQ(g->fields().move_speed, 5);  // only every other ramp
    EXPECT_EQ(g->fields().ramp_timer, ramping ? 100 : -1);
    set_game_part(*g, asterix(5, 5, 9, 5, 3, -1, 1));
    g->step(kNoop);
    EXPECT_EQ(g->fields().move_speed, ramping ? 4 : 5);
    EXPECT_EQ(g->difficulty_ramp(), ramping ? 2 : 1);
  }
  // From the start: the first ramp comes after 101 frames of counting down, on frame 102.
  auto g = make_game<Asterix>();
  EXPECT_EQ(g->fields().ramp_timer, 100);
}

// ---- Seaquest: {oxygen, diver_count, sub_x, sub_y, sub_right, e_spawn_speed, e_spawn_timer,
//      d_spawn_timer, move_speed, ramp_index, shot_timer, surface, lists...} ----

struct SeaquestSetup {
  int oxygen = 200, divers_held = 0, x = 5, y = 4, right = 1, spawn_speed = 20, ramp = 0, move_speed = 5;
  bool surface = false;
  std::vector<std::vector<double>> f_bullets, e_bullets, fish, subs, divers;
  std::vector<double> game() const {
    std::vector<double> g{double(oxygen),     double(divers_held), double(x), double(y),
                          double(right),      double(spawn_speed), 20,        30,
                          double(move_speed), double(ramp),        0,         surface ? 1.0 : 0.0};
    for (const auto* list : {&f_bullets, &e_bullets, &fish, &subs, &divers}) {
      g.push_back(static_cast<double>(list->size()));
      for (const auto& item : *list) g.insert(g.end(), item.begin(), item.end());
    }
    return g;
  }
};

TEST(MinAtarSeaquest, OxygenRunsOutUnderwater) {
  auto g = make_game<Seaquest>();
  EXPECT_EQ(g->fields().oxygen, 200);
  SeaquestSetup s;
  s.oxygen = 105;
  set_game_part(*g, s.game());
  for (int x = 0; x < 10; ++x) EXPECT_EQ(plane(*g, 7, 9, x), x < 5 ? 1.0f : 0.0f) << x;  // 105*10/200 = 5 cells
  s.oxygen = 1;
  set_game_part(*g, s.game());
  EXPECT_FALSE(g->step(kNoop).terminated);
  EXPECT_EQ(g->fields().oxygen, 0);
  EXPECT_TRUE(g->step(kNoop).terminated);
}

TEST(MinAtarSeaquest, SurfacingWithoutDiversEndsTheEpisode) {
  auto g = make_game<Seaquest>();
  SeaquestSetup s;
  s.y = 1;
  set_game_part(*g, s.game());
  EXPECT_TRUE(g->step(kUp).terminated);
}

TEST(MinAtarSeaquest, SurfacingWithDiversRefillsOxygenAndRamps) {
  for (const bool ramping : {true, false}) {
    auto g = make_game<Seaquest>(ramping);
    SeaquestSetup s;
    s.y = 1;
    s.oxygen = 50;
    s.divers_held = 2;
    set_game_part(*g, s.game());
    const StepResult r = g->step(kUp);
    EXPECT_FALSE(r.terminated);
    EXPECT_EQ(r.reward, 0.0f);
    EXPECT_EQ(g->fields().oxygen, 200);
    EXPECT_EQ(g->fields().diver_count, 1);
    EXPECT_EQ(g->fields().e_spawn_speed, ramping ? 19 : 20);
    EXPECT_EQ(g->difficulty_ramp(), ramping ? 1 : 0);
  }
}

TEST(MinAtarSeaquest, SurfacingWithSixDiversScoresTheOxygenLeft) {
  auto g = make_game<Seaquest>();
  SeaquestSetup s;
  s.y = 1;
  s.oxygen = 150;
  s.divers_held = 6;
  set_game_part(*g, s.game());
  for (int x = 3; x < 9; ++x) EXPECT_EQ(plane(*g, 8, 9, x), 1.0f);  // the diver gauge
  EXPECT_EQ(g->step(kUp).reward, 7.0f);                             // 150 * 10 // 200
  EXPECT_EQ(g->fields().diver_count, -1);                           // upstream: emptied to 0, then one more removed
}

TEST(MinAtarSeaquest, BulletKillsFishAndSub) {
  auto g = make_game<Seaquest>();
  SeaquestSetup s;
  s.fish = {{6, 4, 0, 3, 0}};  // right in front of the sub (heading right)
  set_game_part(*g, s.game());
  StepResult r = g->step(kFire);
  EXPECT_EQ(r.reward, 1.0f);
  EXPECT_TRUE(g->fields().e_fish.empty());
  EXPECT_TRUE(g->fields().f_bullets.empty());
  s.fish.clear();
  s.subs = {{7, 4, 0, 0, 5}};  // an enemy sub moving left into the bullet's path
  set_game_part(*g, s.game());
  r = g->step(kFire);  // bullet to x=6, then the sub moves onto it
  EXPECT_EQ(r.reward, 1.0f);
  EXPECT_TRUE(g->fields().e_subs.empty());
}

TEST(MinAtarSeaquest, EnemySubShootsAndItsBulletKills) {
  auto g = make_game<Seaquest>();
  SeaquestSetup s;
  s.subs = {{8, 4, 0, 3, 0}};  // shot timer 0: fires now, towards the player (moving left)
  set_game_part(*g, s.game());
  EXPECT_FALSE(g->step(kNoop).terminated);
  ASSERT_EQ(g->fields().e_bullets.size(), 1u);
  EXPECT_EQ(g->fields().e_bullets[0].x, 7);  // fired from x=8, moved once
  EXPECT_FALSE(g->step(kNoop).terminated);   // 7 -> 6
  EXPECT_TRUE(g->step(kNoop).terminated);    // 6 -> 5: the player's cell
}

TEST(MinAtarSeaquest, DiverIsPickedUp) {
  auto g = make_game<Seaquest>();
  SeaquestSetup s;
  s.divers = {{6, 4, 0, 4, 0}};
  set_game_part(*g, s.game());
  g->step(kRight);
  EXPECT_EQ(g->fields().diver_count, 1);
  EXPECT_TRUE(g->fields().divers.empty());
}

TEST(MinAtarSeaquest, EnemyContactEndsTheEpisode) {
  auto g = make_game<Seaquest>();
  SeaquestSetup s;
  s.fish = {{6, 4, 0, 0, 0}};  // moves onto the sub this frame
  s.right = 0;                 // heading left: a bullet would miss it
  set_game_part(*g, s.game());
  EXPECT_TRUE(g->step(kNoop).terminated);
}

// ---- wrapper: sticky actions, action sets ----

TEST(MinAtarWrapper, StickyActionsRepeatThePreviousAction) {
  auto always = make_game<Breakout>(true, 1.0);
  set_game_part(*always, breakout(5, 5, 0, 4));
  for (int i = 0; i < 3; ++i) always->step(kRight);
  EXPECT_EQ(always->fields().pos, 4);  // 'n' repeats forever
  auto sometimes = make_game<Breakout>(true, 0.1);
  Rng rng(3);
  int repeated = 0, differed = 0;
  for (int t = 0; t < 20000; ++t) {
    const int prev = sometimes->last_action();
    const int a = static_cast<int>(rng.below(6));
    if (sometimes->step(a).done()) sometimes->reset();
    if (a != prev) {
      ++differed;
      repeated += sometimes->last_action() == prev;
    }
  }
  const double p = static_cast<double>(repeated) / differed;
  EXPECT_GT(p, 0.08);
  EXPECT_LT(p, 0.12);
}

TEST(MinAtarWrapper, MinimalAndFullActionSets) {
  const auto reg = make_env_registry();
  const std::vector<std::pair<std::string, int>> minimal = {
      {"Breakout", 3}, {"SpaceInvaders", 4}, {"Freeway", 3}, {"Asterix", 5}, {"Seaquest", 6}};
  for (const auto& [name, n] : minimal) {
    EXPECT_EQ(reg.make("MinAtar/" + name + "-v1")->action_space().n, n) << name;
    EXPECT_EQ(reg.make("MinAtar/" + name + "-v0")->action_space().n, 6) << name;
    EXPECT_EQ(reg.make("MinAtar/" + name + "-v1", {{"minimal_actions", "false"}})->action_space().n, 6) << name;
  }
  auto b = reg.make("MinAtar/Breakout-v1");
  EXPECT_EQ(b->action_names(), (std::vector<std::string>{"noop", "left", "right"}));
  EXPECT_EQ(dynamic_cast<MinAtarEnv&>(*b).action_set(), (std::vector<int>{kNoop, kLeft, kRight}));
  EXPECT_EQ(reg.make("MinAtar/Freeway-v1")->action_names(), (std::vector<std::string>{"noop", "up", "down"}));
}

TEST(MinAtarWrapper, KwargsAreChecked) {
  const auto reg = make_env_registry();
  EXPECT_THROW(reg.make("MinAtar/Breakout-v1", {{"sticky_action_prob", "1.5"}}), UsageError);
  EXPECT_THROW(reg.make("MinAtar/Breakout-v1", {{"difficulty_ramping", "maybe"}}), UsageError);
  auto e = reg.make("MinAtar/Asterix-v1",
                    {{"sticky_action_prob", "0"}, {"difficulty_ramping", "false"}, {"max_episode_steps", "50"}});
  EXPECT_EQ(e->max_episode_steps(), 50);
  EXPECT_EQ(dynamic_cast<MinAtarEnv&>(*e).options().sticky_action_prob, 0.0);
  EXPECT_FALSE(dynamic_cast<MinAtarEnv&>(*e).options().difficulty_ramping);
  EXPECT_EQ(reg.make("MinAtar/Asterix-v1")->max_episode_steps(), Env::kNoTimeLimit);
}

}  // namespace
}  // namespace tp::envs
