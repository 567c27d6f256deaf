// Glue between the listener (server.cpp, Asio only) and the connection sessions (session.cpp,
// the one translation unit that includes Beast). Internal to http/.
#pragma once

#include <atomic>
#include <cstddef>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/detail/pipeline.hpp"

namespace basalt::http::detail {

// What shutdown needs from a live connection. Called on the connection's own I/O thread only.
class Connection {
public:
    virtual ~Connection() = default;
    // Close now if idle between requests; otherwise finish the current request (or send a
    // WebSocket close frame) and close afterwards.
    virtual void drain() = 0;
    // Close the socket now, whatever the state.
    virtual void force_close() = 0;
};

// One I/O thread: its event loop and the connections it owns. Everything but `io` and `live`
// is touched only from this thread, so none of it needs a lock.
struct ThreadState {
    ThreadState(std::size_t i, std::atomic<std::size_t>& live_counter) : index(i), live(live_counter), io(1) {}

    std::size_t index;
    std::atomic<std::size_t>& live;        // connections alive across all threads
    bool draining = false;                 // shutdown began: no more keep-alive
    std::unordered_set<Connection*> connections;
    // Declared last so it is destroyed first: destroying it destroys pending coroutine frames,
    // whose sessions unregister from `connections` above.
    boost::asio::io_context io;
};

// Takes ownership of an accepted socket and serves it on `thread` (call on that thread). The
// caller has already counted it in thread.live; the session uncounts itself when it ends.
void start_connection(boost::asio::ip::tcp::socket socket, ThreadState& thread, Pipeline& pipeline);

}  // namespace basalt::http::detail
