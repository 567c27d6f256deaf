// Pool::Transaction: an explicit multi-statement transaction on one leased connection.
// Dropping it without commit/rollback rolls back in a detached coroutine before the
// connection goes back to the pool (a destructor cannot co_await).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "db/detail/execute.hpp"
#include "db/detail/pool_impl.hpp"

namespace basalt::db::detail {
namespace {

Awaitable<void> rollback_and_release(Lease lease, std::chrono::milliseconds timeout) {
    try {
        co_await end_transaction(*lease, "ROLLBACK", true, timeout);
    } catch (...) {
        lease->mark_broken();  // state unknown: the pool closes it instead of reusing it
    }
}

class TransactionImpl final : public Pool::Transaction {
public:
    TransactionImpl(Pool::Impl& pool, Lease lease, bool authenticated)
        : timeout_(pool.op_timeout()), lease_(std::move(lease)), authenticated_(authenticated) {}

    ~TransactionImpl() override {
        if (!lease_) return;
        auto ex = lease_.shard()->executor();
        boost::asio::co_spawn(ex, rollback_and_release(std::move(lease_), timeout_),
                              boost::asio::detached);
    }

    Awaitable<Rows> query(std::string_view sql, Params params) override {
        check_usable();
        try {
            co_return co_await run_statement(*lease_, sql, params, authenticated_,
                                             /*in_transaction=*/true, timeout_);
        } catch (...) {
            failed_ = true;  // PostgreSQL now rejects everything until ROLLBACK
            throw;
        }
    }

    Awaitable<void> commit() override {
        check_usable();
        if (failed_) {
            co_await finish("ROLLBACK");
            Error e = Error::internal_error("commit after a failed statement");
            e.code = "25P02";
            e.message = "current transaction is aborted; it was rolled back";
            throw ErrorException(std::move(e));
        }
        co_await finish("COMMIT");
    }

    Awaitable<void> rollback() override {
        check_usable();
        co_await finish("ROLLBACK");
    }

private:
    void check_usable() const {
        if (!lease_) {
            throw ErrorException(Error::internal_error("transaction used after commit/rollback"));
        }
    }

    // The connection goes back to the pool as soon as the transaction ends, whatever happens.
    Awaitable<void> finish(std::string_view command) {
        Lease lease = std::move(lease_);
        co_await end_transaction(*lease, command, authenticated_, timeout_);
    }

    std::chrono::milliseconds timeout_;
    Lease lease_;
    bool authenticated_;
    bool failed_ = false;
};

}  // namespace

std::unique_ptr<Pool::Transaction> make_transaction(Pool::Impl& pool, Lease lease,
                                                    bool authenticated) {
    return std::make_unique<TransactionImpl>(pool, std::move(lease), authenticated);
}

}  // namespace basalt::db::detail
