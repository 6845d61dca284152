// salesmetrics/core/config.hpp: version and the versioned inline namespace.
//
// Every public name lives in salesmetrics::v0 (reachable as salesmetrics::). Two different
// versions of the library in one program then get different mangled names instead of silently
// mixing layouts (nlohmann/json#3588 is the cautionary tale).
#pragma once

#define SALESMETRICS_VERSION_MAJOR 0
#define SALESMETRICS_VERSION_MINOR 1
#define SALESMETRICS_VERSION_PATCH 0

#define SALESMETRICS_BEGIN_NAMESPACE namespace salesmetrics { inline namespace v0 {
#define SALESMETRICS_END_NAMESPACE } }

// A function the hot per-row loops call, which must be inlined into them: GCC otherwise keeps
// some such small functions out of line (a call per row).
#if defined(__GNUC__)
#define SALESMETRICS_HOT_INLINE [[gnu::always_inline]]
#else
#define SALESMETRICS_HOT_INLINE
#endif
