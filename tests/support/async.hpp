// Runs a coroutine to completion on an io_context from a plain test body, even while other
// work (a Listener loop) keeps the context busy forever.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace basalt::test {

// Exceptions thrown by the coroutine are rethrown here.
template <typename T>
T run_async(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
    auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
    while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        if (io.stopped()) io.restart();
        io.run_one_for(std::chrono::milliseconds(100));
    }
    return future.get();
}

// Runs the io_context until pred() holds or the timeout passes; returns pred().
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& pred,
                      std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        if (io.stopped()) io.restart();
        io.run_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace basalt::test
