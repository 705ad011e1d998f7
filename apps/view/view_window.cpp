#include "apps/view/view_window.h"

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
  TP_CHECK_AS(UsageError, options_.fps >= 0, "--fps must be >= 0 (0: as fast as possible)");
  load_ui_font(font_);
  check_display();
  SfmlMessages messages;
  frame_ = std::make_unique<sf::RenderTexture>();
  TP_CHECK(frame_->create(options_.size.x, options_.size.y), "cannot create a ", options_.size.x, "x", options_.size.y,
           " off-screen frame (OpenGL unavailable?): ", messages.text());
  window_ = std::make_unique<sf::RenderWindow>(sf::VideoMode(options_.size.x, options_.size.y), options_.title,
                                               sf::Style::Titlebar | sf::Style::Close);
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

void ViewWindow::handle_event(const sf::Event& event, const std::function<void(const sf::Event&)>& on_event) {
  switch (event.type) {
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
