#include "apps/view/view_window.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "apps/view/font.h"
#include "core/error.h"
#include "core/run_dir.h"

namespace tp::view {

void check_display() {
  const char* display = std::getenv("DISPLAY");
  TP_CHECK(display && *display,
           "no display for the window: DISPLAY is not set (run on a desktop, or headless under xvfb-run)");
  const std::string d = display;
  if (d[0] == ':') {  // local display ":N" or ":N.S": the server listens on /tmp/.X11-unix/XN
    const std::string number = d.substr(1, d.find('.') == std::string::npos ? std::string::npos : d.find('.') - 1);
    TP_CHECK(file_exists("/tmp/.X11-unix/X" + number), "no X server on display ", d, " (/tmp/.X11-unix/X", number,
             " is missing): run on a desktop, or headless under xvfb-run");
  }
}

namespace {
// SFML reports through sf::err() (stderr by default), e.g. "Setting vertical sync not
// supported" under Xvfb; while it is redirected the messages go into `text`.
class SfmlMessages {
 public:
  SfmlMessages() : previous_(sf::err().rdbuf(text_.rdbuf())) {}
  ~SfmlMessages() { sf::err().rdbuf(previous_); }
  std::string text() const {
    std::string t = text_.str();
    for (char& c : t)
      if (c == '\n') c = ' ';
    return t;
  }

 private:
  std::ostringstream text_;
  std::streambuf* previous_;
};
}  // namespace

ViewWindow::ViewWindow(WindowOptions options) : options_(std::move(options)) {
  if (options_.handle_signals) interrupt_guard_.emplace();
  TP_CHECK_AS(UsageError, options_.fps >= 0, "--fps must be >= 0 (0: as fast as possible)");
  load_ui_font(font_);
  check_display();
  SfmlMessages messages;
  frame_ = std::make_unique<sf::RenderTexture>();
  TP_CHECK(frame_->create(options_.size.x, options_.size.y), "cannot create a ", options_.size.x, "x", options_.size.y,
           " off-screen frame (OpenGL unavailable?): ", messages.text());
  window_ = std::make_unique<sf::RenderWindow>(sf::VideoMode(options_.size.x, options_.size.y), options_.title,
                                               sf::Style::Default);
  TP_CHECK(window_->isOpen(), "cannot open a window on display ", std::getenv("DISPLAY"), ": ", messages.text());
  window_->setKeyRepeatEnabled(false);
  if (!options_.record_dir.empty()) recorder_ = std::make_unique<FrameRecorder>(options_.record_dir);
  frame_clock_.restart();
}

ViewWindow::~ViewWindow() {
  try {
    close();
  } catch (const std::exception& e) {
    log(std::string("recording: ") + e.what());
  }
}

void ViewWindow::log(const std::string& line) const {
  if (!options_.quiet) std::cerr << line << std::endl;
}

sf::Vector2f ViewWindow::scene_point(int x, int y) const {
  return {(static_cast<float>(x) - scene_offset_.x) / scene_scale_,
          (static_cast<float>(y) - scene_offset_.y) / scene_scale_};
}

void ViewWindow::letterbox(unsigned width, unsigned height) {
  if (width == 0 || height == 0) return;
  const auto w = static_cast<float>(width), h = static_cast<float>(height);
  const auto sw = static_cast<float>(options_.size.x), sh = static_cast<float>(options_.size.y);
  scene_scale_ = std::min(w / sw, h / sh);
  scene_offset_ = {(w - sw * scene_scale_) / 2, (h - sh * scene_scale_) / 2};
  sf::View view(sf::FloatRect(0, 0, sw, sh));
  view.setViewport({scene_offset_.x / w, scene_offset_.y / h, sw * scene_scale_ / w, sh * scene_scale_ / h});
  window_->setView(view);
}

void ViewWindow::handle_event(const sf::Event& original, const std::function<void(const sf::Event&)>& on_event) {
  sf::Event event = original;
  // Views think in scene pixels: a click lands on the cell drawn under it at any window size.
  const auto to_scene = [&](int& x, int& y) {
    const sf::Vector2f p = scene_point(x, y);
    x = static_cast<int>(std::floor(p.x)), y = static_cast<int>(std::floor(p.y));
  };
  switch (event.type) {
    case sf::Event::Resized:
      letterbox(event.size.width, event.size.height);
      break;
    case sf::Event::MouseButtonPressed:
    case sf::Event::MouseButtonReleased:
      to_scene(event.mouseButton.x, event.mouseButton.y);
      break;
    case sf::Event::MouseMoved:
      to_scene(event.mouseMove.x, event.mouseMove.y);
      break;
    case sf::Event::MouseWheelScrolled:
      to_scene(event.mouseWheelScroll.x, event.mouseWheelScroll.y);
      break;
    case sf::Event::Closed:
      close();
      return;
    case sf::Event::KeyPressed:
      if (event.key.code == sf::Keyboard::Escape) {
        close();
        return;
      }
      held_.insert(event.key.code);
      pressed_.insert(event.key.code);
      break;
    case sf::Event::KeyReleased:
      held_.erase(event.key.code);
      break;
    case sf::Event::LostFocus:
      held_.clear();  // a release while unfocused never arrives
      break;
    default:
      break;
  }
  if (on_event) on_event(event);
}

bool ViewWindow::hold_final_frame(const std::function<void(sf::RenderTarget&)>& draw) {
  if (!options_.hold_at_end) return false;
  while (is_open()) {
    if (take_pressed(sf::Keyboard::Space)) return true;
    present(draw);
    poll();
  }
  return false;
}

bool ViewWindow::poll(const std::function<void(const sf::Event&)>& on_event) {
  if (const int sig = pending_interrupt(); sig && is_open()) {
    interrupt_signal_ = sig;
    close();
  }
  sf::Event event;
  while (is_open() && window_->pollEvent(event)) handle_event(event, on_event);
  return is_open();
}

bool ViewWindow::take_pressed(sf::Keyboard::Key key) { return pressed_.erase(key) > 0; }

void ViewWindow::present(const std::function<void(sf::RenderTarget&)>& draw) {
  if (!is_open()) return;
  frame_->clear(sf::Color(30, 30, 36));  // around scenes narrower than the window
  draw(*frame_);
  frame_->display();
  if (recorder_) recorder_->save(frame_->getTexture().copyToImage());
  window_->clear(sf::Color::Black);
  window_->draw(sf::Sprite(frame_->getTexture()));
  window_->display();
  wait_frame();
}

void ViewWindow::wait_frame() {
  if (options_.fps > 0) {
    const sf::Time period = sf::seconds(static_cast<float>(1.0 / options_.fps));
    const sf::Time spent = frame_clock_.getElapsedTime();
    if (spent < period) sf::sleep(period - spent);
  }
  frame_clock_.restart();
}

void ViewWindow::idle() { sf::sleep(sf::milliseconds(10)); }

void ViewWindow::close() {
  if (is_open()) window_->close();
  if (recorder_ && !finished_) {
    finished_ = true;
    log(recorder_->finish(options_.fps));
  }
}

}  // namespace tp::view
