#pragma once
// Small drawing helpers shared by the views (filled polygons, thick segments, circles by
// centre, text, torchplay pictures as SFML images), so each view reads as geometry.
#include <SFML/Graphics.hpp>

#include <string>
#include <vector>

#include "core/png_image.h"

namespace tp::view {

void draw_polygon(sf::RenderTarget& target, const sf::RenderStates& states, const std::vector<sf::Vector2f>& points,
                  sf::Color fill);
// A rectangle of `width` pixels centred on the segment a-b.
void draw_segment(sf::RenderTarget& target, const sf::RenderStates& states, sf::Vector2f a, sf::Vector2f b, float width,
                  sf::Color fill);
void draw_circle(sf::RenderTarget& target, const sf::RenderStates& states, sf::Vector2f centre, float radius,
                 sf::Color fill, sf::Color outline = sf::Color::Transparent, float outline_width = 0);
void draw_rect(sf::RenderTarget& target, const sf::RenderStates& states, sf::FloatRect rect, sf::Color fill,
               sf::Color outline = sf::Color::Transparent, float outline_width = 0);
// A one-pixel polyline.
void draw_polyline(sf::RenderTarget& target, const sf::RenderStates& states, const std::vector<sf::Vector2f>& points,
                   sf::Color color);
// Text with its top-left corner at `pos`; returns the text's width in pixels.
float draw_text(sf::RenderTarget& target, const sf::RenderStates& states, const sf::Font& font, const std::string& text,
                sf::Vector2f pos, unsigned size, sf::Color color);
// `text` shortened in the middle ("CartPole-v1   agent: dqn:/work/m...   episode 3/10") to fit
// `max_width` pixels at `size`: long agent names must not push what follows off the window.
std::string fit_text(const sf::Font& font, const std::string& text, unsigned size, float max_width);
// A picture of torchplay's own (gray or RGB: a sample grid, a chart) as an SFML image.
sf::Image to_sf_image(const Image& image);
// Text centred on `centre`.
void draw_text_centred(sf::RenderTarget& target, const sf::RenderStates& states, const sf::Font& font,
                       const std::string& text, sf::Vector2f centre, unsigned size, sf::Color color);

}  // namespace tp::view
