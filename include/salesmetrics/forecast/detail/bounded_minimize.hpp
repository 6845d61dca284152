// salesmetrics/forecast/detail/bounded_minimize.hpp: box-constrained quasi-Newton minimiser.
//
// Minimises a smooth f(x) subject to lb <= x <= ub (bounds may be infinite) by a projected BFGS
// method (Bertsekas 1982, "Projected Newton methods for optimization problems with simple
// constraints"): variables at a bound whose gradient pushes outwards are held (active set); the
// others move along -H g with H the inverse-Hessian BFGS approximation restricted to them; steps
// are projected on the box and accepted by an Armijo backtracking test along the projection arc.
// Gradients are central finite differences (one-sided at a bound). The problem is scaled by a
// `typical` magnitude per variable, so that H starts as a sensible diagonal. When progress stalls
// the method restarts once from H = I; it stops when the projected gradient, the step or the
// relative decrease of f falls below the tolerances. f may return +inf (or NaN) for points where
// it is undefined: such trial steps are rejected and shortened.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace forecast::detail {

struct minimize_options {
  std::size_t max_iterations = 500;
  double f_tolerance = 1e-14;   // relative decrease per iteration
  double g_tolerance = 1e-10;   // projected gradient (scaled variables), relative to 1 + |f|
  double x_tolerance = 1e-12;   // step in scaled variables
};

struct minimize_result {
  std::vector<double> x;
  double f = std::numeric_limits<double>::infinity();
  std::size_t iterations = 0;
  std::size_t evaluations = 0;
  bool converged = false;
};

template <class F>
minimize_result bounded_minimize(F&& f, std::vector<double> x0, const std::vector<double>& lb,
                                 const std::vector<double>& ub, const std::vector<double>& typical,
                                 const minimize_options& opt = {}) {
  const std::size_t n = x0.size();
  minimize_result res;
  // Scaled variables z = x / typical.
  std::vector<double> zl(n), zu(n), z(n), x(n);
  for (std::size_t i = 0; i < n; ++i) {
    zl[i] = lb[i] / typical[i];
    zu[i] = ub[i] / typical[i];
    z[i] = std::clamp(x0[i] / typical[i], zl[i], zu[i]);
  }
  const auto eval = [&](const std::vector<double>& zz) {
    for (std::size_t i = 0; i < n; ++i) x[i] = zz[i] * typical[i];
    ++res.evaluations;
    const double v = f(x);
    return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
  };
  std::vector<double> zt(n);
  const auto gradient = [&](const std::vector<double>& zz, double fz, std::vector<double>& g) {
    zt = zz;
    for (std::size_t i = 0; i < n; ++i) {
      const double h = 1e-6 * std::max(1.0, std::fabs(zz[i]));
      const bool up_ok = zz[i] + h <= zu[i], down_ok = zz[i] - h >= zl[i];
      double fp = std::numeric_limits<double>::infinity(), fm = fp;
      if (up_ok) { zt[i] = zz[i] + h; fp = eval(zt); }
      if (down_ok) { zt[i] = zz[i] - h; fm = eval(zt); }
      zt[i] = zz[i];
      if (std::isfinite(fp) && std::isfinite(fm)) g[i] = (fp - fm) / (2 * h);
      else if (std::isfinite(fp)) g[i] = (fp - fz) / h;
      else if (std::isfinite(fm)) g[i] = (fz - fm) / h;
      else g[i] = 0.0;
    }
  };

  double fz = eval(z);
  std::vector<double> g(n), gn(n), d(n), zn(n), s(n), yv(n), Hy(n);
  std::vector<double> H(n * n, 0.0);
  const auto reset = [&] {
    std::fill(H.begin(), H.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) H[i * n + i] = 1.0;
  };
  reset();
  if (!std::isfinite(fz)) {
    res.x = x0;
    res.f = fz;
    return res;
  }
  gradient(z, fz, g);
  std::vector<char> active(n);
  int restarts_left = 1, small_steps = 0;
  for (res.iterations = 0; res.iterations < opt.max_iterations; ++res.iterations) {
    // Projected gradient test.
    double pg = 0.0;
    for (std::size_t i = 0; i < n; ++i) pg = std::max(pg, std::fabs(std::clamp(z[i] - g[i], zl[i], zu[i]) - z[i]));
    if (pg <= opt.g_tolerance * (1.0 + std::fabs(fz))) {
      res.converged = true;
      break;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double eps_b = 1e-12 * std::max(1.0, std::fabs(z[i]));
      active[i] = (z[i] <= zl[i] + eps_b && g[i] > 0) || (z[i] >= zu[i] - eps_b && g[i] < 0);
    }
    double gd = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      d[i] = 0.0;
      if (active[i]) continue;
      for (std::size_t j = 0; j < n; ++j)
        if (!active[j]) d[i] -= H[i * n + j] * g[j];
      gd += g[i] * d[i];
    }
    if (!(gd < 0.0)) {  // not a descent direction: steepest descent from a fresh H
      reset();
      gd = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        d[i] = active[i] ? 0.0 : -g[i];
        gd += g[i] * d[i];
      }
      if (!(gd < 0.0)) { res.converged = true; break; }
    }
    double dmax = 0.0;
    for (double v : d) dmax = std::max(dmax, std::fabs(v));
    double t = res.iterations == 0 ? std::min(1.0, 0.1 / dmax) : 1.0;
    double fn = std::numeric_limits<double>::infinity();
    bool accepted = false;
    for (int ls = 0; ls < 60; ++ls) {
      double decrease = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        zn[i] = std::clamp(z[i] + t * d[i], zl[i], zu[i]);
        decrease += g[i] * (zn[i] - z[i]);
      }
      fn = eval(zn);
      if (std::isfinite(fn) && fn <= fz + 1e-4 * decrease) { accepted = true; break; }
      t *= 0.5;
    }
    if (!accepted) {
      if (restarts_left-- > 0) { reset(); continue; }
      res.converged = true;  // no further decrease is possible at this resolution
      break;
    }
    double step = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      s[i] = zn[i] - z[i];
      step = std::max(step, std::fabs(s[i]));
    }
    gradient(zn, fn, gn);
    const double rel = (fz - fn) / std::max(std::fabs(fz), 1e-300);
    for (std::size_t i = 0; i < n; ++i) yv[i] = gn[i] - g[i];
    double sy = 0.0, yy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      sy += s[i] * yv[i];
      yy += yv[i] * yv[i];
    }
    if (sy > 1e-12 * std::sqrt(yy) * step) {
      if (res.iterations == 0) {  // Shanno-Phua scaling of the initial matrix
        reset();
        for (std::size_t i = 0; i < n; ++i) H[i * n + i] = sy / yy;
      }
      const double rho = 1.0 / sy;
      for (std::size_t i = 0; i < n; ++i) {
        Hy[i] = 0.0;
        for (std::size_t j = 0; j < n; ++j) Hy[i] += H[i * n + j] * yv[j];
      }
      double yHy = 0.0;
      for (std::size_t i = 0; i < n; ++i) yHy += yv[i] * Hy[i];
      // H <- H - rho (Hy s' + s y'H) + (rho^2 y'Hy + rho) s s'
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
    z.swap(zn);
    g.swap(gn);
    fz = fn;
    if (rel <= opt.f_tolerance || step <= opt.x_tolerance) {
      if (++small_steps >= 3) {
        if (restarts_left-- > 0) {
          reset();
          small_steps = 0;
          continue;
        }
        res.converged = true;
        break;
      }
    } else {
      small_steps = 0;
    }
  }
  res.x.resize(n);
  for (std::size_t i = 0; i < n; ++i) res.x[i] = z[i] * typical[i];
  res.f = fz;
  return res;
}

}  // namespace forecast::detail
SALESMETRICS_END_NAMESPACE
