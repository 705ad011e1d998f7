// The board view under Xvfb: every game's pieces are drawn where the state has them, a
// click places a stone where the pixels say, illegal clicks are refused, undo/new game/
// pass/switch sides work, and the agent's search shows as an overlay.
#include <gtest/gtest.h>

#include "agents/game_player.h"
#include "agents/game_player_factory.h"
#include "apps/view/board_session.h"
#include "apps/view/board_view.h"
#include "apps/view/font.h"
#include "envs/games/game_registry.h"
#include "envs/games/go/go_state.h"
#include "tests/view/pixel_util.h"

namespace tp::view {
namespace {

using test::render_session;

// The pixel a piece of `player` is identified by in cell (row, col): the centre for discs
// and stones, a point on the ring for O, on a bar for X.
sf::Vector2f piece_probe(const BoardView& view, envs::BoardStyle style, int player, int row, int col) {
  const sf::Vector2f c = view.cell_centre(row, col);
  if (style != envs::BoardStyle::kMarks) return c;
  const float d = view.cell_size();
  return player == 0 ? c + sf::Vector2f(0.2f * d, 0.2f * d) : c + sf::Vector2f(0.28f * d, 0);
}

TEST(BoardView, EveryGameDrawsItsPiecesWhereTheStateHasThem) {
  const auto registry = envs::make_game_registry();
  for (const auto& [name, params] : std::vector<std::pair<std::string, std::string>>{
           {"tictactoe", ""}, {"connect4", ""}, {"gomoku", "size=9"}, {"othello", ""}, {"go", "size=7"}}) {
    auto state = registry.make(name, params);
    Rng rng(5);
    for (int i = 0; i < 8 && !state->is_terminal(); ++i) {
      const auto legal = state->legal_actions();
      state->apply(legal[rng.below(static_cast<uint32_t>(legal.size()))]);
    }
    BoardView view(state->info(), nullptr);
    const sf::Image image =
        test::render(view.size().x, view.size().y, [&](sf::RenderTarget& t) { view.draw(t, {}, *state, nullptr); });
    int pieces = 0;
    for (int r = 0; r < state->info().board_height; ++r)
      for (int c = 0; c < state->info().board_width; ++c) {
        const int owner = state->cell_owner(r, c);
        for (int p = 0; p < 2; ++p) {
          const bool drawn =
              test::at(image, piece_probe(view, state->info().display.board_style, p, r, c)) == view.piece_color(p);
          EXPECT_EQ(drawn, owner == p) << name << " cell " << r << "," << c << " player " << p;
        }
        pieces += owner >= 0;
      }
    EXPECT_GT(pieces, 0) << name;
  }
}

sf::Vector2f midpoint(const BoardView& view, int r1, int c1, int r2, int c2) {
  return (view.cell_centre(r1, c1) + view.cell_centre(r2, c2)) / 2.0f;
}

TEST(BoardView, AFinishedGameShowsTheLineThatWon) {
  const auto registry = envs::make_game_registry();
  // X takes the bottom row of Tic-tac-toe; Red the bottom row of Connect Four from column 4.
  for (const auto& [game, moves] :
       std::vector<std::pair<std::string, std::string>>{{"tictactoe", "a1 a2 b1 b2 c1"}, {"connect4", "4455667"}}) {
    SCOPED_TRACE(game);
    auto state = envs::state_from_moves(*registry.make(game), envs::split_move_list(moves));
    const auto cells = state->winning_cells();
    ASSERT_GE(cells.size(), 3u);
    BoardView view(state->info(), nullptr);
    const sf::Image image =
        test::render(view.size().x, view.size().y, [&](sf::RenderTarget& t) { view.draw(t, {}, *state, nullptr); });
    const sf::Color line = BoardView::winning_line_colour();
    const int bottom = state->info().board_height - 1;
    for (size_t i = 0; i + 1 < cells.size(); ++i)
      EXPECT_EQ(
          test::at(image, midpoint(view, cells[i].first, cells[i].second, cells[i + 1].first, cells[i + 1].second)),
          line);
    EXPECT_NE(test::at(image, midpoint(view, 0, 0, 0, 1)), line);  // elsewhere: no line
    EXPECT_NE(test::at(image, midpoint(view, bottom - 1, 0, bottom - 1, 1)), line);
    // One move before the end, nothing is highlighted.
    auto before =
        envs::state_from_moves(*registry.make(game), envs::split_move_list(moves.substr(0, moves.size() - 2)));
    const sf::Image unfinished =
        test::render(view.size().x, view.size().y, [&](sf::RenderTarget& t) { view.draw(t, {}, *before, nullptr); });
    EXPECT_TRUE(test::pixels_of(unfinished, line).empty());
  }
}

// Labels round the board name the cells as the game's moves do: columns above, rows at the
// left (a drop game numbers its columns only).
TEST(BoardView, CoordinatesAreDrawnRoundTheBoard) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  for (const std::string game : {"tictactoe", "connect4", "othello"}) {
    SCOPED_TRACE(game);
    auto state = registry.make(game);
    const BoardView plain(state->info(), nullptr), labelled(state->info(), &font);
    auto draw = [&](const BoardView& v) {
      return test::render(v.size().x, v.size().y, [&](sf::RenderTarget& t) { v.draw(t, {}, *state, nullptr); });
    };
    const sf::Image a = draw(plain), b = draw(labelled);
    auto ink_near = [&](sf::Vector2f p) {
      int n = 0;
      for (int dy = -6; dy <= 6; ++dy)
        for (int dx = -6; dx <= 6; ++dx)
          n += a.getPixel(static_cast<unsigned>(p.x + dx), static_cast<unsigned>(p.y + dy)) !=
               b.getPixel(static_cast<unsigned>(p.x + dx), static_cast<unsigned>(p.y + dy));
      return n;
    };
    const auto& info = state->info();
    for (int c = 0; c < info.board_width; ++c)
      EXPECT_GT(ink_near({plain.cell_centre(0, c).x, 10}), 3) << "column " << c;
    for (int r = 0; r < info.board_height; ++r) {
      const int ink = ink_near({10, plain.cell_centre(r, 0).y});
      if (info.drops)
        EXPECT_EQ(ink, 0) << "row " << r;
      else
        EXPECT_GT(ink, 3) << "row " << r;
    }
  }
}

TEST(BoardSession, ClickPlacesAStoneWhereThePixelsSay) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  // Go 9x9, person against person: click the pixel at intersection (2, 3).
  BoardSession go(*registry.make("go", "size=9"), nullptr, nullptr, &font);
  const sf::Vector2f point = go.board().cell_centre(2, 3) + sf::Vector2f(4, -3);  // a little off-centre
  EXPECT_NE(test::at(render_session(go), point), go.board().piece_color(0));
  go.click(point);
  ASSERT_EQ(go.state().history().size(), 1u) << go.message();
  EXPECT_EQ(go.state().cell_owner(2, 3), 0);
  const sf::Image after = render_session(go);
  EXPECT_EQ(test::at(after, point), go.board().piece_color(0));
  EXPECT_EQ(test::at(after, go.board().cell_centre(3, 3) + sf::Vector2f(8, 9)), go.board().background());
  // White plays next to it; the pixel under the click turns white (off the centre, where the
  // last-move marker is).
  const sf::Vector2f white_point = go.board().cell_centre(2, 4) + sf::Vector2f(-9, 10);
  go.click(white_point);
  EXPECT_EQ(go.state().cell_owner(2, 4), 1);
  EXPECT_EQ(test::at(render_session(go), white_point), go.board().piece_color(1));

  // Connect Four: a click anywhere in column 4 drops a disc to the bottom row.
  BoardSession c4(*registry.make("connect4"), nullptr, nullptr, &font);
  c4.click(c4.board().cell_centre(0, 3));
  EXPECT_EQ(c4.state().cell_owner(5, 3), 0);
  EXPECT_EQ(test::at(render_session(c4), c4.board().cell_centre(5, 3) + sf::Vector2f(12, 0)),
            c4.board().piece_color(0));
}

TEST(BoardSession, IllegalClicksAreRefusedWithAMessage) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  BoardSession ttt(*registry.make("tictactoe"), nullptr, nullptr, &font);
  ttt.click(ttt.board().cell_centre(1, 1));
  ASSERT_EQ(ttt.state().history().size(), 1u);
  ttt.click(ttt.board().cell_centre(1, 1));  // occupied
  EXPECT_EQ(ttt.state().history().size(), 1u);
  EXPECT_NE(ttt.message().find("occupied"), std::string::npos) << ttt.message();

  BoardSession oth(*registry.make("othello"), nullptr, nullptr, &font);
  oth.click(oth.board().cell_centre(0, 0));  // empty but flips nothing
  EXPECT_TRUE(oth.state().history().empty());
  EXPECT_NE(oth.message().find("illegal"), std::string::npos) << oth.message();

  // Go suicide: White surrounds the corner point, then Black may not play into it.
  auto go_state = registry.make("go", "size=5");
  for (const char* m : {"B2", "A2", "C3", "B1"}) go_state->apply(go_state->string_to_action(m));
  BoardSession go(*go_state, nullptr, nullptr, &font);
  const auto* gs = dynamic_cast<const envs::go::GoState*>(&go.state());
  ASSERT_NE(gs, nullptr);
  int row = 0, col = 0;
  ASSERT_TRUE(envs::go::parse_gtp_vertex("A1", 5, row, col));
  go.click(go.board().cell_centre(row, col));
  EXPECT_EQ(go.state().history().size(), 4u);
  EXPECT_NE(go.message().find("suicide"), std::string::npos) << go.message();
}

TEST(BoardSession, ButtonsUndoNewGamePassAndSwitchSides) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  auto initial = registry.make("tictactoe");
  auto agent = agents::make_game_player("minimax", *initial, {3, "cpu", 0});
  BoardSession s(*initial, nullptr, std::move(agent), &font);  // the person plays X
  ASSERT_TRUE(s.button("Undo").has_value());
  ASSERT_TRUE(s.button("New game").has_value());
  ASSERT_TRUE(s.button("Switch sides").has_value());
  EXPECT_FALSE(s.button("Pass").has_value());  // no passing in Tic-tac-toe
  s.click(s.board().cell_centre(0, 0));
  EXPECT_FALSE(s.human_turn());
  s.click(s.board().cell_centre(2, 2));  // the agent's turn: refused
  EXPECT_EQ(s.state().history().size(), 1u);
  EXPECT_TRUE(s.update(true));  // the agent replies
  EXPECT_EQ(s.state().history().size(), 2u);
  EXPECT_TRUE(s.human_turn());
  const auto undo = *s.button("Undo");
  s.click({undo.left + 5, undo.top + 5});  // takes back the reply and the person's move
  EXPECT_TRUE(s.state().history().empty());
  s.click(s.board().cell_centre(1, 1));
  s.update(true);
  const auto fresh = *s.button("New game");
  s.click({fresh.left + 5, fresh.top + 5});
  EXPECT_TRUE(s.state().history().empty());
  const auto swap = *s.button("Switch sides");
  s.click({swap.left + 5, swap.top + 5});  // the agent now plays X and moves first
  EXPECT_FALSE(s.human_turn());
  EXPECT_TRUE(s.update(true));
  EXPECT_EQ(s.state().history().size(), 1u);
  EXPECT_TRUE(s.human_turn());

  // Go: the Pass button passes; two passes end the game and territory is shown.
  BoardSession go(*registry.make("go", "size=5"), nullptr, nullptr, &font);
  go.click(go.board().cell_centre(2, 2));
  const auto pass = *go.button("Pass");
  go.click({pass.left + 5, pass.top + 5});
  go.click({pass.left + 5, pass.top + 5});
  ASSERT_TRUE(go.state().is_terminal());
  EXPECT_EQ(go.last_move(), "Black passes");  // the panel says who passed
  EXPECT_NE(go.result_text().find("Black wins (B+"), std::string::npos) << go.result_text();
  ASSERT_EQ(go.overlay().ownership.size(), 5u);
  EXPECT_EQ(go.overlay().ownership[0][0], 0);  // the whole board is Black's area
  const sf::Image image = render_session(go);
  EXPECT_EQ(test::at(image, go.board().cell_centre(0, 0)), go.board().piece_color(0));  // territory mark
}

TEST(BoardSession, AgentSearchOverlayShowsVisitCounts) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  auto initial = registry.make("tictactoe");
  BoardSession s(*initial, agents::make_game_player("mcts:100", *initial, {3, "cpu", 0}), nullptr, &font);
  ASSERT_TRUE(s.update(true));
  const BoardOverlay& o = s.overlay();
  ASSERT_EQ(o.visits.size(), 9u);
  int total = 0;
  for (int v : o.visits) total += v;
  EXPECT_GE(total, 99);
  EXPECT_EQ(o.targets.size(), 9u);
  EXPECT_GE(o.last_row, 0);
  // Count text pixels drawn on empty cells with the most visits: the overlay is there.
  const sf::Image with = render_session(s);
  BoardSession plain(*initial, nullptr, nullptr, &font);
  plain.click(plain.board().cell_centre(o.last_row, o.last_col));
  const sf::Image without = render_session(plain);
  int differing = 0;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      if (r == o.last_row && c == o.last_col) continue;
      const sf::Vector2f ctr = s.board().cell_centre(r, c);
      for (int dy = -8; dy <= 8; ++dy)
        for (int dx = -12; dx <= 12; ++dx)
          differing += with.getPixel(static_cast<unsigned>(ctr.x) + dx, static_cast<unsigned>(ctr.y) + dy) !=
                       without.getPixel(static_cast<unsigned>(ctr.x) + dx, static_cast<unsigned>(ctr.y) + dy);
    }
  EXPECT_GT(differing, 50);
}

// A player with a long name (a checkpoint path): the panel shortens it in the middle instead
// of running past the window's edge.
class LongNamedPlayer final : public agents::GamePlayer {
 public:
  std::string name() const override {
    return "alphazero(/home/someone/experiments/runs/alphazero-go-20261202-101112/)";
  }
  envs::Action select_action(const envs::GameState& state) override { return state.legal_actions().front(); }
};

TEST(BoardSession, LongPlayerNamesStayInsideThePanel) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  auto initial = registry.make("go", "size=5");
  BoardSession s(*initial, std::make_unique<LongNamedPlayer>(), nullptr, &font);
  ASSERT_TRUE(s.update(true));
  const sf::Image image = render_session(s);
  const sf::Color panel = image.getPixel(s.size().x - 1, 2);
  int ink_at_edge = 0, ink_in_panel = 0;
  for (unsigned y = 0; y < 200; ++y) {
    for (unsigned x = s.size().x - 8; x < s.size().x; ++x) ink_at_edge += image.getPixel(x, y) != panel;
    for (unsigned x = s.board().size().x + 40; x < s.size().x - 40; ++x) ink_in_panel += image.getPixel(x, y) != panel;
  }
  EXPECT_EQ(ink_at_edge, 0);
  EXPECT_GT(ink_in_panel, 200);  // the text is there, shortened
}

// On a 9x9 board a search visits most points: only the five most visited get their count.
TEST(BoardSession, GoOverlayShowsTheTopMovesOnly) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  auto initial = registry.make("go", "size=9");
  BoardSession s(*initial, agents::make_game_player("mcts:400", *initial, {3, "cpu", 0}), nullptr, &font);
  ASSERT_TRUE(s.update(true));
  const BoardOverlay& o = s.overlay();
  int visited = 0;
  for (int v : o.visits) visited += v > 0;
  ASSERT_GT(visited, 20);  // the old overlay would write all of these
  const sf::Image with = render_session(s);
  BoardSession plain(*initial, nullptr, nullptr, &font);
  plain.click(plain.board().cell_centre(o.last_row, o.last_col));
  const sf::Image without = render_session(plain);
  int labelled = 0;
  for (int r = 0; r < 9; ++r)
    for (int c = 0; c < 9; ++c) {
      if (r == o.last_row && c == o.last_col) continue;
      const sf::Vector2f ctr = s.board().cell_centre(r, c);
      bool differs = false;
      for (int dy = -5; dy <= 5 && !differs; ++dy)
        for (int dx = -5; dx <= 5 && !differs; ++dx)
          differs = with.getPixel(static_cast<unsigned>(ctr.x) + dx, static_cast<unsigned>(ctr.y) + dy) !=
                    without.getPixel(static_cast<unsigned>(ctr.x) + dx, static_cast<unsigned>(ctr.y) + dy);
      labelled += differs;
    }
  EXPECT_GE(labelled, 1);
  EXPECT_LE(labelled, 5);
}

}  // namespace
}  // namespace tp::view
