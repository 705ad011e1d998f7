#pragma once
// The board-game view: draws any GameState through its public accessors (cell_owner,
// legal_actions, history) in the look its GameInfo states (board style, player names), and
// maps clicks to moves by the game's action numbering (envs::cell_action). Where a move lands
// is found by applying it to a clone, so the view holds no rules and knows no game by name.
#include <SFML/Graphics.hpp>

#include <optional>
#include <string>
#include <vector>

#include "envs/games/game.h"

namespace tp::view {

// A legal move and the cell it fills (row = col = -1 for a pass).
struct MoveTarget {
  envs::Action action = envs::kInvalidAction;
  int row = -1, col = -1;
  bool is_pass() const { return row < 0; }
};
// Every legal move of `state` with its cell (empty for a terminal state).
std::vector<MoveTarget> move_targets(const envs::GameState& state);
// The legal move a click on (row, col) means: the one placing on that cell, or in a drop game
// the one for that column; none when that move is illegal now.
std::optional<MoveTarget> target_for_cell(const std::vector<MoveTarget>& targets, const envs::GameInfo& info, int row,
                                          int col);
// Who player 0 and player 1 are on screen ("Black"/"White", "Red"/"Yellow", "X"/"O").
inline const std::string& player_name(const envs::GameInfo& info, int player) {
  return info.display.player_names[static_cast<size_t>(player)];
}

// What to draw over the board: the agent's visit counts per move and the last move.
struct BoardOverlay {
  std::vector<MoveTarget> targets;  // the moves of the position the counts belong to
  std::vector<int> visits;          // per action; empty: none
  int last_row = -1, last_col = -1;
  std::vector<std::vector<int>> ownership;  // a finished game's territory: owner per cell (-1 neutral)
};

class BoardView {
 public:
  explicit BoardView(const envs::GameInfo& info, const sf::Font* font);

  sf::Vector2u size() const;
  void draw(sf::RenderTarget& target, sf::RenderStates states, const envs::GameState& state,
            const BoardOverlay* overlay) const;
  // The cell under a point of the scene, if any.
  std::optional<std::pair<int, int>> cell_at(sf::Vector2f point) const;
  // The scene point where cell (row, col)'s piece is drawn (an intersection on a go grid).
  sf::Vector2f cell_centre(int row, int col) const;
  float cell_size() const { return cell_; }
  // The colour a piece of `player` is filled with.
  sf::Color piece_color(int player) const;
  sf::Color background() const;
  // The colour the winning line of a finished game is drawn in.
  static sf::Color winning_line_colour() { return {40, 220, 90}; }

 private:
  void draw_board(sf::RenderTarget& target, const sf::RenderStates& states) const;
  void draw_coordinates(sf::RenderTarget& target, const sf::RenderStates& states, const envs::GameState& state) const;
  void draw_winning_line(sf::RenderTarget& target, const sf::RenderStates& states,
                         const std::vector<std::pair<int, int>>& cells) const;
  void draw_piece(sf::RenderTarget& target, const sf::RenderStates& states, int player, sf::Vector2f centre) const;

  envs::BoardStyle style_;
  bool star_points_;
  int rows_, cols_;
  float cell_, margin_;
  const sf::Font* font_;
};

}  // namespace tp::view
