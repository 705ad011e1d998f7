// Kept out of the test files: Xlib's macros (None, Status, Bool, ...) clash with SFML's names.
#include "tests/view/x11_capture.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <chrono>
#include <thread>

namespace tp::view::test {
namespace {

int x_error_code = 0;
int record_x_error(Display*, XErrorEvent* e) {
  x_error_code = e->error_code;
  return 0;
}

// The 8 bits of `pixel` under `mask` (TrueColor visuals: 0xff0000, 0xff00, 0xff at depth 24).
sf::Uint8 channel(unsigned long pixel, unsigned long mask) {
  if (!mask) return 0;
  int shift = 0;
  while (!((mask >> shift) & 1)) ++shift;
  const unsigned long max = mask >> shift;
  return static_cast<sf::Uint8>(((pixel & mask) >> shift) * 255 / max);
}

}  // namespace

std::optional<sf::Image> capture_x11_window(unsigned long window, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<sf::Image> {
    if (error) *error = why;
    return std::nullopt;
  };
  Display* display = XOpenDisplay(nullptr);
  if (!display) return fail("cannot open the X display");
  XWindowAttributes attributes{};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (true) {
    XSync(display, False);
    if (!XGetWindowAttributes(display, window, &attributes)) {
      XCloseDisplay(display);
      return fail("XGetWindowAttributes failed");
    }
    if (attributes.map_state == IsViewable) break;
    if (std::chrono::steady_clock::now() > deadline) {
      XCloseDisplay(display);
      return fail("the window is not viewable");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  x_error_code = 0;
  auto* previous = XSetErrorHandler(record_x_error);
  XImage* image = XGetImage(display, window, 0, 0, static_cast<unsigned>(attributes.width),
                            static_cast<unsigned>(attributes.height), AllPlanes, ZPixmap);
  XSync(display, False);
  XSetErrorHandler(previous);
  if (!image || x_error_code) {
    if (image) XDestroyImage(image);
    XCloseDisplay(display);
    return fail("XGetImage failed (X error " + std::to_string(x_error_code) + ")");
  }
  sf::Image out;
  out.create(static_cast<unsigned>(attributes.width), static_cast<unsigned>(attributes.height));
  for (int y = 0; y < attributes.height; ++y)
    for (int x = 0; x < attributes.width; ++x) {
      const unsigned long p = XGetPixel(image, x, y);
      out.setPixel(static_cast<unsigned>(x), static_cast<unsigned>(y),
                   sf::Color(channel(p, image->red_mask), channel(p, image->green_mask), channel(p, image->blue_mask)));
    }
  XDestroyImage(image);
  XCloseDisplay(display);
  return out;
}

bool resize_x11_window(unsigned long window, unsigned width, unsigned height) {
  Display* display = XOpenDisplay(nullptr);
  if (!display) return false;
  XMoveResizeWindow(display, window, 0, 0, width, height);  // at the corner: XGetImage needs it all on screen
  XSync(display, False);
  XCloseDisplay(display);
  return true;
}

}  // namespace tp::view::test
