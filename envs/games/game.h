#pragma once
// Two-player, zero-sum, perfect-information board games with an OpenSpiel-like state
// interface (docs/architecture.md). Pure C++: no LibTorch, no SFML. Algorithms (minimax, MCTS,
// AlphaZero) see only this interface.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tp::envs {

using Action = int;
constexpr Action kInvalidAction = -1;

// How a board is drawn; the SFML view (apps/view/board_view) maps each style to shapes and
// colours, so envs state the look without drawing anything.
enum class BoardStyle {
  kMarks,   // ruled squares holding X and O marks (Tic-tac-toe)
  kSlots,   // an upright frame of round holes the discs fall into (Connect Four)
  kGoGrid,  // stones on the line crossings, coordinates round the edge (Go, Gomoku)
  kDiscs,   // two-coloured discs on green squares (Othello)
};

// What a person sees of a game, stated by the game itself so that views, panels and help
// texts never test game names: a new game fills this in and every view follows.
struct GameDisplay {
  std::array<std::string, 2> player_names = {"Black", "White"};  // on screen and as --colour words
  BoardStyle board_style = BoardStyle::kMarks;
  bool star_points = false;  // kGoGrid: mark Go's star points (hoshi)
};

// Static facts about a game (shared by all its states).
struct GameInfo {
  std::string name;              // "tictactoe", "connect4", "gomoku", "othello", "go"
  int num_actions = 0;           // size of the policy vector (includes pass where the game has one)
  int board_height = 0;          // rows of the board as drawn and encoded
  int board_width = 0;           // columns
  int num_planes = 0;            // input planes written by encode()
  double dirichlet_alpha = 0.3;  // AlphaZero root noise for this game's branching factor
  int max_game_length = 0;       // an upper bound on plies
  // How actions are numbered (views map clicks to moves through cell_action): a move places a
  // piece on cell (row, col) as action row * board_width + col, or, in a drop game, names a
  // column whose lowest free cell the piece falls to; a pass, where there is one, is the last
  // action. The game-display test checks every registered game keeps to this.
  bool drops = false;     // actions are columns (Connect Four)
  bool has_pass = false;  // action num_actions - 1 passes (Go, Othello)
  GameDisplay display;
};

// The action that puts a piece on cell (row, col), legal now or not (see GameInfo).
inline Action cell_action(const GameInfo& info, int row, int col) {
  return info.drops ? col : row * info.board_width + col;
}

class GameState {
 public:
  virtual ~GameState() = default;

  virtual const GameInfo& info() const = 0;
  // 0 or 1; meaningless once terminal.
  virtual int current_player() const = 0;
  virtual std::vector<Action> legal_actions() const = 0;
  virtual bool is_legal(Action a) const = 0;
  // Throws tp::Error naming the move for an illegal action.
  virtual void apply(Action a) = 0;
  virtual bool is_terminal() const = 0;
  // Zero-sum returns {player0, player1} in [-1, 1]; {0, 0} while not terminal.
  virtual std::vector<double> returns() const = 0;

  // Input planes from the side to move: info().num_planes x height x width floats.
  virtual void encode(float* planes) const = 0;
  // Number of board symmetries (identity included) and the action permutation of each:
  // symmetry k maps action a to symmetry_action(k, a); planes are transformed alike by
  // transform_planes (used to augment training data).
  virtual int num_symmetries() const = 0;
  virtual Action symmetry_action(int k, Action a) const = 0;
  virtual void transform_planes(int k, const float* in, float* out) const = 0;

  virtual std::string action_to_string(Action a) const = 0;
  // Throws tp::Error for text that names no move (legality is checked by apply()).
  virtual Action string_to_action(const std::string& text) const = 0;
  virtual std::string to_string() const = 0;
  // Who holds a board cell: -1 empty, else the player (0 or 1). Row 0 is the top row as
  // drawn (info().board_height rows, board_width columns). The SFML board view reads boards
  // only through this accessor (and finds where a move lands by applying it to a clone).
  virtual int cell_owner(int row, int col) const = 0;
  // Moves played so far, in order (for undo, replays and SGF).
  virtual const std::vector<Action>& history() const = 0;

  // What a person is told beside the board (views show these for every game; the defaults
  // add nothing):
  // why the illegal action `a` is illegal, in words ("suicide", "it flips no disc"); "" when
  // the game adds nothing to "occupied".
  virtual std::string illegal_reason(Action a) const {
    (void)a;
    return "";
  }
  // the score behind a finished game's result ("B+3.5"); "" for games decided otherwise.
  virtual std::string score_text() const { return ""; }
  // more facts about the position, a line each ("captures: Black 2, White 0", "komi 7.5").
  virtual std::vector<std::string> status_lines() const { return {}; }
  // who owns each cell under the game's scoring (row-major, -1 neutral), for showing the
  // territory of a finished game; empty for games that score none.
  virtual std::vector<int> territory() const { return {}; }
  // the cells (row, col) of the line that won a finished k-in-a-row game, for highlighting;
  // empty while the game goes on, after a draw, and for games won otherwise.
  virtual std::vector<std::pair<int, int>> winning_cells() const { return {}; }

  virtual std::unique_ptr<GameState> clone() const = 0;

  // Optional fast paths for search (non-pure so every game works without them):
  // legal actions into a caller-owned vector (no allocation once it has capacity), and
  // copying a state of the same game and parameters into this one without reallocating.
  // assign_from returns false when unsupported; callers then fall back to clone().
  virtual void legal_actions_into(std::vector<Action>& out) const { out = legal_actions(); }
  virtual bool assign_from(const GameState& other) {
    (void)other;
    return false;
  }
};

// A game's factory: the initial state (with game parameters such as board size).
struct GameSpec {
  std::string name;
  std::string description;
  std::unique_ptr<GameState> (*make)(const std::string& params);  // params: "size=9,komi=7.5" or ""
};

}  // namespace tp::envs
