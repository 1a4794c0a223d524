// A fixed set of database connections, each lent to one thread at a time.
// Shared by both backends; `Connection` is constructed from the database's
// location (a SQLite path or a PostgreSQL URI).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace server {

template <class Connection>
class connection_pool {
 public:
  connection_pool(const std::string& location, size_t size) {
    for (size_t i = 0; i < size; ++i) idle_.push_back(std::make_unique<Connection>(location));
  }

  class lease {
   public:
    lease(connection_pool& owner, std::unique_ptr<Connection> conn) noexcept : owner_(&owner), conn_(std::move(conn)) {}
    lease(lease&&) noexcept = default;
    lease& operator=(lease&&) = delete;
    lease(const lease&) = delete;
    ~lease() {
      if (!conn_) return;  // moved from
      {
        const std::lock_guard<std::mutex> lock(owner_->mutex_);
        owner_->idle_.push_back(std::move(conn_));
      }
      owner_->returned_.notify_one();
    }
    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_.get(); }

   private:
    connection_pool* owner_;
    std::unique_ptr<Connection> conn_;
  };

  // Waits until a connection is free.
  lease acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    returned_.wait(lock, [&] { return !idle_.empty(); });
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return lease(*this, std::move(conn));
  }

 private:
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace server
