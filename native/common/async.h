// SPDX-License-Identifier: Apache-2.0
// Runs native work off the JS thread and settles a Promise with its result. Slow native entry
// points return these Promises; blocking variants are exported with a `Sync` suffix.
#pragma once

#include <napi.h>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "common/error.h"

namespace prequel {

template <typename Result>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result()>;
  using Done = std::function<Napi::Value(Napi::Env, Result&)>;

  PromiseWorker(Napi::Env env, Work work, Done done)
      : Napi::AsyncWorker(env, "prequel.native"),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        done_(std::move(done)) {}

  // Keeps a JS object (a typed array whose memory the work reads, a handle) alive until the
  // Promise settles.
  void KeepAlive(Napi::Value value) {
    if (value.IsObject()) kept_.push_back(Napi::Persistent(value.As<Napi::Object>()));
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      result_.emplace(work_());
    } catch (const CodedError& e) {
      error_.emplace(e);
    } catch (const std::bad_alloc&) {
      error_.emplace("NATIVE_OUT_OF_MEMORY", "native allocation failed");
    } catch (const std::exception& e) {
      error_.emplace("NATIVE_INTERNAL", e.what());
    } catch (...) {
      error_.emplace("NATIVE_INTERNAL", "native work threw a non-standard exception");
    }
  }

  // Runs on the JS thread once Execute() returned. No exception may leave it: node-addon-api
  // would rethrow it into libuv, which aborts the process. Settling itself throws when the
  // environment can no longer run JS (a worker thread terminated while this work ran, or the
  // process exiting); nothing can await the Promise then, so the result is dropped.
  void OnOK() override {
    Napi::Env env = Env();
    try {
      Napi::HandleScope scope(env);
      Settle(env);
    } catch (...) {
    }
  }

 private:
  void Settle(Napi::Env env) {
    if (error_) {
      deferred_.Reject(ToJsError(env, *error_).Value());
      return;
    }
    try {
      deferred_.Resolve(done_(env, *result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const CodedError& e) {
      deferred_.Reject(ToJsError(env, e).Value());
    } catch (const std::bad_alloc&) {
      deferred_.Reject(
          ToJsError(env, CodedError("NATIVE_OUT_OF_MEMORY", "native allocation failed")).Value());
    } catch (const std::exception& e) {
      deferred_.Reject(ToJsError(env, CodedError("NATIVE_INTERNAL", e.what())).Value());
    }
  }

  Napi::Promise::Deferred deferred_;
  Work work_;
  Done done_;
  std::optional<Result> result_;
  std::optional<CodedError> error_;
  std::vector<Napi::ObjectReference> kept_;
};

// Queues `work` on the libuv pool and returns a Promise resolved with done(env, result).
// `keep` lists JS values whose memory the work touches; they stay alive until it settles.
template <typename Result>
Napi::Promise RunAsync(Napi::Env env, std::function<Result()> work,
                       std::function<Napi::Value(Napi::Env, Result&)> done,
                       std::vector<Napi::Value> keep = {}) {
  auto* worker = new PromiseWorker<Result>(env, std::move(work), std::move(done));
  for (auto& v : keep) worker->KeepAlive(v);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace prequel
