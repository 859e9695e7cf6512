"""How long does the city overview take for 600 units × 3 years? Prints seconds and a ratio to a baseline.

Baseline (same run): scoring every submission of the year with the canonical `score_of`, the part
no table can avoid. The overview adds last year's scores, the unit registry, overdue duties and
pandas tables on top of it.

    .venv/bin/python benchmarks/city_overview.py            # records only
    .venv/bin/python benchmarks/city_overview.py --database  # also through SQLite (slower to set up)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.assessment.city import (  # noqa: E402
    HEATMAP_PAGE,
    city_overview,
    heatmap_figure,
    load_submissions,
    overview_xlsx,
    synthetic_plan,
    synthetic_submissions,
)
from toolkit.assessment.criteria import load_settings  # noqa: E402
from toolkit.assessment.scoring import score_of  # noqa: E402
from toolkit.exports import figure_png  # noqa: E402
from toolkit.plan.load import load_plan  # noqa: E402

UNITS, YEARS = 600, (2022, 2023, 2024)


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", action="store_true", help="also load the submissions from an SQLite file")
    args = ap.parse_args()

    plan = synthetic_plan(load_plan(), UNITS)
    settings = load_settings(load_plan())
    keys = [k for k in plan.units if k.startswith("tong_hop_")]
    subs = synthetic_submissions(plan, settings, YEARS, keys)
    year = YEARS[-1]
    print(f"{UNITS} synthetic units (+{len(plan.units) - UNITS} real), years {YEARS[0]}–{year}: "
          f"{len(subs)} submitted assessments, {sum(len(s.entries) for s in subs):,} entries")

    def baseline():
        hist = {}
        for s in subs:
            hist.setdefault(s.unit_key, []).append((s.year, s.entries))
        for s in subs:
            if s.year == year:
                score_of(plan, settings, hist[s.unit_key], s.unit_key, year, s.entries)

    base, base_med = best(baseline)
    over, over_med = best(lambda: city_overview(plan, settings, subs, year))
    print(f"baseline (score the year's submissions):  best {base:.3f} s, median {base_med:.3f} s")
    print(f"city_overview from records:               best {over:.3f} s, median {over_med:.3f} s  "
          f"(×{over / base:.2f} baseline)")
    ov = city_overview(plan, settings, subs, year)
    xl, _ = best(lambda: overview_xlsx(plan, ov), repeat=3)
    print(f"city summary xlsx (5 sheets):             best {xl:.3f} s")
    hm, _ = best(lambda: figure_png(heatmap_figure(plan, ov, 0, HEATMAP_PAGE), dpi=90), repeat=3)
    print(f"heatmap PNG, one page of {HEATMAP_PAGE} units:         best {hm:.3f} s, "
          f"{len(figure_png(heatmap_figure(plan, ov, 0, HEATMAP_PAGE), dpi=90)) / 1e3:.0f} kB "
          f"({len(ov.ranking)} units: {-(-len(ov.ranking) // HEATMAP_PAGE)} pages)")

    if args.database:
        from toolkit.storage.assessments import AssessmentStore
        from toolkit.storage.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            astore = AssessmentStore(Store(f"sqlite:///{tmp}/bench.sqlite3"))
            start = time.perf_counter()
            for s in subs:
                astore.import_submitted(s.unit_key, s.year, {t: e.__dict__ for t, e in s.entries.items()},
                                        s.submitted_by, s.submitted_at)
            print(f"(setup: {len(subs)} imports into SQLite in {time.perf_counter() - start:.1f} s)")
            load, _ = best(lambda: load_submissions(astore), repeat=3)
            both, both_med = best(lambda: city_overview(plan, settings, load_submissions(astore), year), repeat=3)
            print(f"load_submissions (one query):             best {load:.3f} s")
            print(f"load + city_overview:                     best {both:.3f} s, median {both_med:.3f} s  "
                  f"(×{both / base:.2f} baseline)")


if __name__ == "__main__":
    main()
