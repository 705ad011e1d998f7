#pragma once
// Typed errors for the whole toolkit. Libraries throw, `main` catches once and maps the
// type to an exit code (UsageError -> 2, everything else -> 1), so tests can EXPECT_THROW.
#include <sstream>
#include <stdexcept>
#include <string>

namespace tp {

// A runtime failure: bad data, missing file, illegal move, ... (exit code 1).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The user asked for something malformed: unknown option, bad value, bad config (exit code 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

// A checkpoint that is missing, truncated, corrupted or belongs to another model.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

// A dataset file that is missing or malformed.
class DataError : public Error {
 public:
  using Error::Error;
};

namespace detail {
template <class E, class... Parts>
[[noreturn]] void throw_error(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  throw E(os.str());
}
}  // namespace detail

}  // namespace tp

// TP_CHECK(cond, parts...) throws tp::Error with the streamed parts as message.
#define TP_CHECK(cond, ...)                                           \
  do {                                                                \
    if (!(cond)) ::tp::detail::throw_error<::tp::Error>(__VA_ARGS__); \
  } while (0)
// TP_CHECK_AS(Type, cond, parts...) throws the given tp error type.
#define TP_CHECK_AS(type, cond, ...)                           \
  do {                                                         \
    if (!(cond)) ::tp::detail::throw_error<type>(__VA_ARGS__); \
  } while (0)
#define TP_THROW(type, ...) ::tp::detail::throw_error<type>(__VA_ARGS__)
