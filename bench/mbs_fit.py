#!/usr/bin/env python3
"""Cross-validated MAPE of `trimtab fit` on the whole MBS table (service_time_256.json):
each of the 33 request-size classes is one stage with a 24 memory x 25 batch-size table.

usage: python3 bench/mbs_fit.py TRIMTAB_BINARY [REFERENCE_DIR]
"""
import json, os, subprocess, sys, tempfile

trimtab = sys.argv[1]
ref = sys.argv[2] if len(sys.argv) > 2 else "../shared/reference"
table = json.load(open(f"{ref}/mbs/service_time_256.json"))["service_time"]
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    f.write("stage,memory_mb,batch_size,latency_ms\n")
    for memory, classes in table.items():
        for k, row in enumerate(classes):
            for b, v in enumerate(row):
                f.write(f"class{k:02d},{memory},{b + 1},{v}\n")
    path = f.name
out = json.loads(subprocess.run([trimtab, "fit", path, "--format", "json"], capture_output=True, text=True, check=True).stdout)
os.unlink(path)
rows = [(s["name"], s["family"], s["cv_mape_percent"], s["families"]) for s in out["stages"]]
for name, fam, cv, fams in rows:
    print(f"{name} {fam:<17} {cv:6.2f}%  " + "  ".join(f"{k} {v:.2f}%" for k, v in fams.items()))
cvs = [r[2] for r in rows]
chosen = {}
for r in rows:
    chosen[r[1]] = chosen.get(r[1], 0) + 1
print(f"{len(rows)} size classes: CV MAPE mean {sum(cvs) / len(cvs):.2f}%, min {min(cvs):.2f}%, max {max(cvs):.2f}%; chosen {chosen}")
