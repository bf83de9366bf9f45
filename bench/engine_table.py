#!/usr/bin/env python3
"""Tables of bench/engine_sitting.sh's JSON lines (issue 24).   python3 bench/engine_table.py OUT.jsonl [PEAK_GMAC_S]

Per configuration: the median over rounds of each runner's median_s and min_s (TorchSharp fp32 = "ours", TorchSharp
bf16, ONNX Runtime, PyTorch 2.6), the ratios as the median of the per-round ratios (each round's runs are minutes
apart, so a ratio within a round is what the machine's drift leaves alone), GMAC/s, peak RSS and the kernel check's
time; then the per-pixel throughput at 1024 px against 256 px. PEAK_GMAC_S (optional) adds "% of peak"."""
import json
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
peak = float(sys.argv[2]) if len(sys.argv) > 2 else None


def config(d):
    return (d["mode"], d["size"], d["netG"], d["ngf"])


def runner(d):
    if d["impl_run"] in ("pt26", "pt26thp"):
        return d["impl_run"]
    if d.get("impl") == "onnxruntime" or d.get("kernels") == "onnxruntime":
        return "ort"
    return d.get("precision", "fp32")


runs = {}
for d in rows:
    runs.setdefault(config(d), {}).setdefault(runner(d), {})[d["round"]] = d


def med(by_round, field):
    v = [d[field] for d in by_round.values() if d.get(field) is not None]
    return statistics.median(v) if v else None


def cell(by_round):
    return "—" if not by_round else "%.3f / %.3f" % (med(by_round, "median_s"), med(by_round, "min_s"))


def ratio(a, b):
    """median over the rounds both ran of a's median_s / b's, with the per-round values"""
    if not a or not b:
        return "—"
    per = [a[r]["median_s"] / b[r]["median_s"] for r in sorted(a) if r in b]
    return "**%.2f** (%s)" % (statistics.median(per), ", ".join("%.2f" % p for p in per))


print("| configuration | ours fp32 median / min s | ours bf16 | ONNX Runtime | PyTorch 2.6 | ours / PT 2.6 | ORT / ours "
      "| ours / PT 2.6 with THP | ours bf16 / PT 2.6 fp32 | ours GMAC/s%s | peak RSS MB ours / ORT / PT | kernel check ms | rounds |"
      % (" (% of peak)" if peak else ""))
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for k, by in runs.items():
    mode, size, netG, ngf = k
    fp32, bf16, ort, pt, ptthp = (by.get(n, {}) for n in ("fp32", "bf16", "ort", "pt26", "pt26thp"))
    g = med(fp32, "gmac_per_s")
    gs = "%.0f" % g if g else "—"
    if g and peak:
        gs += " (%.0f %%)" % (100 * g / peak)
    rss = " / ".join("%.0f" % med(x, "peak_rss_mb") if x else "—" for x in (fp32, ort, pt))
    kc = med(fp32, "kernel_check_ms")
    print("| %s %d px %s ngf %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
        mode, size, netG, ngf, cell(fp32), cell(bf16), cell(ort), cell(pt), ratio(fp32, pt), ratio(ort, fp32),
        ratio(fp32, ptthp), ratio(bf16, pt), gs, rss, "%.0f" % kc if kc is not None else "—", len(fp32)))

print()
print("| network | runner | GMAC/s at 256 px | GMAC/s at 1024 px | 1024 / 256 |")
print("|---|---|---|---|---|")
for (mode, size, netG, ngf), by in runs.items():
    if mode != "infer" or size != 1024:
        continue
    small = runs.get((mode, 256, netG, ngf), {})
    for n in ("fp32", "bf16", "ort", "pt26"):
        if n in by and n in small:
            a, b = med(small[n], "gmac_per_s"), med(by[n], "gmac_per_s")
            print("| %s ngf %d | %s | %.0f | %.0f | %.2f |" % (netG, ngf, n, a, b, b / a))
