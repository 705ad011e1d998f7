#include "apps/view/board_view.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "apps/view/shapes.h"

namespace tp::view {

namespace {
using Style = envs::BoardStyle;
}  // namespace

std::vector<MoveTarget> move_targets(const envs::GameState& state) {
  std::vector<MoveTarget> out;
  if (state.is_terminal()) return out;
  const envs::GameInfo& info = state.info();
  const int h = info.board_height, w = info.board_width;
  std::vector<int> before(static_cast<size_t>(h * w));
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) before[static_cast<size_t>(r * w + c)] = state.cell_owner(r, c);
  auto next = state.clone();
  for (envs::Action a : state.legal_actions()) {
    if (!next->assign_from(state)) next = state.clone();
    next->apply(a);
    MoveTarget t{a, -1, -1};
    for (int r = 0; r < h && t.row < 0; ++r)
      for (int c = 0; c < w; ++c)
        if (before[static_cast<size_t>(r * w + c)] < 0 && next->cell_owner(r, c) >= 0) {
          t.row = r, t.col = c;
          break;
        }
    out.push_back(t);
  }
  return out;
}

std::optional<MoveTarget> target_for_cell(const std::vector<MoveTarget>& targets, const envs::GameInfo& info, int row,
                                          int col) {
  const envs::Action wanted = envs::cell_action(info, row, col);
  for (const auto& t : targets)
    if (t.action == wanted) return t;
  return std::nullopt;
}

BoardView::BoardView(const envs::GameInfo& info, const sf::Font* font)
    : style_(info.display.board_style),
      star_points_(info.display.star_points),
      rows_(info.board_height),
      cols_(info.board_width),
      font_(font) {
  // About 560 px of board whatever the size, at least 28 px per cell.
  cell_ = std::max(28.0f, std::floor(560.0f / static_cast<float>(std::max(rows_, cols_))));
  margin_ = style_ == Style::kGoGrid ? cell_ * 0.5f + 20 : 20.0f;  // room for coordinates
}

sf::Vector2u BoardView::size() const {
  if (style_ == Style::kGoGrid)
    return {static_cast<unsigned>(cell_ * static_cast<float>(cols_ - 1) + 2 * margin_),
            static_cast<unsigned>(cell_ * static_cast<float>(rows_ - 1) + 2 * margin_)};
  return {static_cast<unsigned>(cell_ * static_cast<float>(cols_) + 2 * margin_),
          static_cast<unsigned>(cell_ * static_cast<float>(rows_) + 2 * margin_)};
}

sf::Vector2f BoardView::cell_centre(int row, int col) const {
  if (style_ == Style::kGoGrid)
    return {margin_ + cell_ * static_cast<float>(col), margin_ + cell_ * static_cast<float>(row)};
  return {margin_ + cell_ * (static_cast<float>(col) + 0.5f), margin_ + cell_ * (static_cast<float>(row) + 0.5f)};
}

std::optional<std::pair<int, int>> BoardView::cell_at(sf::Vector2f p) const {
  const float fx = (p.x - margin_) / cell_ + (style_ == Style::kGoGrid ? 0.5f : 0.0f);
  const float fy = (p.y - margin_) / cell_ + (style_ == Style::kGoGrid ? 0.5f : 0.0f);
  if (fx < 0 || fy < 0) return std::nullopt;
  const int col = static_cast<int>(fx), row = static_cast<int>(fy);
  if (row >= rows_ || col >= cols_) return std::nullopt;
  return std::make_pair(row, col);
}

sf::Color BoardView::background() const {
  switch (style_) {
    case Style::kSlots:
      return {0, 82, 204};
    case Style::kGoGrid:
      return {220, 179, 92};
    case Style::kDiscs:
      return {0, 120, 60};
    case Style::kMarks:
      return {245, 245, 240};
  }
  return sf::Color::White;
}

sf::Color BoardView::piece_color(int player) const {
  switch (style_) {
    case Style::kSlots:
      return player == 0 ? sf::Color(220, 30, 40) : sf::Color(250, 210, 0);
    case Style::kMarks:
      return player == 0 ? sf::Color(200, 40, 40) : sf::Color(30, 80, 200);
    default:
      return player == 0 ? sf::Color(20, 20, 20) : sf::Color(240, 240, 240);
  }
}

void BoardView::draw_board(sf::RenderTarget& target, const sf::RenderStates& states) const {
  const sf::Vector2u sz = size();
  draw_rect(target, states, {0, 0, static_cast<float>(sz.x), static_cast<float>(sz.y)}, background());
  const sf::Color line(40, 40, 40);
  if (style_ == Style::kGoGrid) {
    const float x1 = margin_ + cell_ * static_cast<float>(cols_ - 1),
                y1 = margin_ + cell_ * static_cast<float>(rows_ - 1);
    for (int r = 0; r < rows_; ++r)
      draw_segment(target, states, cell_centre(r, 0), {x1, cell_centre(r, 0).y}, 1.5f, line);
    for (int c = 0; c < cols_; ++c)
      draw_segment(target, states, cell_centre(0, c), {cell_centre(0, c).x, y1}, 1.5f, line);
    // Star points on the usual Go board sizes.
    if (star_points_ && rows_ == cols_ && rows_ >= 9) {
      const int edge = rows_ >= 13 ? 3 : 2, mid = rows_ / 2;
      for (int r : {edge, mid, rows_ - 1 - edge})
        for (int c : {edge, mid, rows_ - 1 - edge})
          if (rows_ % 2 == 1 || (r != mid && c != mid)) draw_circle(target, states, cell_centre(r, c), 4, line);
    }
    return;
  }
  for (int r = 0; r < rows_; ++r)
    for (int c = 0; c < cols_; ++c) {
      const sf::Vector2f ctr = cell_centre(r, c);
      if (style_ == Style::kSlots)
        draw_circle(target, states, ctr, cell_ * 0.4f, sf::Color(235, 240, 250));
      else
        draw_rect(target, states, {ctr.x - cell_ / 2, ctr.y - cell_ / 2, cell_, cell_}, sf::Color::Transparent, line,
                  -1);
    }
}

// The coordinates round the board, as the game names its moves (the panel's "a3", "D4", "5"):
// the letters of a cell's move name above its column, the digits left of its row. A drop
// game names columns only. Read from action_to_string, so the view knows no naming scheme.
void BoardView::draw_coordinates(sf::RenderTarget& target, const sf::RenderStates& states,
                                 const envs::GameState& state) const {
  const envs::GameInfo& info = state.info();
  const sf::Color bg = background();
  const bool dark = bg.r * 299 + bg.g * 587 + bg.b * 114 < 128000;  // perceived brightness
  const sf::Color ink = dark ? sf::Color(235, 235, 235) : sf::Color(40, 40, 40);
  auto part = [](const std::string& name, bool digits) {
    std::string out;
    for (char ch : name)
      if ((std::isdigit(static_cast<unsigned char>(ch)) != 0) == digits) out += ch;
    return out;
  };
  const float edge = 10;
  for (int c = 0; c < cols_; ++c) {
    const std::string name = state.action_to_string(envs::cell_action(info, 0, c));
    draw_text_centred(target, states, *font_, info.drops ? name : part(name, false), {cell_centre(0, c).x, edge}, 13,
                      ink);
  }
  if (info.drops) return;
  for (int r = 0; r < rows_; ++r)
    draw_text_centred(target, states, *font_, part(state.action_to_string(envs::cell_action(info, r, 0)), true),
                      {edge, cell_centre(r, 0).y}, 13, ink);
}

// The line that won, drawn through the pieces: a bar along each straight run of
// winning_cells() and a ring round each of its cells.
void BoardView::draw_winning_line(sf::RenderTarget& target, const sf::RenderStates& states,
                                  const std::vector<std::pair<int, int>>& cells) const {
  const sf::Color colour = winning_line_colour();
  size_t start = 0;
  while (start < cells.size()) {
    // The run from `start`: cells one step apart in a constant direction.
    size_t end = start + 1;
    if (end < cells.size()) {
      const int dr = cells[end].first - cells[start].first, dc = cells[end].second - cells[start].second;
      if (std::abs(dr) <= 1 && std::abs(dc) <= 1) {
        while (end + 1 < cells.size() && cells[end + 1].first - cells[end].first == dr &&
               cells[end + 1].second - cells[end].second == dc)
          ++end;
        ++end;
      }
    }
    draw_segment(target, states, cell_centre(cells[start].first, cells[start].second),
                 cell_centre(cells[end - 1].first, cells[end - 1].second), std::max(4.0f, cell_ * 0.1f), colour);
    start = end;
  }
  for (const auto& [row, col] : cells)
    draw_circle(target, states, cell_centre(row, col), cell_ * 0.44f, sf::Color::Transparent, colour,
                std::max(3.0f, cell_ * 0.06f));
}

void BoardView::draw_piece(sf::RenderTarget& target, const sf::RenderStates& states, int player,
                           sf::Vector2f centre) const {
  const sf::Color fill = piece_color(player);
  if (style_ == Style::kMarks) {  // X: a thick cross, O: a thick ring
    const float d = cell_ * 0.3f;
    if (player == 0) {
      draw_segment(target, states, centre - sf::Vector2f(d, d), centre + sf::Vector2f(d, d), cell_ * 0.12f, fill);
      draw_segment(target, states, centre - sf::Vector2f(d, -d), centre + sf::Vector2f(d, -d), cell_ * 0.12f, fill);
    } else {
      draw_circle(target, states, centre, cell_ * 0.28f, sf::Color::Transparent, fill, cell_ * 0.1f);
    }
    return;
  }
  const float radius = style_ == Style::kGoGrid ? cell_ * 0.47f : cell_ * 0.4f;
  const sf::Color rim = style_ == Style::kSlots ? sf::Color(0, 0, 0, 60) : sf::Color(0, 0, 0);
  draw_circle(target, states, centre, radius - 1, fill, rim, 1);
}

void BoardView::draw(sf::RenderTarget& target, sf::RenderStates states, const envs::GameState& state,
                     const BoardOverlay* overlay) const {
  draw_board(target, states);
  if (font_) draw_coordinates(target, states, state);
  for (int r = 0; r < rows_; ++r)
    for (int c = 0; c < cols_; ++c) {
      const int owner = state.cell_owner(r, c);
      if (owner >= 0) draw_piece(target, states, owner, cell_centre(r, c));
    }
  if (state.is_terminal()) draw_winning_line(target, states, state.winning_cells());
  if (!overlay) return;
  // Territory (Go, at the end): a small square of the owner's colour on each empty point.
  for (int r = 0; r < static_cast<int>(overlay->ownership.size()); ++r)
    for (int c = 0; c < static_cast<int>(overlay->ownership[static_cast<size_t>(r)].size()); ++c) {
      const int owner = overlay->ownership[static_cast<size_t>(r)][static_cast<size_t>(c)];
      if (owner < 0 || state.cell_owner(r, c) >= 0) continue;
      const sf::Vector2f ctr = cell_centre(r, c);
      const float s = cell_ * 0.3f;
      draw_rect(target, states, {ctr.x - s / 2, ctr.y - s / 2, s, s}, piece_color(owner), sf::Color(90, 90, 90), 1);
    }
  if (overlay->last_row >= 0) {
    const sf::Vector2f ctr = cell_centre(overlay->last_row, overlay->last_col);
    draw_circle(target, states, ctr, std::max(3.0f, cell_ * 0.08f), sf::Color(230, 60, 60));
  }
  if (!font_ || overlay->visits.empty()) return;
  // Visit counts of the agent's last search on the cells still empty (the chosen move's
  // count is in the side panel): the kShownMoves most visited only, so a 9x9 board is not
  // covered in 1s; the most visited highlighted, on a patch of board colour so lines do not
  // cross the digits.
  constexpr size_t kShownMoves = 5;
  std::vector<std::pair<int, size_t>> candidates;  // (visits, target index)
  for (size_t i = 0; i < overlay->targets.size(); ++i) {
    const auto& t = overlay->targets[i];
    if (t.is_pass() || t.action >= static_cast<int>(overlay->visits.size())) continue;
    const int v = overlay->visits[static_cast<size_t>(t.action)];
    if (v > 0 && state.cell_owner(t.row, t.col) < 0) candidates.emplace_back(v, i);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (candidates.size() > kShownMoves) candidates.resize(kShownMoves);
  const int best = candidates.empty() ? 0 : candidates.front().first;
  const unsigned size = static_cast<unsigned>(std::clamp(cell_ * 0.3f, 10.0f, 18.0f));
  for (const auto& [v, i] : candidates) {
    const auto& t = overlay->targets[i];
    const sf::Vector2f ctr = cell_centre(t.row, t.col);
    const std::string text = std::to_string(v);
    const float w = static_cast<float>(size) * 0.62f * static_cast<float>(text.size()) + 4;
    const float h = static_cast<float>(size) + 2;
    draw_rect(target, states, {ctr.x - w / 2, ctr.y - h / 2, w, h},
              style_ == Style::kSlots ? sf::Color(235, 240, 250) : background());
    draw_text_centred(target, states, *font_, text, ctr, size,
                      v == best ? sf::Color(200, 0, 120) : sf::Color(60, 60, 160));
  }
}

}  // namespace tp::view
