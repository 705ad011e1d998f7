#include "core/c10d_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace tp::c10d_support {

namespace {

int peer_port(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return -1;
  if (peer.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(peer).sin_port);
  if (peer.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(peer).sin6_port);
  return -1;
}

// Whether anything was written to the socket: bytes still in its send queue, or data
// segments it sent.
bool has_sent(int fd) {
  int queued = 0;
  if (::ioctl(fd, SIOCOUTQ, &queued) == 0 && queued > 0) return true;
  tcp_info info{};
  socklen_t len = sizeof info;
  return ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_data_segs_out > 0;
}

// c10d's WatchResponseType::KEY_CALLBACK_REGISTERED: the watch thread takes it as the answer
// to a registration nobody waits for, and goes back to waiting.
constexpr uint8_t kCallbackRegistered = 3;

}  // namespace

std::set<int> WatchConnectionPlug::sockets_to(int port) {
  std::set<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return fds;
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == ::dirfd(dir)) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) == 0 && S_ISSOCK(st.st_mode) && peer_port(static_cast<int>(fd)) == port)
      fds.insert(static_cast<int>(fd));
  }
  ::closedir(dir);
  return fds;
}

WatchConnectionPlug::WatchConnectionPlug(const std::set<int>& before, int port, const std::function<void()>& query) {
  // The client's own connection carries `query`; the watch connection never carries anything.
  // Until the watch connection is retired its thread can abort the process, so `query` must
  // not wait for an answer.
  query();
  std::vector<int> silent;
  int opened = 0;
  for (const int fd : sockets_to(port)) {
    if (before.count(fd)) continue;
    ++opened;
    if (!has_sent(fd)) silent.push_back(fd);
  }
  if (opened != 2 || silent.size() != 1) return;
  const int watch = silent.front();
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return;
  const int real = ::fcntl(watch, F_DUPFD_CLOEXEC, 0);
  if (real < 0 || ::write(pair[1], &kCallbackRegistered, 1) != 1 || ::dup3(pair[0], watch, O_CLOEXEC) < 0) {
    for (const int fd : {pair[0], pair[1], real})
      if (fd >= 0) ::close(fd);
    return;
  }
  ::close(pair[0]);
  // The thread may be waiting on the real socket: shutting it wakes the thread, which then
  // reads the one message from the pair and waits there from then on.
  ::shutdown(real, SHUT_RDWR);
  ::close(real);
  spare_ = pair[1];
}

WatchConnectionPlug::~WatchConnectionPlug() {
  if (spare_ >= 0) ::close(spare_);
}

}  // namespace tp::c10d_support
