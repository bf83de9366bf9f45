#!/usr/bin/env python3
"""Markdown table from sitting.sh's JSON lines. One row per C# variant (configuration, precision, kernels) with the
PyTorch runs of the same configuration beside it: the median over rounds of median_s and of min_s, and the ratios
C# / PyTorch 2.6 fp32 (the target's anchor).   python3 bench/table.py OUT.jsonl"""
import json
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def config(d):
    return (d["mode"], d["size"], d["netG"], d["ngf"])
python, csharp = {}, {}
for d in rows:
    if d["impl_run"] == "csharp":
        k = config(d) + (d.get("precision", "fp32"), d.get("kernels", "official"))
        csharp.setdefault(k, []).append(d)
    else:
        python.setdefault(config(d), {}).setdefault(d["impl_run"], []).append(d)
def med(runs, field):
    v = [d[field] for d in runs]
    return statistics.median(v) if v else None
def cell(runs):
    return "—" if not runs else "%.3f / %.3f" % (med(runs, "median_s"), med(runs, "min_s"))
print("| configuration | C# median / min s | PT 2.6 median / min s | PT 1.13 median / min s | C#/PT2.6 (median) | C#/PT2.6 (min) | C# peak RSS MB | GMAC/iter | rounds |")
print("|---|---|---|---|---|---|---|---|---|")
for k, runs in csharp.items():
    mode, size, netG, ngf, prec, kernels = k
    py = python.get(k[:4], {})
    pt26, pt113 = py.get("pt26", []), py.get("pt113", [])
    def ratio(field):
        return "—" if not pt26 else "%.2f" % (med(runs, field) / med(pt26, field))
    print("| %s %d px %s ngf %d %s, %s kernels | %s | %s | %s | %s | %s | %.0f | %.1f | %d |" % (
        mode, size, netG, ngf, prec, kernels, cell(runs), cell(pt26), cell(pt113), ratio("median_s"), ratio("min_s"),
        med(runs, "peak_rss_mb"), runs[0].get("macs_per_iter", 0) / 1e9, len(runs)))
