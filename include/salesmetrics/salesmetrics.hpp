// salesmetrics/salesmetrics.hpp: the umbrella header for users (never included by the library).
#pragma once
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/execution.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/dataset.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/io/writer.hpp>
#include <salesmetrics/metrics/catalog.hpp>
