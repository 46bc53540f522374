// SPDX-License-Identifier: Apache-2.0
// Coded errors for the native core. Every code thrown here is also declared in the TypeScript
// error registry (src/errors/); test/native/error-codes.test.ts checks the two agree.
#pragma once

#include <napi.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace prequel {

// An error with a stable code from the registry and a message that names the argument, the
// expectation and the received value.
class CodedError : public std::runtime_error {
 public:
  CodedError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Builds a message from streamable parts: Fail("NATIVE_BAD_ARGUMENT", "dst[", i, "] = ", v).
template <typename... Parts>
[[noreturn]] void Fail(const char* code, const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw CodedError(code, out.str());
}

// Converts a CodedError into a JS Error whose `code` property carries the registry code.
inline Napi::Error ToJsError(Napi::Env env, const CodedError& e) {
  Napi::Error err = Napi::Error::New(env, e.what());
  err.Set("code", Napi::String::New(env, e.code()));
  return err;
}

// Runs `body` and turns native exceptions into coded JS exceptions. Every binding entry point
// goes through here so no C++ exception crosses the N-API boundary untranslated.
template <typename Body>
auto Guard(Napi::Env env, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const CodedError& e) {
    throw ToJsError(env, e);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw ToJsError(env, CodedError("NATIVE_OUT_OF_MEMORY", "native allocation failed"));
  } catch (const std::exception& e) {
    throw ToJsError(env, CodedError("NATIVE_INTERNAL", e.what()));
  }
}

}  // namespace prequel
