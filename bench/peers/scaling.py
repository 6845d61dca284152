#!/usr/bin/python3
"""bench/peers/scaling.py: the scaling chart of salesmetrics' Q1-Q5 (standard library only).

    /usr/bin/python3 scaling.py RESULTS_DIR SIZE...      (run.sh scaling calls it)

Reads RESULTS_DIR/<SIZE>/<query>-t1.json (timings of one query, in its own process) and
RESULTS_DIR/<SIZE>/rss-<query>.txt (that process's peak resident memory in KiB, /usr/bin/time),
and writes
  RESULTS_DIR/../scaling.svg   three panels against the number of activities (log scale):
                               median time (log), time per activity (ns, log), peak memory per activity
                               (bytes; values above 150 B drawn on the top edge, labelled)
  RESULTS_DIR/scaling.md       the same numbers as a table.
Linear cost shows as flat lines in the middle panel; memory proportional to the data as flat lines
in the right one. The peak memory includes the mapped input columns (the "data" line: mapped +
converted bytes per activity)."""
import json
import math
import os
import statistics
import sys
from xml.sax.saxutils import escape

root, sizes = sys.argv[1], sys.argv[2:]
QUERIES = ["q1", "q2", "q3", "q4", "q5"]
NAMES = {"q1": "Q1 scorecard", "q2": "Q2 last 60 days", "q3": "Q3 funnel", "q4": "Q4 weighted pipeline", "q5": "Q5 reply time"}
COLORS = {"q1": "#1f77b4", "q2": "#ff7f0e", "q3": "#2ca02c", "q4": "#d62728", "q5": "#9467bd", "data": "#555555"}

points = []  # (n, query, median s, peak KiB, data bytes)
for s in sizes:
    for q in QUERIES:
        jp, rp = os.path.join(root, s, f"{q}-t1.json"), os.path.join(root, s, f"rss-{q}.txt")
        if not os.path.exists(jp):
            continue
        with open(jp) as f:
            d = json.load(f)
        with open(rp) as f:
            peak = int(f.read().split()[-1])
        points.append((d["rows"], q, statistics.median(d["queries"][q]), peak, d["mapped_bytes"] + d["converted_bytes"],
                       d["opportunities"], d["stage_history"], d.get("cpu_over_wall", {}).get(q, float("nan"))))
if not points:
    sys.exit("scaling.py: no results")
ns = sorted({p[0] for p in points})


def series(q, f):
    return [(p[0], f(p)) for p in sorted(points) if p[1] == q]


# ---- table --------------------------------------------------------------------------------------------
with open(os.path.join(root, "scaling.md"), "w") as out:
    out.write("| activities | query | median s | ns per activity | peak RSS MiB | bytes per activity | cpu/wall |\n")
    out.write("|---:|---|---:|---:|---:|---:|---:|\n")
    for p in sorted(points):
        out.write(f"| {p[0]:,} | {NAMES[p[1]]} | {p[2]:.5f} | {p[2] / p[0] * 1e9:.2f} | {p[3] / 1024:.0f} | "
                  f"{p[3] * 1024 / p[0]:.0f} | {p[7]:.2f} |\n")
    data = {p[0]: p[4] for p in points}
    out.write("\nInput columns in memory (mapped + converted): " +
              ", ".join(f"{n:,}: {data[n] / n:.1f} B/activity" for n in ns) + "\n")

# ---- chart --------------------------------------------------------------------------------------------
W, H = 1200, 470
PW, PH = 300, 300
TOP, LEFT0, GAP = 70, 80, 95
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
       'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold">'
       'salesmetrics Q1-Q5 (1 thread) from 1M to ' + f'{ns[-1] / 1e6:.0f}M activities</text>',
       f'<text x="{W / 2}" y="46" text-anchor="middle" fill="#444">each query in its own process; median of the timed runs; '
       'peak RSS from /usr/bin/time (includes the mapped input columns)</text>']
xlo, xhi = math.log10(ns[0]) - 0.08, math.log10(ns[-1]) + 0.08


def panel(idx, title, ylabel, data_by_query, log_y, extra=None, unit="s", clip=None):
    """clip: values above it are drawn on the top edge as triangles, labelled with their value."""
    x0 = LEFT0 + idx * (PW + GAP)
    y0 = TOP
    vals = [v for pts in data_by_query.values() for _, v in pts if v > 0] + ([v for _, v in extra[1]] if extra else [])
    if clip is not None:
        vals = [min(v, clip) for v in vals]
    if log_y:
        lo, hi = math.floor(math.log10(min(vals))), math.ceil(math.log10(max(vals)))
        fy = lambda v: y0 + PH - (math.log10(v) - lo) / (hi - lo) * PH
        ticks = [10 ** e for e in range(lo, hi + 1)]
        tl = (lambda v: (f"{v * 1e3:g} ms" if v < 1 else f"{v:g} s")) if unit == "s" else (lambda v: f"{v:g}")
    else:
        top = max(vals) * 1.1
        step = 10 ** math.floor(math.log10(top / 4))
        for m in (1, 2, 2.5, 5, 10):
            if top / (step * m) <= 6:
                step *= m
                break
        hi = math.ceil(top / step) * step
        fy = lambda v: y0 + PH - v / hi * PH
        ticks = [step * i for i in range(int(round(hi / step)) + 1)]
        tl = lambda v: f"{v:g}"
    fx = lambda n: x0 + (math.log10(n) - xlo) / (xhi - xlo) * PW
    svg.append(f'<text x="{x0 + PW / 2}" y="{y0 - 10}" text-anchor="middle" font-size="14" font-weight="bold">{escape(title)}</text>')
    svg.append(f'<rect x="{x0}" y="{y0}" width="{PW}" height="{PH}" fill="none" stroke="#333"/>')
    for t in ticks:
        y = fy(t)
        svg.append(f'<line x1="{x0}" x2="{x0 + PW}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        svg.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(tl(t))}</text>')
    for n in ns:
        x = fx(n)
        svg.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0}" y2="{y0 + PH}" stroke="#eeeeee"/>')
        svg.append(f'<text x="{x:.1f}" y="{y0 + PH + 16}" text-anchor="middle">{n / 1e6:g}M</text>')
    svg.append(f'<text x="{x0 + PW / 2}" y="{y0 + PH + 36}" text-anchor="middle">activities (log scale)</text>')
    svg.append(f'<text transform="translate({x0 - 58},{y0 + PH / 2}) rotate(-90)" text-anchor="middle">{escape(ylabel)}</text>')
    lines = list(data_by_query.items()) + ([extra] if extra else [])
    for key, pts in lines:
        pts = [(n, v) for n, v in pts if v > 0]
        if not pts:
            continue
        dash = ' stroke-dasharray="6 4"' if key == "data" else ""
        shown = [(n, min(v, clip) if clip is not None else v) for n, v in pts]
        path = " ".join(f"{'M' if i == 0 else 'L'}{fx(n):.1f},{fy(v):.1f}" for i, (n, v) in enumerate(shown))
        svg.append(f'<path d="{path}" fill="none" stroke="{COLORS[key]}" stroke-width="2"{dash}/>')
        for (n, v), (_, c) in zip(pts, shown):
            tip = f'<title>{escape(NAMES.get(key, "input columns"))}: {v:.4g} at {n:,}</title>'
            if clip is not None and v > clip:
                x, y = fx(n), fy(c)
                svg.append(f'<path d="M{x - 6:.1f},{y + 9:.1f} L{x + 6:.1f},{y + 9:.1f} L{x:.1f},{y - 1:.1f} Z" fill="{COLORS[key]}">{tip}</path>')
                svg.append(f'<text x="{x + 9:.1f}" y="{y + 13:.1f}" fill="{COLORS[key]}" font-size="11">{escape(NAMES[key].split()[0])}: {v:.0f} '
                           '(off scale)</text>')
            else:
                svg.append(f'<circle cx="{fx(n):.1f}" cy="{fy(c):.1f}" r="3.5" fill="{COLORS[key]}">{tip}</circle>')
    if log_y and unit == "s":  # a slope-1 guide: time proportional to the activities, through Q1's first point
        q1 = data_by_query.get("q1")
        if q1:
            n1, v1 = q1[0]
            a, b = (ns[0], v1 * ns[0] / n1), (ns[-1], v1 * ns[-1] / n1)
            svg.append(f'<line x1="{fx(a[0]):.1f}" y1="{fy(a[1]):.1f}" x2="{fx(b[0]):.1f}" y2="{fy(b[1]):.1f}" '
                       'stroke="#999" stroke-width="1.5" stroke-dasharray="2 4"/>')
            svg.append(f'<text x="{fx(b[0]) - 4:.1f}" y="{fy(b[1]) - 6:.1f}" text-anchor="end" fill="#777" font-size="11">'
                       'proportional to n</text>')


panel(0, "Median time", "seconds (log scale)", {q: series(q, lambda p: p[2]) for q in QUERIES}, True)
panel(1, "Time per activity", "nanoseconds per activity (log scale)", {q: series(q, lambda p: p[2] / p[0] * 1e9) for q in QUERIES},
      True, unit="ns")
panel(2, "Peak memory per activity", "bytes of peak RSS per activity", {q: series(q, lambda p: p[3] * 1024 / p[0]) for q in QUERIES},
      False, ("data", [(n, data[n] / n) for n in ns]), clip=150)
# legend
lx, ly = LEFT0, TOP + PH + 62
for i, key in enumerate(QUERIES + ["data"]):
    x = lx + i * 175
    dash = ' stroke-dasharray="6 4"' if key == "data" else ""
    svg.append(f'<line x1="{x}" x2="{x + 26}" y1="{ly}" y2="{ly}" stroke="{COLORS[key]}" stroke-width="3"{dash}/>')
    label = NAMES.get(key, "input columns in memory")
    svg.append(f'<text x="{x + 32}" y="{ly + 4}">{escape(label)}</text>')
svg.append("</svg>")
with open(os.path.join(os.path.dirname(os.path.abspath(root)), "scaling.svg"), "w") as f:
    f.write("\n".join(svg) + "\n")
print(open(os.path.join(root, "scaling.md")).read())
