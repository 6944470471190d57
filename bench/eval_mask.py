"""How the ``mask`` attribute answers on bare faces and on synthetic masks.

Every face detection_03 finds in the shared photos (../shared/data, each
distinct file once) is a bare face; masks of several colours and patterns
are then drawn over the nose and mouth of the frontal ones from their 68
landmarks and each masked photo is analysed again through the service's path
(tests/support/synthetic_masks.py says how). Covered means a type of
``faceMask`` or ``otherMaskOrOcclusion`` or ``noseAndMouthCovered`` true;
rates are over the masked faces the detector still finds.

    python bench/eval_mask.py
"""

from __future__ import annotations

import time

from tests.support.paths import SHARED_DATA as DATA_DIR
from tests.support.synthetic_masks import MaskCounts, measure_masks


def line(label: str, counts: MaskCounts) -> str:
    return (
        f"{label:<12} {counts.judged:>5} {counts.missed:>6} {counts.covered:>7} {counts.rate(counts.covered):>8.3f}"
        f" {counts.rate(counts.count('uncertain')):>9.3f} {counts.rate(counts.count('noMask')):>7.3f}"
    )


def main() -> None:
    started = time.perf_counter()
    measured = measure_masks(DATA_DIR)
    print(f"{'faces':<12} {'found':>5} {'missed':>6} {'covered':>7} {'rate':>8} {'uncertain':>9} {'noMask':>7}")
    print(line("bare", measured.bare))
    total = MaskCounts()
    for name, counts in measured.masked.items():
        print(line(name, counts))
        total.answers += counts.answers
        total.missed += counts.missed
    print(line("all masks", total))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
