"""Start-up cost of the sentence encoder in one process: load the default tone model, analyse one
line, and suggest a category for one complaint (what a server's first coached call and first
case intake need), then report the wall time and the peak resident memory.

    .venv/bin/python benchmarks/encoder_load.py [--runs 3]

Each run is a fresh interpreter, so nothing is cached between runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

_CHILD = """
import json, resource, time
start = time.perf_counter()
from calmdesk.analysis import analyze
from calmdesk.cases.categorize import suggest_category
from calmdesk.playbook.load import default_playbook
analyze("Dlaczego faktura jest wyższa niż w umowie?")
suggest_category(default_playbook("pl"), "Dlaczego faktura jest wyższa niż w umowie?")
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _CHILD], check=True, capture_output=True, text=True
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    seconds = statistics.median(r["seconds"] for r in results)
    peak = statistics.median(r["peak_mb"] for r in results)
    print(
        f"runs: {runs}  load + first line + first category: median {seconds:.2f} s, "
        f"peak RSS median {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
