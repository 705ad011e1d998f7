// The board view knows no game by name: it draws and plays a game by the traits its GameInfo
// states (board style, player names, drops, pass). A game under another name looks and plays
// the same, and Tic-tac-toe's rules shown with other traits look like those traits say.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "apps/view/board_apps.h"
#include "apps/view/board_session.h"
#include "apps/view/board_view.h"
#include "apps/view/font.h"
#include "core/error.h"
#include "core/rng.h"
#include "envs/games/game_registry.h"
#include "tests/view/pixel_util.h"

namespace tp::view {
namespace {

// A game's rules under another GameInfo (a new name, other traits): what a new game that
// reuses known rules looks like to the view.
class Restyled final : public envs::GameState {
 public:
  Restyled(std::unique_ptr<envs::GameState> rules, std::shared_ptr<const envs::GameInfo> info)
      : rules_(std::move(rules)), info_(std::move(info)) {}

  const envs::GameInfo& info() const override { return *info_; }
  int current_player() const override { return rules_->current_player(); }
  std::vector<envs::Action> legal_actions() const override { return rules_->legal_actions(); }
  bool is_legal(envs::Action a) const override { return rules_->is_legal(a); }
  void apply(envs::Action a) override { rules_->apply(a); }
  bool is_terminal() const override { return rules_->is_terminal(); }
  std::vector<double> returns() const override { return rules_->returns(); }
  void encode(float* planes) const override { rules_->encode(planes); }
  int num_symmetries() const override { return rules_->num_symmetries(); }
  envs::Action symmetry_action(int k, envs::Action a) const override { return rules_->symmetry_action(k, a); }
  void transform_planes(int k, const float* in, float* out) const override { rules_->transform_planes(k, in, out); }
  std::string action_to_string(envs::Action a) const override { return rules_->action_to_string(a); }
  envs::Action string_to_action(const std::string& text) const override { return rules_->string_to_action(text); }
  std::string to_string() const override { return rules_->to_string(); }
  int cell_owner(int row, int col) const override { return rules_->cell_owner(row, col); }
  const std::vector<envs::Action>& history() const override { return rules_->history(); }
  std::string illegal_reason(envs::Action a) const override { return rules_->illegal_reason(a); }
  std::string score_text() const override { return rules_->score_text(); }
  std::vector<std::string> status_lines() const override { return rules_->status_lines(); }
  std::vector<int> territory() const override { return rules_->territory(); }
  std::unique_ptr<envs::GameState> clone() const override { return std::make_unique<Restyled>(rules_->clone(), info_); }

 private:
  std::unique_ptr<envs::GameState> rules_;
  std::shared_ptr<const envs::GameInfo> info_;
};

std::unique_ptr<envs::GameState> restyled(const envs::GameState& rules, envs::GameInfo info) {
  return std::make_unique<Restyled>(rules.clone(), std::make_shared<const envs::GameInfo>(std::move(info)));
}

bool same_pixels(const sf::Image& a, const sf::Image& b, sf::Vector2u size) {
  for (unsigned y = 0; y < size.y; ++y)
    for (unsigned x = 0; x < size.x; ++x)
      if (a.getPixel(x, y) != b.getPixel(x, y)) return false;
  return true;
}

using test::render_session;

TEST(BoardTraits, AGameUnderAnotherNameLooksAndPlaysTheSame) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  for (const auto& [name, params] : std::vector<std::pair<std::string, std::string>>{
           {"tictactoe", ""}, {"connect4", ""}, {"gomoku", "size=9"}, {"othello", ""}, {"go", "size=7"}}) {
    SCOPED_TRACE(name);
    auto state = registry.make(name, params);
    Rng rng(7);
    for (int i = 0; i < 6 && !state->is_terminal(); ++i) {
      const auto legal = state->legal_actions();
      state->apply(legal[rng.below(static_cast<uint32_t>(legal.size()))]);
    }
    envs::GameInfo info = state->info();
    info.name = "toy";
    const auto toy = restyled(*state, info);

    BoardSession real(*state, nullptr, nullptr, &font), renamed(*toy, nullptr, nullptr, &font);
    ASSERT_EQ(real.board().size(), renamed.board().size());
    EXPECT_EQ(real.button("Pass").has_value(), state->info().has_pass);
    EXPECT_EQ(renamed.button("Pass").has_value(), state->info().has_pass);
    // The same clicks do the same: on the top row (a drop in Connect Four), then on every
    // cell of the second row until one is a move.
    for (int c = 0; c < info.board_width; ++c) {
      for (BoardSession* s : {&real, &renamed}) s->click(s->board().cell_centre(c == 0 ? 0 : 1, c));
      EXPECT_EQ(real.state().history(), renamed.state().history()) << "column " << c;
      EXPECT_EQ(real.message(), renamed.message()) << "column " << c;
    }
    // The board part of the scene is pixel for pixel the same (the panel shows the name).
    EXPECT_TRUE(same_pixels(render_session(real), render_session(renamed), real.board().size()));
  }
}

TEST(BoardTraits, TicTacToeRulesAreDrawnAsTheTraitsSay) {
  sf::Font font;
  load_ui_font(font);
  const auto registry = envs::make_game_registry();
  const auto ttt = registry.make("tictactoe");
  envs::GameInfo info = ttt->info();
  info.name = "sun-and-moon";
  info.display.player_names = {"Sun", "Moon"};
  info.display.board_style = envs::BoardStyle::kGoGrid;  // stones on the crossings
  BoardSession s(*restyled(*ttt, info), nullptr, nullptr, &font);

  // Go-grid geometry and colours: three lines each way, the board colour of Go, black stones.
  const BoardView go_board(registry.make("go", "size=5")->info(), nullptr);
  const BoardView& board = s.board();
  EXPECT_EQ(board.background(), go_board.background());
  EXPECT_EQ(board.piece_color(0), go_board.piece_color(0));
  EXPECT_FLOAT_EQ(board.cell_centre(1, 1).x - board.cell_centre(0, 0).x, board.cell_size());
  EXPECT_EQ(board.cell_at(board.cell_centre(2, 2) + sf::Vector2f(board.cell_size() * 0.4f, 0)),
            std::make_pair(2, 2));  // a click near a crossing means that crossing
  const std::pair<int, int> moves[] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}};  // Sun: the top row
  for (const auto& [r, c] : moves) s.click(board.cell_centre(r, c));
  ASSERT_TRUE(s.state().is_terminal()) << s.message();
  EXPECT_EQ(s.result_text(), "Sun wins");
  const sf::Image image = render_session(s);
  EXPECT_EQ(test::at(image, board.cell_centre(0, 0) + sf::Vector2f(5, 5)), board.piece_color(0));  // a stone
  EXPECT_EQ(test::at(image, board.cell_centre(1, 0) + sf::Vector2f(5, 5)), board.piece_color(1));
  EXPECT_EQ(test::at(image, board.cell_centre(2, 2) + sf::Vector2f(8, 9)), board.background());  // empty
  EXPECT_FALSE(s.button("Pass").has_value());

  // An occupied crossing is refused; --colour takes the player names.
  BoardSession again(*restyled(*ttt, info), nullptr, nullptr, &font);
  again.click(board.cell_centre(1, 1));
  again.click(board.cell_centre(1, 1));
  EXPECT_EQ(again.state().history().size(), 1u);
  EXPECT_NE(again.message().find("occupied"), std::string::npos) << again.message();
  EXPECT_EQ(parse_side(info, "moon"), 1);
  EXPECT_EQ(parse_side(info, "Sun"), 0);
  EXPECT_THROW(parse_side(info, "x"), UsageError);
}

}  // namespace
}  // namespace tp::view
