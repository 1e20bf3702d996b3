"""Print every difference between two result files, leaving out timings, dates, paths and source listings.

    python scripts/compare_results.py before.json after.json     # no output: same verdicts and numbers

Used to show that a change of layout (moving modules) changes no verdict and no number.
"""
import difflib
import json
import sys

DROP = {"seconds", "created", "defined_at", "environment", "encoded", "traceback", "tool_version"}


def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items() if k not in DROP}
    if isinstance(x, list):
        return [clean(v) for v in x]
    return x


def lines(path):
    doc = clean(json.load(open(path)))
    doc["results"] = sorted(doc["results"], key=lambda r: r["id"])
    return json.dumps(doc, indent=1, sort_keys=True).splitlines()


for line in difflib.unified_diff(lines(sys.argv[1]), lines(sys.argv[2]), lineterm=""):
    print(line)
