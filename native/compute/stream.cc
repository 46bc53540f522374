// SPDX-License-Identifier: Apache-2.0
// The ordered work stream of the CPU backend (see stream.h).
#include "compute/stream.h"

#include <exception>
#include <new>

namespace prequel::compute {

Stream::~Stream() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

uint64_t Stream::Submit(std::function<void()> task, int64_t elements) {
  std::unique_lock<std::mutex> lock(mu_);
  bool idle = queue_.empty() && completed_ == submitted_;
  if (idle && elements < kInlineElements) {
    // Only the JS thread submits, so the stream stays idle while this runs.
    uint64_t ticket = ++submitted_;
    lock.unlock();
    try {
      task();
    } catch (...) {
      lock.lock();
      ++completed_;
      throw;
    }
    lock.lock();
    ++completed_;
    return ticket;
  }
  queue_.push_back(std::move(task));
  uint64_t ticket = ++submitted_;
  if (!worker_.joinable()) worker_ = std::thread([this] { Loop(); });
  lock.unlock();
  wake_.notify_one();
  return ticket;
}

void Stream::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    std::optional<CodedError> failure;
    try {
      task();
    } catch (const CodedError& e) {
      failure.emplace(e);
    } catch (const std::bad_alloc&) {
      failure.emplace("NATIVE_OUT_OF_MEMORY", "native allocation failed");
    } catch (const std::exception& e) {
      failure.emplace("NATIVE_INTERNAL", e.what());
    }
    task = nullptr;  // drop the buffers it held before reporting completion
    lock.lock();
    if (failure && !error_) error_ = std::move(failure);
    ++completed_;
    done_.notify_all();
  }
}

void Stream::WaitFor(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return completed_ >= ticket || stop_; });
  if (error_) {
    CodedError e = std::move(*error_);
    error_.reset();
    throw e;
  }
}

uint64_t Stream::LastTicket() {
  std::lock_guard<std::mutex> lock(mu_);
  return submitted_;
}

bool Stream::Idle() {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.empty() && completed_ == submitted_;
}

int64_t Stream::Pending() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(submitted_ - completed_);
}

}  // namespace prequel::compute
