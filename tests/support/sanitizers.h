// Whether this test was built with AddressSanitizer: its allocator does not fill mallinfo2, and
// its shadow memory makes a process's resident set no measure of aec's own.
#pragma once

namespace aec::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

} // namespace aec::test
