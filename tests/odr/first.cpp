// Two translation units include the umbrella header; linking them together catches
// non-inline definitions in headers (ODR), as Hana's issue #75 test does.
#include <salesmetrics/salesmetrics.hpp>
int salesmetrics_odr_first() { return static_cast<int>(salesmetrics::maven_stages::runtime().size()); }
