#!/usr/bin/env python3
"""Markdown table from sitting.sh's JSON lines: per configuration and implementation, the median over rounds of
median_s and of min_s, and the C# / PyTorch 2.6 ratios.   python3 bench/table.py OUT.jsonl"""
import json
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def key(d):
    return (d["mode"], d["size"], d["netG"], d["ngf"], d.get("precision", "fp32"))
runs = {}
for d in rows:
    runs.setdefault(key(d), {}).setdefault(d["impl_run"], []).append(d)
print("| configuration | C# median / min s | PT 2.6 median / min s | PT 1.13 median / min s | C#/PT2.6 (median) | C#/PT2.6 (min) | C# peak RSS MB | GMAC/iter | rounds |")
print("|---|---|---|---|---|---|---|---|---|")
for k, by in runs.items():
    def agg(impl, field):
        v = [d[field] for d in by.get(impl, [])]
        return statistics.median(v) if v else None
    def cell(impl):
        m, n = agg(impl, "median_s"), agg(impl, "min_s")
        return "—" if m is None else "%.3f / %.3f" % (m, n)
    def ratio(field):
        a, b = agg("csharp", field), agg("pt26", field)
        return "—" if a is None or b is None else "%.2f" % (a / b)
    mode, size, netG, ngf, prec = k
    name = "%s %d px %s ngf %d %s" % (mode, size, netG, ngf, prec)
    cs = by.get("csharp", [{}])
    print("| %s | %s | %s | %s | %s | %s | %s | %.1f | %d |" % (
        name, cell("csharp"), cell("pt26"), cell("pt113"), ratio("median_s"), ratio("min_s"),
        "%.0f" % agg("csharp", "peak_rss_mb") if cs[0] else "—",
        (cs[0] or next(iter(by.values()))[0]).get("macs_per_iter", 0) / 1e9, len(by.get("csharp", []))))
