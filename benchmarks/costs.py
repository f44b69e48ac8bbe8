"""The costs behind a few design choices in the code (caches, lazy imports, size limits), measured again.

Prints Markdown rows for the table "Costs behind design choices" in benchmarks/README.md. Each cost is
the best of a few runs on this machine; imports are measured in a fresh interpreter with -X importtime.

    python benchmarks/costs.py
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from checkpoint.engine.columnar import factorize

ROOT = Path(__file__).resolve().parents[1]


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The shortest of `runs` timings of `work`, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def import_ms(module: str) -> float:
    """The cumulative import time of `module` in a fresh interpreter, in milliseconds."""
    report = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, check=True
    ).stderr
    rows = [line for line in report.splitlines() if line.rstrip().endswith(f"| {module}")]
    return int(rows[-1].split("|")[1]) / 1000


def main() -> None:
    import airportsdata
    from ruamel.yaml import YAML

    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "rules").glob("*.yaml"))]
    size = sum(map(len, texts))
    parse = best_of(5, lambda: [YAML(typ="safe", pure=True).compose(text) for text in texts])
    # A larger pack: the default pack's files forty times over, their top-level keys renamed to stay unique.
    keys = ("pack:", "policy:", "lists:", "rules:")
    big = "\n".join(_renamed(texts[copy % len(texts)], keys, copy) for copy in range(40 * len(texts)))
    rate = best_of(2, lambda: YAML(typ="safe", pure=True).compose(big)) / (len(big) / 1e6)
    distinct = [f"B{random.randrange(10**7):07d}" for _ in range(50_000)]
    few = [random.choice(["tourist", "work", "umrah", None]) for _ in range(50_000)]
    rows = [
        ("parsing the default pack (pure ruamel.yaml)", f"{parse * 1000:.0f} ms ({size / 1024:.0f} KB)"),
        ("parsing a larger pack", f"{rate:.1f} s per MB"),
        ("importing ruamel.yaml", f"{import_ms('ruamel.yaml'):.0f} ms"),
        ("importing pycountry", f"{import_ms('pycountry'):.0f} ms"),
        ("airportsdata.load('IATA')", f"{best_of(3, lambda: airportsdata.load('IATA')) * 1000:.0f} ms"),
        (
            "factorize, 50,000 texts",
            f"{best_of(5, lambda: factorize(distinct)) * 1000:.0f} ms all distinct, "
            f"{best_of(5, lambda: factorize(few)) * 1000:.0f} ms four distinct",
        ),
    ]
    for what, cost in rows:
        print(f"| {what} | {cost} |")


def _renamed(text: str, keys: tuple[str, ...], copy: int) -> str:
    for key in keys:
        text = text.replace(key, f"{key[:-1]}{copy}:")
    return text


if __name__ == "__main__":
    main()
