#include "apps/view/board_session.h"

#include <cstdio>

#include "apps/view/shapes.h"
#include "core/error.h"

namespace tp::view {

namespace {
constexpr float kPanelWidth = 270;
constexpr float kButtonHeight = 34;
const sf::Color kPanel(30, 30, 36), kText(235, 235, 235), kDim(170, 180, 190), kWarn(255, 170, 60);
}  // namespace

BoardSession::BoardSession(const envs::GameState& initial, std::unique_ptr<agents::GamePlayer> player0,
                           std::unique_ptr<agents::GamePlayer> player1, const sf::Font* font)
    : initial_(initial.clone()), state_(initial.clone()), font_(font), board_(initial.info(), font) {
  players_[0] = std::move(player0);
  players_[1] = std::move(player1);
  refresh();
}

BoardSession::~BoardSession() {
  if (search_.valid()) search_.wait();
}

sf::Vector2u BoardSession::scene_size(const envs::GameInfo& info) {
  const sf::Vector2u b = BoardView(info, nullptr).size();
  return {b.x + static_cast<unsigned>(kPanelWidth), std::max(b.y, 420u)};
}

bool BoardSession::human_turn() const { return !state_->is_terminal() && player(state_->current_player()) == nullptr; }

void BoardSession::refresh() {
  targets_ = move_targets(*state_);
  overlay_.ownership.clear();
  if (!state_->is_terminal()) return;
  const std::vector<int> owner = state_->territory();
  const envs::GameInfo& info = state_->info();
  const auto w = static_cast<size_t>(info.board_width);
  if (owner.size() != static_cast<size_t>(info.board_height) * w) return;  // the game scores no territory
  for (size_t r = 0; r < static_cast<size_t>(info.board_height); ++r)
    overlay_.ownership.emplace_back(owner.begin() + static_cast<std::ptrdiff_t>(r * w),
                                    owner.begin() + static_cast<std::ptrdiff_t>((r + 1) * w));
}

void BoardSession::apply(envs::Action a, const MoveTarget* target) {
  const std::string who = player_name(state_->info(), state_->current_player());
  last_move_ = target && target->is_pass() ? who + " passes" : who + " played " + state_->action_to_string(a);
  state_->apply(a);
  overlay_.last_row = target ? target->row : -1;
  overlay_.last_col = target ? target->col : -1;
  message_.clear();
  refresh();
}

bool BoardSession::update(bool wait) {
  if (state_->is_terminal()) return false;
  const int side = state_->current_player();
  agents::GamePlayer* agent = player(side);
  if (!agent) return false;
  if (!search_.valid()) {
    search_state_ = state_->clone();
    const envs::GameState* position = search_state_.get();
    search_ = std::async(std::launch::async, [agent, position] { return agent->select_action(*position); });
  }
  if (!wait && search_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
  const envs::Action a = search_.get();  // rethrows the agent's error, if any
  const std::vector<MoveTarget> searched = targets_;
  std::optional<MoveTarget> target;
  for (const auto& t : searched)
    if (t.action == a) target = t;
  TP_CHECK(target.has_value(), "agent ", agent->name(), " chose the illegal move ", a, " in ", state_->info().name);
  overlay_.visits.clear();
  value_text_.clear();
  if (const agents::SearchInfo* info = agent->last_search()) {
    overlay_.visits = info->visits;
    overlay_.targets = searched;
    char buf[160];
    // A searcher without visit counts (minimax) shows its value only, not "(0 visits)".
    const std::string visits = a < static_cast<int>(info->visits.size())
                                   ? " (" + std::to_string(info->visits[static_cast<size_t>(a)]) + " visits)"
                                   : "";
    std::snprintf(buf, sizeof buf, "%s played %s%s, value %+.2f for %s", agent->name().c_str(),
                  state_->action_to_string(a).c_str(), visits.c_str(), info->value + 0.0 /* -0.00 reads as +0.00 */,
                  player_name(state_->info(), side).c_str());
    value_text_ = buf;
  }
  apply(a, &*target);
  return true;
}

void BoardSession::new_game() {
  if (search_.valid()) search_.wait(), search_ = {};
  state_ = initial_->clone();
  overlay_ = {};
  value_text_.clear();
  message_.clear();
  last_move_.clear();
  for (auto& p : players_)
    if (p) p->new_game();
  refresh();
}

void BoardSession::undo() {
  if (players_[0] && players_[1]) {
    message_ = "nothing to undo: no person plays in this game";
    return;
  }
  if (search_.valid()) search_.wait(), search_ = {};
  std::vector<envs::Action> moves = state_->history();
  if (moves.empty()) {
    message_ = "nothing to undo";
    return;
  }
  // Take back the last move, then the agent's replies, until a person is to move.
  std::unique_ptr<envs::GameState> s;
  do {
    moves.pop_back();
    s = initial_->clone();
    for (envs::Action a : moves) s->apply(a);
  } while (!moves.empty() && player(s->current_player()) != nullptr);
  state_ = std::move(s);
  overlay_ = {};
  value_text_.clear();
  last_move_.clear();
  message_ = "move taken back";
  for (auto& p : players_)
    if (p) p->new_game();  // their trees belong to the abandoned line
  refresh();
}

void BoardSession::switch_sides() {
  if (search_.valid()) search_.wait(), search_ = {};
  std::swap(players_[0], players_[1]);
  new_game();
}

bool BoardSession::play_pass() {
  if (!human_turn()) {
    message_ = state_->is_terminal() ? "the game is over" : "it is the agent's turn";
    return false;
  }
  for (const auto& t : targets_)
    if (t.is_pass()) {
      apply(t.action, &t);
      return true;
    }
  message_ = "passing is not allowed now";
  return false;
}

void BoardSession::refuse(int row, int col) {
  const envs::GameInfo& info = state_->info();
  const envs::Action a = envs::cell_action(info, row, col);
  std::string reason = state_->illegal_reason(a);
  if (reason.empty() && !info.drops && state_->cell_owner(row, col) >= 0) reason = "the cell is occupied";
  message_ = "illegal move " + state_->action_to_string(a) + (reason.empty() ? "" : ": " + reason);
}

std::vector<BoardSession::Button> BoardSession::buttons() const {
  std::vector<std::string> labels = {"New game"};
  const int people = (players_[0] ? 0 : 1) + (players_[1] ? 0 : 1);
  if (people > 0) labels.push_back("Undo");
  if (people == 1) labels.push_back("Switch sides");
  if (people > 0 && state_->info().has_pass) labels.push_back("Pass");
  std::vector<Button> out;
  const float x = static_cast<float>(board_.size().x) + 15;
  float y = static_cast<float>(size().y) - 15 - kButtonHeight * static_cast<float>(labels.size()) -
            8 * static_cast<float>(labels.size() - 1);
  for (const auto& l : labels) {
    out.push_back({l, {x, y, kPanelWidth - 30, kButtonHeight}});
    y += kButtonHeight + 8;
  }
  return out;
}

std::optional<sf::FloatRect> BoardSession::button(const std::string& label) const {
  for (const auto& b : buttons())
    if (b.label == label) return b.rect;
  return std::nullopt;
}

void BoardSession::click(sf::Vector2f point) {
  for (const auto& b : buttons())
    if (b.rect.contains(point)) {
      if (b.label == "New game")
        new_game();
      else if (b.label == "Undo")
        undo();
      else if (b.label == "Switch sides")
        switch_sides();
      else if (b.label == "Pass")
        play_pass();
      return;
    }
  const auto cell = board_.cell_at(point);
  if (!cell) return;
  if (state_->is_terminal()) {
    message_ = "the game is over: New game or Undo";
    return;
  }
  if (!human_turn()) {
    message_ = thinking() ? "wait: the agent is thinking" : "it is the agent's turn";
    return;
  }
  const auto target = target_for_cell(targets_, state_->info(), cell->first, cell->second);
  if (!target) {
    refuse(cell->first, cell->second);
    return;
  }
  overlay_.visits.clear();
  apply(target->action, &*target);
}

std::string BoardSession::result_text() const {
  if (!state_->is_terminal()) return "";
  const envs::GameInfo& info = state_->info();
  const auto r = state_->returns();
  std::string text = r[0] > r[1]   ? player_name(info, 0) + " wins"
                     : r[1] > r[0] ? player_name(info, 1) + " wins"
                                   : "Draw";
  if (const std::string score = state_->score_text(); !score.empty()) text += " (" + score + ")";
  return text;
}

void BoardSession::draw(sf::RenderTarget& target) const {
  const sf::RenderStates states;
  const sf::Vector2u sz = size();
  draw_rect(target, states, {0, 0, static_cast<float>(sz.x), static_cast<float>(sz.y)}, kPanel);
  board_.draw(target, states, *state_, &overlay_);
  if (!font_) return;
  const envs::GameInfo& info = state_->info();
  const float x = static_cast<float>(board_.size().x) + 15;
  float y = 12;
  // Every line fits the panel: a long agent name or path is shortened in the middle.
  const float room = kPanelWidth - 25;
  auto line = [&](const std::string& text, sf::Color color, unsigned size = 15) {
    draw_text(target, states, *font_, fit_text(*font_, text, size, room), {x, y}, size, color);
    y += static_cast<float>(size) + 9;
  };
  line(info.name, kText, 20);
  for (int p = 0; p < 2; ++p) {
    draw_circle(target, states, {x + 7, y + 9}, 7, board_.piece_color(p), sf::Color(120, 120, 120), 1);
    const std::string who = player(p) ? player(p)->name() : "you";
    draw_text(target, states, *font_, fit_text(*font_, player_name(info, p) + ": " + who, 15, room - 20), {x + 20, y},
              15, kText);
    y += 24;
  }
  y += 6;
  if (state_->is_terminal())
    line(result_text(), sf::Color(120, 230, 120), 17);
  else if (thinking())
    line(player_name(info, state_->current_player()) + " to move: thinking...", kText);
  else
    line(player_name(info, state_->current_player()) + " to move" + (human_turn() ? " (click the board)" : ""), kText);
  line("moves: " + std::to_string(state_->history().size()), kDim);
  if (!last_move_.empty()) line(last_move_, kText);
  for (const auto& fact : state_->status_lines()) line(fact, kDim);
  if (!overlay_.ownership.empty()) line("territory shown as small squares", kDim, 13);
  const auto wrapped = [&](const std::string& text, sf::Color color, unsigned size, size_t width) {
    std::string rest = text;
    while (!rest.empty()) {
      size_t cut = rest.size() <= width ? rest.size() : rest.rfind(' ', width);
      if (cut == std::string::npos || cut == 0) cut = std::min(width, rest.size());
      line(rest.substr(0, cut), color, size);
      rest = cut < rest.size() ? rest.substr(cut + 1) : "";
    }
  };
  if (!value_text_.empty()) wrapped(value_text_, sf::Color(255, 150, 210), 14, 32);
  if (!overlay_.visits.empty()) line("numbers: visits of the top 5 moves", kDim, 13);
  if (!message_.empty()) wrapped(message_, kWarn, 14, 30);
  for (const auto& b : buttons()) {
    draw_rect(target, states, b.rect, sf::Color(60, 64, 80), sf::Color(120, 130, 150), 1);
    draw_text_centred(target, states, *font_, b.label, {b.rect.left + b.rect.width / 2, b.rect.top + b.rect.height / 2},
                      15, kText);
  }
}

}  // namespace tp::view
