#pragma once
// The common window layer of every view: one window showing a fixed-size scene, frames
// rendered off-screen into a texture (so `--record` and tests see exactly what the window
// shows), a frame-rate limiter, keyboard state from the window's own events, and
// close/Escape handling. A resized window shows the scene scaled to fit, centred between bars
// (letterbox), and mouse events reach the views in scene coordinates.
#include <SFML/Graphics.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "apps/view/frame_recorder.h"
#include "core/interrupt.h"

namespace tp::view {

struct WindowOptions {
  std::string title = "torchplay";
  sf::Vector2u size{640, 480};
  double fps = 30;         // frames per second of present(); 0: as fast as possible
  std::string record_dir;  // "": no recording
  bool quiet = false;      // no log lines on stderr
  // After the last episode or game, keep the final frame up until Space or Escape
  // (hold_final_frame). Watch commands set it for interactive runs only: a terminal on stdin
  // and no recording, so scripts and tests never wait for a key.
  bool hold_at_end = false;
  // Install the SIGINT/SIGTERM handlers for the window's lifetime. Off when the process has
  // its own (train --show: training owns them; the window still closes on a signal).
  bool handle_signals = true;
};

// Throws tp::Error unless an X display can be reached: DISPLAY set and, for a local display
// (":N"), its socket present. SFML itself aborts the process instead of reporting this.
void check_display();

class ViewWindow {
 public:
  // Opens the window; throws tp::Error when there is no display (DISPLAY unset) or the
  // window cannot be created, and when the font is missing.
  explicit ViewWindow(WindowOptions options);
  ~ViewWindow();
  ViewWindow(const ViewWindow&) = delete;
  ViewWindow& operator=(const ViewWindow&) = delete;

  bool is_open() const { return window_ && window_->isOpen(); }
  // Handles pending events (close button and Escape close the window; key state is
  // tracked) and passes each to `on_event`; SIGINT/SIGTERM close it too. Returns is_open().
  bool poll(const std::function<void(const sf::Event&)>& on_event = nullptr);
  // What poll() does with one event (public so tests can inject input). Mouse positions are
  // passed on in scene coordinates (scene_point).
  void handle_event(const sf::Event& event, const std::function<void(const sf::Event&)>& on_event = nullptr);

  // Renders one frame off-screen with `draw`, records it, shows it, then waits out the
  // rest of the frame period.
  void present(const std::function<void(sf::RenderTarget&)>& draw);
  // With hold_at_end: shows `draw`'s frame until Space (returns true: the caller shows its
  // episodes or games again) or Escape / the close button (false). Without: false at once.
  bool hold_final_frame(const std::function<void(sf::RenderTarget&)>& draw);
  // Sleeps a short while (for loops that wait for input without drawing).
  void idle();
  // Closes the window and finishes the recording (video when ffmpeg exists); idempotent.
  void close();

  // The signal that closed the window (SIGINT, SIGTERM), 0 if none: the command then exits
  // with interrupt_exit_code(signal).
  int interrupt_signal() const { return interrupt_signal_; }
  // The command's exit code after the window loop: 0, or 130/143 after a signal.
  int exit_code() const { return interrupt_signal_ ? interrupt_exit_code(interrupt_signal_) : 0; }

  bool key_held(sf::Keyboard::Key key) const { return held_.count(key) > 0; }
  // True when `key` was pressed since the last call for that key (catches quick taps).
  bool take_pressed(sf::Keyboard::Key key);

  const sf::Font& font() const { return font_; }
  sf::Vector2u size() const { return options_.size; }  // the scene's, whatever the window's
  // The scene point under window pixel (x, y): the inverse of the letterbox (outside the
  // scene for a point on a bar).
  sf::Vector2f scene_point(int x, int y) const;
  double fps() const { return options_.fps; }
  void set_fps(double fps) { options_.fps = fps; }
  // The last presented frame, as recorded.
  sf::Image last_frame() const { return frame_->getTexture().copyToImage(); }
  // The window's native (X11) handle. Why: tests read back what the X server actually shows
  // in the window after present() (XGetImage), instead of trusting the off-screen frame.
  sf::WindowHandle native_handle() const { return window_->getSystemHandle(); }
  int frames_recorded() const { return recorder_ ? recorder_->frames() : 0; }
  // Logs a line on stderr unless quiet.
  void log(const std::string& line) const;

 private:
  void wait_frame();
  // Fits the scene into a window of `width` x `height` pixels (on sf::Event::Resized).
  void letterbox(unsigned width, unsigned height);

  WindowOptions options_;
  std::optional<InterruptGuard> interrupt_guard_;
  int interrupt_signal_ = 0;
  sf::Font font_;
  // Created after the display check: SFML aborts the process when it cannot open a display.
  std::unique_ptr<sf::RenderTexture> frame_;
  std::unique_ptr<sf::RenderWindow> window_;
  sf::Clock frame_clock_;
  std::unique_ptr<FrameRecorder> recorder_;
  std::set<int> held_;
  std::set<int> pressed_;
  sf::Vector2f scene_offset_{0, 0};  // where the scene's top-left corner is in the window
  float scene_scale_ = 1;            // window pixels per scene pixel
  bool finished_ = false;
};

}  // namespace tp::view
