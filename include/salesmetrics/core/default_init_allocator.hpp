// salesmetrics/core/default_init_allocator.hpp: vectors whose resize leaves trivial elements uninitialised.
//
// std::vector<T>::resize(n) value-initialises (zero-fills) the new elements: for a per-row output
// column that the next pass writes anyway, that is a whole extra pass over memory, and the pass
// that takes the page faults. With this allocator resize(n) default-initialises instead, so a
// trivially constructible T is left as allocated and the first write is the only one.
// resize(n, value) and assign(n, value) still initialise.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/large_array_allocator.hpp>

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

template <class T, class Base = std::allocator<T>>
class default_init_allocator : public Base {
  using traits = std::allocator_traits<Base>;

 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = default_init_allocator<U, typename traits::template rebind_alloc<U>>;
  };

  default_init_allocator() = default;
  template <class U, class B>
  default_init_allocator(const default_init_allocator<U, B>& other) noexcept : Base(static_cast<const B&>(other)) {}

  /// No arguments: default-initialise (trivial types stay uninitialised).
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    traits::construct(static_cast<Base&>(*this), p, std::forward<Args>(args)...);
  }
};

/// A vector whose resize(n) does not touch the memory (see above): for arrays that whoever
/// sizes them then writes in full, possibly from several threads.
template <class T>
using default_init_vector = std::vector<T, default_init_allocator<T>>;

/// A vector for outputs written from start to end (result columns, per-row outputs): resize(n)
/// does not touch the memory (see above), and from output_huge_bytes (8 MiB) on it is on huge
/// pages, which fault in far faster than 4 KiB ones (large_array_allocator.hpp).
template <class T>
using output_vector = std::vector<T, default_init_allocator<T, large_array_allocator<T, output_huge_bytes, alignof(T)>>>;

SALESMETRICS_END_NAMESPACE
