// salesmetrics/metrics/catalog.hpp: the metric engine with its whole catalog.
#pragma once
#include <salesmetrics/metrics/activity_metrics.hpp>
#include <salesmetrics/metrics/evaluate.hpp>
#include <salesmetrics/metrics/lead_metrics.hpp>
#include <salesmetrics/metrics/opportunity_metrics.hpp>
#include <salesmetrics/metrics/sales_ops_metrics.hpp>
#include <salesmetrics/metrics/where.hpp>
