#!/usr/bin/python3
"""bench/peers/check.py: do all engines give the same Q1-Q5 results?

    /usr/bin/python3 check.py RESULTS_DIR [REFERENCE=salesmetrics-t1]

Every directory RESULTS_DIR/<engine>-t<threads>/ holds the result files q1.csv, q2.csv,
q3_transitions.csv, q3_reached.csv, q4.csv and q5.csv. Each is compared with the reference's:
the same columns in the same order, the same number of rows, and row by row
  - integer columns (group keys and counts) exactly equal;
  - float columns (FLOATS below) within 1e-9 relative (|a - b| <= 1e-9 * max(|a|, |b|, 1));
  - NULL (an empty field) only where the reference has NULL.
The reference's q4_weighted_pipeline.csv (salesmetrics only) holds the library's
weighted_pipeline, which rounds every deal's weighted amount to the cent; it must lie within half a
cent per deal of the exact weighted amount, and its largest deviation is reported.
Prints one line per file and a verdict; exit status 1 on any mismatch. Standard library only."""
import csv
import math
import os
import sys

FILES = ["q1.csv", "q2.csv", "q3_transitions.csv", "q3_reached.csv", "q4.csv", "q5.csv"]
FLOATS = {"sum_duration", "ratio", "sum_amount", "weighted_amount", "reply_rate", "mean_delay_s"}
REL = 1e-9


def read(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    return rows[0], rows[1:]


def as_int(text):
    """An integer field; engines may print an integral float ("9493.0")."""
    try:
        return int(text)
    except ValueError:
        v = float(text)
        if not v.is_integer():
            raise ValueError(f"{text!r} is not an integer")
        return int(v)


def compare(ref_path, got_path):
    """(None, worst relative float difference) when equal, else (message, None)."""
    ref_head, ref = read(ref_path)
    got_head, got = read(got_path)
    if ref_head != got_head:
        return f"columns {got_head} differ from the reference's {ref_head}", None
    if len(ref) != len(got):
        return f"{len(got)} rows, the reference has {len(ref)}", None
    worst = 0.0
    for i, (a, b) in enumerate(zip(ref, got)):
        if len(a) != len(b):
            return f"row {i}: {len(b)} fields, the reference has {len(a)}", None
        for name, x, y in zip(ref_head, a, b):
            if x == "" or y == "":
                if x != y:
                    return f"row {i} column {name}: {y!r}, the reference has {x!r} (NULL differs)", None
                continue
            try:
                if name in FLOATS:
                    fx, fy = float(x), float(y)
                    if math.isnan(fx) or math.isnan(fy):
                        return f"row {i} column {name}: NaN printed ({y!r} vs {x!r})", None
                    d = abs(fx - fy) / max(abs(fx), abs(fy), 1.0)
                    worst = max(worst, d)
                    if d > REL:
                        return f"row {i} column {name}: {y}, the reference has {x} (relative difference {d:.3g})", None
                elif as_int(x) != as_int(y):
                    return f"row {i} column {name}: {y}, the reference has {x}", None
            except ValueError as e:
                return f"row {i} column {name}: {e}", None
    return None, worst


def check_rounded_pipeline(path):
    head, rows = read(path)
    col = {n: k for k, n in enumerate(head)}
    worst_cents, ok = 0.0, True
    for r in rows:
        n, rounded, exact = as_int(r[col["n"]]), float(r[col["weighted_pipeline"]]), float(r[col["weighted_amount"]])
        dev = abs(rounded - exact) * 100
        worst_cents = max(worst_cents, dev)
        ok = ok and dev <= 0.5 * n + 1e-6
    return ok, worst_cents, len(rows)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    ref = sys.argv[2] if len(sys.argv) > 2 else "salesmetrics-t1"
    runs = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and d != ref)
    ok = True
    for fname in FILES:
        if not os.path.exists(os.path.join(root, ref, fname)):
            print(f"MISSING reference {ref}/{fname}")
            ok = False
    for run in runs:
        for fname in FILES:
            got = os.path.join(root, run, fname)
            if not os.path.exists(got):
                print(f"MISSING {run}/{fname}")
                ok = False
                continue
            if not os.path.exists(os.path.join(root, ref, fname)):
                continue
            err, worst = compare(os.path.join(root, ref, fname), got)
            if err:
                print(f"FAIL    {run}/{fname}: {err}")
                ok = False
            else:
                rows = len(read(got)[1])
                print(f"ok      {run}/{fname}: {rows} rows equal to {ref}; largest relative float difference {worst:.2g}")
    wp = os.path.join(root, ref, "q4_weighted_pipeline.csv")
    if os.path.exists(wp):
        good, worst_cents, months = check_rounded_pipeline(wp)
        print(f"{'ok     ' if good else 'FAIL   '} {ref}/q4_weighted_pipeline.csv: the library's weighted_pipeline (each deal rounded "
              f"to the cent) is within {worst_cents:.2f} cents of the exact weighted amount over {months} months "
              f"(bound: half a cent per deal)")
        ok = ok and good
    print("ALL ENGINES AGREE" if ok else "MISMATCHES FOUND")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
