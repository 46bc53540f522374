// SPDX-License-Identifier: Apache-2.0
// The CPU backend's ordered work stream. Small operations run inline on the JS thread when the
// stream is idle (their errors throw at the call); larger ones are queued to one worker thread
// that runs them in submission order, so the JS thread returns at once and only `download` or
// `finish` wait. An error raised by queued work is kept and thrown by the next wait. The worker
// sleeps on a condition variable when idle and is joined when the stream is destroyed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common/error.h"

namespace prequel::compute {

class Stream {
 public:
  // Work touching fewer elements than this runs inline when the stream is idle.
  static constexpr int64_t kInlineElements = 1 << 16;

  Stream() = default;
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Runs or queues `task`; returns its ticket (tickets count up from 1).
  uint64_t Submit(std::function<void()> task, int64_t elements);
  // Blocks until every task up to `ticket` ran; throws the first error a queued task raised.
  void WaitFor(uint64_t ticket);
  // The ticket of the last submitted task.
  uint64_t LastTicket();
  // True when nothing is queued or running.
  bool Idle();
  int64_t Pending();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::deque<std::function<void()>> queue_;
  std::thread worker_;
  uint64_t submitted_ = 0;
  uint64_t completed_ = 0;
  bool stop_ = false;
  std::optional<CodedError> error_;
};

}  // namespace prequel::compute
