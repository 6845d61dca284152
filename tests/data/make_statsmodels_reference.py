#!/usr/bin/python3
"""Reference numbers for tests/runtime/forecast_exponential_smoothing.cpp and friends.

Run with Debian's python3 and python3-statsmodels (0.13.5 when written):
    apt-get install -y python3-statsmodels
    /usr/bin/python3 tests/data/make_statsmodels_reference.py
It writes, next to itself:
  statsmodels_airline.csv, statsmodels_bookings.csv, statsmodels_pipeline.csv  the series
  statsmodels_holtwinters.json   ExponentialSmoothing / SimpleExpSmoothing / Holt fits:
                                 parameters, SSE, AIC/AICc/BIC, fitted values, forecasts,
                                 heuristic initial states
  statsmodels_ets_intervals.json ETSModel (additive errors) analytic prediction intervals at the
                                 Holt-Winters parameters above
  statsmodels_linear_trend.json  OLS trend predictions with t intervals, t and normal quantiles
The C++ tests read only these files: statsmodels is not a dependency of the build.
Settings mirror the C++ defaults: initialization_method='estimated' (or 'heuristic' where the case
says so), statsmodels' default optimizer (SLSQP from a grid start), no Box-Cox, no bias removal.
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import scipy
import scipy.stats
import statsmodels
import statsmodels.api as sm
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing, Holt, SimpleExpSmoothing

HERE = os.path.dirname(os.path.abspath(__file__))

# Box & Jenkins (1976) international airline passengers, thousands, monthly 1949-1960.
AIRLINE = [
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
    115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140,
    145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194,
    196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201,
    204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278,
    284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306,
    315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337,
    360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405,
    417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432,
]
assert len(AIRLINE) == 144 and sum(AIRLINE) == 40363


def bookings_series():
    """60 months of bookings (thousands): linear growth x a fixed seasonal profile + noise."""
    rs = np.random.RandomState(20240601)
    season = np.array([0.82, 0.88, 1.05, 0.98, 1.02, 1.10, 0.93, 0.85, 1.04, 1.08, 1.12, 1.13])
    t = np.arange(60)
    y = (180.0 + 2.5 * t) * season[t % 12] + rs.normal(0.0, 6.0, size=60)
    return np.round(y, 2)


def pipeline_series():
    """40 weeks of open pipeline value: random walk with drift, non-seasonal."""
    rs = np.random.RandomState(7)
    y = 500.0 + np.cumsum(1.5 + rs.normal(0.0, 12.0, size=40))
    return np.round(y, 2)


def write_csv(name, values):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("t,value\n")
        for i, v in enumerate(values):
            f.write(f"{i},{float(v)!r}\n")


def fit_case(name, series_name, y, trend, damped, seasonal, m, init, h):
    y = np.asarray(y, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if init == "heuristic":
            # statsmodels 0.13.5 re-estimates the initial states even with 'heuristic' (its fit()
            # selects them whenever fit() itself is not given initial values). The C++ 'heuristic'
            # keeps the heuristic states fixed, as statsmodels documents; the reference does the
            # same by fixing those states in an 'estimated' model.
            heur = ExponentialSmoothing(y, trend=trend, damped_trend=damped, seasonal=seasonal,
                                        seasonal_periods=m, initialization_method="heuristic")
            fixed = {"initial_level": heur._initial_level}
            if trend:
                fixed["initial_trend"] = heur._initial_trend
            if seasonal:
                for i, v in enumerate(heur._initial_seasonal):
                    fixed[f"initial_seasonal.{i}"] = v
            model = ExponentialSmoothing(y, trend=trend, damped_trend=damped, seasonal=seasonal,
                                         seasonal_periods=m, initialization_method="estimated")
            with model.fix_params(fixed):
                res = model.fit()
            model = heur
        elif trend is None and seasonal is None:
            model = SimpleExpSmoothing(y, initialization_method=init)
            res = model.fit()
        elif seasonal is None:
            model = Holt(y, damped_trend=damped, initialization_method=init)
            res = model.fit()
        else:
            model = ExponentialSmoothing(y, trend=trend, damped_trend=damped, seasonal=seasonal,
                                         seasonal_periods=m, initialization_method=init)
            res = model.fit()
    p = res.params

    def num(x):
        return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)

    out = {
        "name": name,
        "series": series_name,
        "trend": trend or "none",
        "damped": bool(damped),
        "seasonal": seasonal or "none",
        "period": int(m or 0),
        "initialization": init,
        "alpha": num(p["smoothing_level"]),
        "beta": num(p["smoothing_trend"]) if trend else None,
        "gamma": num(p["smoothing_seasonal"]) if seasonal else None,
        "phi": num(p["damping_trend"]) if damped else None,
        "initial_level": float(p["initial_level"]),
        "initial_trend": float(p["initial_trend"]) if trend else None,
        "initial_seasons": [float(v) for v in np.asarray(p["initial_seasons"]).ravel()] if seasonal else [],
        "sse": float(res.sse),
        "aic": float(res.aic),
        "aicc": float(res.aicc),
        "bic": float(res.bic),
        "k": int(res.k),
        "fitted": [float(v) for v in np.asarray(res.fittedvalues)],
        "forecast": [float(v) for v in np.asarray(res.forecast(h))],
    }
    # Final states from statsmodels' result, and forecasts that use the latest seasonal states.
    level, trend_state = float(np.asarray(res.level)[-1]), float(np.asarray(res.trend)[-1]) if trend else 0.0
    phi = float(p["damping_trend"]) if damped else 1.0
    seasons = np.asarray(res.season)[-m:] if seasonal else np.array([])
    corrected = []
    for step in range(1, h + 1):
        base = level + trend_state * (sum(phi ** i for i in range(1, step + 1)) if trend else 0.0)
        if seasonal == "add":
            base += seasons[(step - 1) % m]
        elif seasonal == "mul":
            base *= seasons[(step - 1) % m]
        corrected.append(float(base))
    out["forecast_corrected"] = corrected
    if init == "heuristic":
        # The initial states the heuristic computes (statsmodels keeps them fixed in the fit).
        out["heuristic_initial_level"] = float(model._initial_level)
        out["heuristic_initial_trend"] = float(model._initial_trend) if trend else None
        out["heuristic_initial_seasons"] = (
            [float(v) for v in np.asarray(model._initial_seasonal)] if seasonal else [])
    return out


def ets_smooth(case, y):
    """ETSModel (additive errors) evaluated at the Holt-Winters parameters and states of `case`."""
    trend = None if case["trend"] == "none" else "add"
    seasonal = None if case["seasonal"] == "none" else case["seasonal"]
    m = case["period"] if seasonal else None
    # A pandas Series: statsmodels 0.13.5's get_prediction fails on a bare ndarray.
    model = ETSModel(pd.Series(np.asarray(y, dtype=float)), error="add", trend=trend,
                     damped_trend=case["damped"], seasonal=seasonal, seasonal_periods=m)
    params = [case["alpha"]]
    if trend:
        params.append(case["alpha"] * case["beta"])  # ETS beta = alpha * Holt-Winters beta*
    if seasonal:
        params.append(case["gamma"])
    if case["damped"]:
        params.append(case["phi"])
    params.append(case["initial_level"])
    if trend:
        params.append(case["initial_trend"])
    if seasonal:
        params += list(reversed(case["initial_seasons"]))  # ETSModel orders s_{-1}, ..., s_{-m}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.smooth(np.array(params))
    fitted = np.asarray(res.fittedvalues)
    assert np.allclose(fitted, case["fitted"], rtol=1e-10, atol=1e-8), case["name"]
    return res


def ets_intervals(case, y, h):
    """ETSModel (additive error) analytic intervals at the Holt-Winters parameters of `case`."""
    res = ets_smooth(case, y)
    n = len(y)
    out = {"name": case["name"], "mse": float(res.mse), "levels": {}}
    for level in (0.80, 0.95):
        frame = res.get_prediction(start=n, end=n + h - 1, method="exact").summary_frame(alpha=1 - level)
        out["levels"][f"{level:.2f}"] = {
            "mean": [float(v) for v in frame["mean"]],
            "lower": [float(v) for v in frame["pi_lower"]],
            "upper": [float(v) for v in frame["pi_upper"]],
        }
    return out


def linear_trend_reference(name, y, h):
    y = np.asarray(y, dtype=float)
    n = len(y)
    X = np.column_stack([np.ones(n), np.arange(n, dtype=float)])
    res = sm.OLS(y, X).fit()
    Xf = np.column_stack([np.ones(h), np.arange(n, n + h, dtype=float)])
    out = {"name": name, "series": y.tolist(), "intercept": float(res.params[0]), "slope": float(res.params[1]),
           "sigma": float(np.sqrt(res.scale)), "levels": {}}
    for level in (0.80, 0.95):
        frame = res.get_prediction(Xf).summary_frame(alpha=1 - level)
        out["levels"][f"{level:.2f}"] = {
            "mean": [float(v) for v in frame["mean"]],
            "lower": [float(v) for v in frame["obs_ci_lower"]],
            "upper": [float(v) for v in frame["obs_ci_upper"]],
        }
    return out


def main():
    airline = [float(v) for v in AIRLINE]
    bookings = bookings_series().tolist()
    pipeline = pipeline_series().tolist()
    write_csv("statsmodels_airline.csv", airline)
    write_csv("statsmodels_bookings.csv", bookings)
    write_csv("statsmodels_pipeline.csv", pipeline)
    series = {"airline": airline, "bookings": bookings, "pipeline": pipeline}

    specs = [
        # name, series, trend, damped, seasonal, m, init, h
        ("ses_pipeline", "pipeline", None, False, None, 0, "estimated", 8),
        ("ses_pipeline_heuristic", "pipeline", None, False, None, 0, "heuristic", 8),
        ("holt_pipeline", "pipeline", "add", False, None, 0, "estimated", 8),
        ("holt_damped_pipeline", "pipeline", "add", True, None, 0, "estimated", 8),
        ("holt_pipeline_heuristic", "pipeline", "add", False, None, 0, "heuristic", 8),
        ("hw_add_add_bookings", "bookings", "add", False, "add", 12, "estimated", 24),
        ("hw_add_mul_bookings", "bookings", "add", False, "mul", 12, "estimated", 24),
        ("hw_damped_add_bookings", "bookings", "add", True, "add", 12, "estimated", 24),
        ("hw_none_add_bookings", "bookings", None, False, "add", 12, "estimated", 24),
        ("hw_add_add_bookings_heuristic", "bookings", "add", False, "add", 12, "heuristic", 24),
        ("hw_add_mul_bookings_heuristic", "bookings", "add", False, "mul", 12, "heuristic", 24),
        ("hw_add_add_airline", "airline", "add", False, "add", 12, "estimated", 24),
        ("hw_add_mul_airline", "airline", "add", False, "mul", 12, "estimated", 24),
        ("hw_damped_mul_airline", "airline", "add", True, "mul", 12, "estimated", 24),
        ("hw_none_mul_airline", "airline", None, False, "mul", 12, "estimated", 24),
        ("hw_damped_add_airline_heuristic", "airline", "add", True, "add", 12, "heuristic", 24),
    ]
    cases = [fit_case(name, s, series[s], tr, d, se, m, init, h) for name, s, tr, d, se, m, init, h in specs]
    # statsmodels 0.13.5's HoltWintersResults.forecast uses, at steps h = m, 2m, ..., the seasonal
    # state from before the last observation's update (it overwrites s[n + m - 1] with s[n - 1]).
    # "forecast_corrected" recombines statsmodels' own final states (level, trend, last m seasons)
    # with every step using the latest state of its season; for additive models it must equal
    # ETSModel's forecast at the same parameters, which is asserted here.
    for c in cases:
        if c["seasonal"] != "mul":
            ets = np.asarray(ets_smooth(c, series[c["series"]]).forecast(len(c["forecast"])))
            assert np.allclose(ets, c["forecast_corrected"], rtol=1e-10, atol=1e-8), c["name"]
    meta = {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__}
    with open(os.path.join(HERE, "statsmodels_holtwinters.json"), "w") as f:
        json.dump({"versions": meta, "series": series, "cases": cases}, f, indent=1)

    additive = [c for c in cases if c["seasonal"] != "mul"]
    intervals = [ets_intervals(c, series[c["series"]], len(c["forecast"])) for c in additive]
    with open(os.path.join(HERE, "statsmodels_ets_intervals.json"), "w") as f:
        json.dump({"versions": meta, "cases": intervals}, f, indent=1)

    # SciPy 1.10's t.ppf (cephes stdtrit) is accurate to only ~1e-9 relative, so the reference t
    # quantiles are solved with mpmath at 40 digits (Debian python3-mpmath, installed with
    # python3-statsmodels' dependencies here); SciPy's values are kept as "t_scipy" for the record.
    import mpmath
    mpmath.mp.dps = 40

    def t_upper(t, nu):
        return mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True) / 2

    def t_quantile(p, nu):
        p, nu = mpmath.mpf(p), mpmath.mpf(nu)
        if p == mpmath.mpf(1) / 2:
            return mpmath.mpf(0)
        tail = min(p, 1 - p)
        t0 = mpmath.mpf(abs(scipy.stats.t.ppf(float(tail), float(nu))))
        t = mpmath.findroot(lambda x: t_upper(x, nu) - tail, t0)
        return t if p > mpmath.mpf(1) / 2 else -t

    quantiles = []
    for nu in (1.0, 2.0, 3.0, 5.5, 10.0, 30.0, 200.0):
        for p in (1e-10, 0.001, 0.025, 0.1, 0.4, 0.5, 0.75, 0.975, 0.999):
            cdf = 1 - t_upper(mpmath.mpf(1.5), mpmath.mpf(nu))
            quantiles.append({"nu": nu, "p": p, "t": float(t_quantile(p, nu)),
                              "t_scipy": float(scipy.stats.t.ppf(p, nu)), "cdf_at_1_5": float(cdf)})
    normal = [{"p": p, "z": float(-mpmath.sqrt(2) * mpmath.erfinv(1 - 2 * mpmath.mpf(p)))
               if p > 1e-100 else float(scipy.stats.norm.ppf(p))}
              for p in (1e-300, 1e-20, 1e-8, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.8, 0.975, 0.999999)]
    trends = [linear_trend_reference("pipeline", pipeline, 6),
              linear_trend_reference("bookings_first_24", bookings[:24], 6),
              linear_trend_reference("tiny", [3.0, 5.0, 4.0, 8.0], 3)]
    with open(os.path.join(HERE, "statsmodels_linear_trend.json"), "w") as f:
        json.dump({"versions": meta, "trends": trends, "student_t": quantiles, "normal": normal}, f, indent=1)


if __name__ == "__main__":
    main()
