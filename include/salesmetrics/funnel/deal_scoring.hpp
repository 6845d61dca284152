// salesmetrics/funnel/deal_scoring.hpp: deal win-probability scoring (groups the three parts).
//
// naive_bayes_scorer.hpp  Odoo-style naive Bayes over categorical fields and the stage
// logistic_scorer.hpp     L2-penalised logistic regression (IRLS) on numeric + one-hot features
// score_evaluation.hpp    log-loss, Brier score, AUC, calibration table
// Each part states its exact definitions; this header only includes them.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/funnel/logistic_scorer.hpp>
#include <salesmetrics/funnel/naive_bayes_scorer.hpp>
#include <salesmetrics/funnel/score_evaluation.hpp>
