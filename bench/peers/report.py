#!/usr/bin/python3
"""bench/peers/report.py: the markdown report of one run of bench/peers/run.sh.

    /usr/bin/python3 report.py RESULTS_DIR DATA_DIR > RESULTS_DIR/report.md

Reads RESULTS_DIR/<engine>-t<threads>.json (timings), bandwidth.json, machine.txt, rss-*.txt
(peak resident memory of each engine process, from /usr/bin/time) and check.txt, and
DATA_DIR/meta.json (what the exporter generated). Ratios are engine median / salesmetrics median
at the same thread count (pandas: against salesmetrics on 1 thread). "share of bandwidth" is
(bytes of the touched columns / query time) / measured read bandwidth at the same thread count."""
import glob
import json
import os
import re
import statistics
import sys

root, data_dir = sys.argv[1], sys.argv[2]
runs = {}
for path in sorted(glob.glob(os.path.join(root, "*-t*.json"))):
    with open(path) as f:
        d = json.load(f)
    runs[(d["engine"], int(d["threads"]))] = d
with open(os.path.join(root, "bandwidth.json")) as f:
    bw = json.load(f)
with open(os.path.join(data_dir, "meta.json")) as f:
    meta = json.load(f)
machine = open(os.path.join(root, "machine.txt")).read().strip() if os.path.exists(os.path.join(root, "machine.txt")) else ""
check = open(os.path.join(root, "check.txt")).read().strip().splitlines() if os.path.exists(os.path.join(root, "check.txt")) else []
rss = {}
for path in glob.glob(os.path.join(root, "rss-*.txt")):
    with open(path) as f:
        txt = f.read().split()
    if txt:
        rss[os.path.basename(path)[4:-4]] = int(txt[-1])  # KiB

ORDER = ["salesmetrics", "cpp", "duckdb", "polars", "polars-streaming", "pandas"]
LABEL = {"salesmetrics": "salesmetrics", "cpp": "plain C++ loop (../shared/peers)", "duckdb": "DuckDB", "polars": "Polars (default engine)",
         "polars-streaming": "Polars (streaming engine)", "pandas": "pandas"}
QNAME = {"q1": "Q1 per-rep scorecard", "q2": "Q2 last 60 days", "q3": "Q3 funnel", "q4": "Q4 weighted pipeline",
         "q5": "Q5 reply time"}
keys = sorted(runs, key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[1]))
n = meta["activities"]
# Bytes of the activity columns Q1 and Q2 read (whole columns):
# Q1 ts 8 + type 1 + direction 1 + rep_id 4 + duration_min 4; Q2 ts 8 + type 1 + direction 1 + rep_id 4 + contact_id 4.
TOUCHED = {"q1": 18 * n, "q2": 18 * n}


def med(k, q):
    t = runs.get(k, {}).get("queries", {}).get(q)
    return statistics.median(t) if t else None


def ref_of(k):
    sm = ("salesmetrics", k[1]) if ("salesmetrics", k[1]) in runs else ("salesmetrics", 1)
    return sm


def fmt_s(x):
    return f"{x:.4f}" if x >= 0.01 else f"{x:.5f}" if x >= 0.001 else f"{x:.6f}"


def ratio(x):
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


print(f"# salesmetrics vs DuckDB, Polars and pandas: {n:,} activities\n")
print(f"Data: `salesmetrics::synthetic::generate(config::for_activities({n}))`, seed {meta['seed']}: {n:,} activities, "
      f"{meta['opportunities']:,} opportunities, {meta['stage_history']:,} stage_history rows, {meta['reps']:,} reps, "
      f"{meta['contacts']:,} contacts. Exported by `export.cpp` in {meta['generate_s'] + meta['bin_s'] + meta['csv_s']:.1f} s.\n")
print("Machine (shared with other jobs while measuring):\n")
print("```\n" + machine + "\n```\n")
print(f"Memory read bandwidth in this run (`bandwidth.cpp`, {bw['bytes'] / 2**30:.0f} GiB array summed, median of 7): "
      f"1 thread {bw['t1']['median_GBps']:.1f} GB/s (best {bw['t1']['best_GBps']:.1f}), "
      f"2 threads {bw['t2']['median_GBps']:.1f} GB/s (best {bw['t2']['best_GBps']:.1f}).\n")

print("## Ratio table (engine median / salesmetrics median, same thread count)\n")
print("| engine | threads | Q1 | Q2 | Q3 | Q4 | Q5 |")
print("|---|---:|---:|---:|---:|---:|---:|")
for k in keys:
    cells = []
    for q in QNAME:
        m, r = med(k, q), med(ref_of(k), q)
        if k[0] == "salesmetrics":
            cells.append(f"{fmt_s(m)} s" if m is not None else "")
        else:
            cells.append(ratio(m / r) if m is not None and r else "")
    print(f"| {LABEL.get(k[0], k[0])} | {k[1]} | " + " | ".join(cells) + " |")
print("\nThe salesmetrics rows give its median time in seconds; every other cell is how many times longer the engine "
      "took than salesmetrics with the same number of threads (pandas and the plain C++ loop: 1 thread; a plain-loop cell below 1 means the loop was faster, and 0.83 or more meets the within-1.2x target).\n")


def cpu_per_run(k, q):
    d = runs.get(k, {})
    t, cw = d.get("queries", {}).get(q), d.get("cpu_over_wall", {}).get(q)
    return statistics.mean(t) * cw if t and cw is not None else None


print("### The same on 1 thread, by cpu time\n")
print("Wall time suffers when the shared machine gives a process less than a core (cpu/wall < 1 below). On one thread "
      "the process cpu time per run (mean wall time x cpu/wall) is less sensitive to that; ratios of cpu time:\n")
print("| engine | Q1 | Q2 | Q3 | Q4 | Q5 |")
print("|---|---:|---:|---:|---:|---:|")
for k in keys:
    if k[1] != 1:
        continue
    cells = []
    for q in QNAME:
        c, r = cpu_per_run(k, q), cpu_per_run(("salesmetrics", 1), q)
        if k[0] == "salesmetrics":
            cells.append(f"{fmt_s(c)} s" if c is not None else "")
        else:
            cells.append(ratio(c / r) if c is not None and r else "")
    print(f"| {LABEL.get(k[0], k[0])} | " + " | ".join(cells) + " |")
print("\n(Background threads of an engine, if any, count in its cpu time.)\n")

print("## All timings\n")
print("Each engine loads the data once (timed apart, below), then runs every query once as warm-up and "
      f"{len(next(iter(runs.values()))['queries']['q1'])} timed runs; median and min-max of those runs. cpu/wall is the "
      "process's cpu time over wall time during the timed runs: below 1 on one thread means the process waited for a core "
      "(the machine was shared).\n")
print("| query | engine | threads | median s | min-max s | x salesmetrics | cpu/wall |")
print("|---|---|---:|---:|---:|---:|---:|")
for q, qn in QNAME.items():
    first = True
    for k in keys:
        t = runs[k]["queries"].get(q)
        if not t:
            continue
        m, r = statistics.median(t), med(ref_of(k), q)
        cw = runs[k].get("cpu_over_wall", {}).get(q)
        print(f"| {qn if first else ''} | {LABEL.get(k[0], k[0])} | {k[1]} | {fmt_s(m)} | {fmt_s(min(t))}-{fmt_s(max(t))} | "
              f"{ratio(m / r) if r else ''} | {f'{cw:.2f}' if cw is not None else ''} |")
        first = False
print()

print("## salesmetrics against the memory bandwidth (Q1, Q2)\n")
print("Touched bytes = whole columns read: Q1 ts, type, direction, rep_id, duration_min; Q2 ts, type, direction, rep_id, "
      f"contact_id: 18 B per activity = {TOUCHED['q1'] / 1e6:.0f} MB. Achieved = bytes / median time.\n")
# The last-level cache as machine.txt reports it ("L3 cache: 32 MiB (1 instance)"); 0 when absent.
l3 = re.search(r"L3 cache: *([0-9.]+) *([KMG])i?B", machine)
l3_bytes = float(l3.group(1)) * {"K": 2**10, "M": 2**20, "G": 2**30}[l3.group(2)] if l3 else 0
if TOUCHED["q1"] < 2 * l3_bytes:
    print(f"At this size the touched columns may stay in the last-level cache ({l3.group(1)} {l3.group(2)}iB reported), "
          "so a share above 1 is possible and the comparison with DRAM bandwidth means little.\n")
print("| query | threads | median s | achieved GB/s | bandwidth GB/s | share of bandwidth | x bandwidth-bound time |")
print("|---|---:|---:|---:|---:|---:|---:|")
for q in ("q1", "q2"):
    for th in (1, 2):
        m = med(("salesmetrics", th), q)
        if m is None:
            continue
        b = bw["t1" if th == 1 else "t2"]["median_GBps"]
        got = TOUCHED[q] / m / 1e9
        print(f"| {q.upper()} | {th} | {fmt_s(m)} | {got:.1f} | {b:.1f} | {got / b:.2f} | {b / got:.2f} |")
print()

print("## Load and memory\n")
print("| engine | load s | how | peak RSS of the process |")
print("|---|---:|---|---:|")
seen = set()
for k in keys:
    d = runs[k]
    tag = f"{k[0]}-t{k[1]}"
    if (k[0], d["load_s"]) in seen:  # one process ran several thread counts
        continue
    seen.add((k[0], d["load_s"]))
    extra = f" + validate {d['validate_s']:.2f} s" if "validate_s" in d else ""
    r = rss.get(tag) or rss.get(k[0])
    threads = ",".join(str(t) for (e, t) in keys if e == k[0] and runs[(e, t)]["load_s"] == d["load_s"])
    print(f"| {LABEL.get(k[0], k[0])} t{threads} ({d.get('version', '')}) | {d['load_s']:.2f}{extra} | {d['load_note']} | "
          f"{f'{r / 1024:.0f} MiB' if r else ''} |")
sm_runs = [runs[k] for k in keys if k[0] == "salesmetrics" and "mapped_bytes" in runs[k]]
sm_rss = rss.get("salesmetrics")
if sm_runs and sm_rss:
    cols = sm_runs[0]["mapped_bytes"] + sm_runs[0]["converted_bytes"]
    print(f"\nsalesmetrics peak memory against the bytes of the columns it loaded ({cols / 1e6:.0f} MB: "
          f"{sm_runs[0]['mapped_bytes'] / 1e6:.0f} MB mapped, {sm_runs[0]['converted_bytes'] / 1e6:.0f} MB converted): "
          f"**{sm_rss * 1024 / cols:.2f}x** (target: at most 1.2x).")
print("\nDuckDB runs both thread counts in one process (one load); Polars reloads the CSV in each process "
      "(POLARS_MAX_THREADS is read at start); salesmetrics maps the binary columns, the others parse the CSV.\n")

print("## Agreement\n")
print("`check.py` compares every engine's result files with salesmetrics on 1 thread (counts exact, floats within "
      "1e-9 relative):\n")
print("```")
for line in check:
    print(line)
print("```")
