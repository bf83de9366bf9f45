#!/usr/bin/env python3
"""Markdown table from cut_sitting.sh's JSON lines: per model (CUT_mode), the median over rounds of each run's
median step time and of its peak RSS, and both as a fraction of CycleGAN's.   python3 bench/cut_table.py OUT.jsonl"""
import json
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = {}
for d in rows:
    runs.setdefault(d.get("CUT_mode") or d["model"], []).append(d)
def med(name, field):
    return statistics.median(d[field] for d in runs[name])
base_s, base_mb = med("cycle_gan", "median_s"), med("cycle_gan", "peak_rss_mb")
print("| model | step median s (min of run medians – max) | × CycleGAN time | peak RSS MB | × CycleGAN RSS | GMAC/step | rounds |")
print("|---|---|---|---|---|---|---|")
for name in ["cycle_gan", "CUT", "FastCUT"]:
    if name not in runs:
        continue
    r = runs[name]
    s, mb = med(name, "median_s"), med(name, "peak_rss_mb")
    lo, hi = min(d["median_s"] for d in r), max(d["median_s"] for d in r)
    print("| %s | %.2f (%.2f–%.2f) | %.2f | %.0f | %.2f | %.1f | %d |" % (
        {"cycle_gan": "CycleGAN"}.get(name, name), s, lo, hi, s / base_s, mb, mb / base_mb,
        med(name, "macs_per_iter") / 1e9, len(r)))
