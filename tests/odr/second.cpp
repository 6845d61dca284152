#include <salesmetrics/salesmetrics.hpp>
int salesmetrics_odr_second() { return static_cast<int>(salesmetrics::schema_stages::runtime().size()); }
