#include "apps/view/board_apps.h"

#include <cctype>
#include <cstdio>

#include "agents/game_player_factory.h"
#include "apps/view/board_session.h"
#include "apps/view/shapes.h"
#include "apps/view/view_window.h"
#include "core/error.h"
#include "core/text.h"
#include "envs/games/game_registry.h"

namespace tp::view {

int parse_side(const envs::GameInfo& game, const std::string& colour) {
  const std::string c = to_lower(colour);
  if (c == "first" || c == "1" || c == to_lower(player_name(game, 0))) return 0;
  if (c == "second" || c == "2" || c == to_lower(player_name(game, 1))) return 1;
  TP_THROW(UsageError, "--colour '", colour, "' for ", game.name, ": expected first, second, ",
           to_lower(player_name(game, 0)), " or ", to_lower(player_name(game, 1)));
}

int play_game(const PlayOptions& o) {
  const auto registry = envs::make_game_registry();
  const auto initial = registry.make(o.game, o.game_options);
  const int human = parse_side(initial->info(), o.colour);
  auto agent = agents::make_game_player(o.agent, *initial, {o.seed, o.device, o.simulations});

  WindowOptions wo;
  wo.title = "torchplay play " + o.game + " against " + agent->name();
  wo.size = BoardSession::scene_size(initial->info());
  wo.fps = o.fps;
  wo.record_dir = o.record_dir;
  wo.quiet = o.quiet;
  ViewWindow window(wo);
  BoardSession session(*initial, human == 1 ? std::move(agent) : nullptr, human == 0 ? std::move(agent) : nullptr,
                       &window.font());
  const auto on_event = [&](const sf::Event& e) {
    if (e.type == sf::Event::MouseButtonPressed && e.mouseButton.button == sf::Mouse::Left)
      session.click({static_cast<float>(e.mouseButton.x), static_cast<float>(e.mouseButton.y)});
    if (e.type == sf::Event::KeyPressed) {
      if (e.key.code == sf::Keyboard::U) session.undo();
      if (e.key.code == sf::Keyboard::N) session.new_game();
      if (e.key.code == sf::Keyboard::S) session.switch_sides();
      if (e.key.code == sf::Keyboard::P) session.play_pass();
    }
  };
  while (window.poll(on_event)) {
    session.update(false);
    window.present([&](sf::RenderTarget& t) { session.draw(t); });
  }
  return window.exit_code();
}

WatchGameSummary watch_game(const WatchGameOptions& o) {
  TP_CHECK_AS(UsageError, o.games > 0, "--games must be > 0");
  TP_CHECK_AS(UsageError, o.move_delay >= 0, "--move-delay must be >= 0");
  const auto registry = envs::make_game_registry();
  const auto initial = registry.make(o.game, o.game_options);
  auto agent = agents::make_game_player(o.agent, *initial, {o.seed, o.device, o.simulations});
  auto opponent = agents::make_game_player(o.opponent, *initial, {o.seed + 1, o.device, o.simulations});
  const std::string agent_name = agent->name(), opponent_name = opponent->name();

  WindowOptions wo;
  wo.title = "torchplay watch " + o.game + ": " + agent_name + " vs " + opponent_name;
  wo.size = BoardSession::scene_size(initial->info());
  wo.fps = o.fps;
  wo.record_dir = o.record_dir;
  wo.quiet = o.quiet;
  wo.hold_at_end = o.hold_at_end;
  ViewWindow window(wo);
  BoardSession session(*initial, std::move(agent), std::move(opponent), &window.font());
  WatchGameSummary summary;
  const auto draw = [&](sf::RenderTarget& t) { session.draw(t); };
  sf::Clock since_move;
  // The prompt over the final position of an interactive run (hold_final_frame).
  const auto draw_held = [&](sf::RenderTarget& t) {
    session.draw(t);
    const sf::RenderStates states;
    draw_rect(t, states, {0, static_cast<float>(wo.size.y) - 30, 320, 30}, sf::Color(30, 30, 36));
    draw_text(t, states, window.font(), "Space: watch again   Esc: quit", {10, static_cast<float>(wo.size.y) - 25}, 15,
              sf::Color(250, 250, 250));
  };
  int planned = o.games;
  for (int game = 0; game < planned && window.poll(); ++game) {
    if (game > 0) session.switch_sides();  // alternate who starts
    const int agent_side = game % 2;
    since_move.restart();
    while (window.poll() && !session.state().is_terminal()) {
      if (session.thinking() || since_move.getElapsedTime().asSeconds() >= o.move_delay)
        if (session.update(false)) since_move.restart();
      window.present(draw);
    }
    if (!window.is_open()) break;
    // Show the final position for a moment (longer than a move).
    for (sf::Clock shown; window.poll() && shown.getElapsedTime().asSeconds() < 3 * o.move_delay;) window.present(draw);
    window.present(draw);
    const auto r = session.state().returns();
    const double mine = r[static_cast<size_t>(agent_side)];
    ++summary.games;
    summary.agent_wins += mine > 0;
    summary.draws += mine == 0;
    summary.opponent_wins += mine < 0;
    if (!o.quiet)
      std::printf("game %d: %s (%s) vs %s (%s): %s\n", game + 1, agent_name.c_str(),
                  player_name(initial->info(), agent_side).c_str(), opponent_name.c_str(),
                  player_name(initial->info(), 1 - agent_side).c_str(), session.result_text().c_str());
    std::fflush(stdout);
    if (game + 1 == planned && window.hold_final_frame(draw_held)) {
      planned += o.games;  // Space: as many games again (the next one starts from switch_sides)
    }
  }
  summary.closed_by_user = summary.games < planned;
  window.close();
  summary.exit_code = window.exit_code();
  return summary;
}

}  // namespace tp::view
