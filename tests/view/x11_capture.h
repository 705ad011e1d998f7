#pragma once
// Reads back what the X server shows in a window: XGetImage on the window, over a display
// connection of our own. What comes back is what was presented (swapped to the screen), not
// an off-screen copy, so a frame that never reached the window does not show up here.
#include <SFML/Graphics/Image.hpp>

#include <optional>
#include <string>

namespace tp::view::test {

// The window's pixels, or nullopt (with the reason in `error`) when the display cannot be
// opened, the window does not become viewable within 2 s, or the read fails.
std::optional<sf::Image> capture_x11_window(unsigned long window, std::string* error = nullptr);
// Resizes the window from outside, as a user dragging its border or a tiling window manager
// does (XMoveResizeWindow over our own connection, to the screen's corner: XGetImage needs
// all of the window on screen); false when the display cannot be opened.
bool resize_x11_window(unsigned long window, unsigned width, unsigned height);

}  // namespace tp::view::test
