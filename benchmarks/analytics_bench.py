"""Figure 4: analytics at scale, each against a baseline computed in the same run on the same data.

- Item analysis: ``item_statistics`` + ``session_statistics`` over 100 000 synthetic responses
  (10 000 participants × 10 of 200 questions, scores drawn from a one-parameter logistic model so
  the statistics have something to find). Baseline: one pandas ``groupby(question_id).points.mean()``
  over the same frame, the least any item analysis has to do.
- City overview (if ``toolkit.city`` offers it): ``city_overview`` for the last of 3 years over
  600 synthetic units (``synthetic_plan``/``synthetic_submissions``). Baseline: scoring every
  submission of that year with ``score_of``, which no overview can skip (as in
  benchmarks/city_overview.py).

Times are the median of several repeats after one warm-up (imports and caches are not counted).
"""

from __future__ import annotations

import importlib.util
import statistics
import time

RESPONSES = 100_000
PARTICIPANTS = 10_000
ITEMS = 200
CITY_UNITS, CITY_YEARS = 600, (2022, 2023, 2024)


def timed(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def synthetic_responses(n_participants: int = PARTICIPANTS, per_person: int = RESPONSES // PARTICIPANTS,
                        n_items: int = ITEMS, seed: int = 0):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ability = rng.normal(0, 1, n_participants)
    difficulty = rng.normal(0, 1, n_items)
    people = np.repeat(np.arange(n_participants), per_person)
    items = np.concatenate([rng.choice(n_items, per_person, replace=False) for _ in range(n_participants)])
    p = 1 / (1 + np.exp(-(ability[people] - difficulty[items])))
    points = (rng.random(len(people)) < p).astype(float)
    return pd.DataFrame({"participant": [f"P{i:05d}" for i in people],
                         "question_id": [f"q{j:03d}" for j in items],
                         "points": points, "max_points": 1.0, "answer": "0"})


def item_analysis(repeat: int = 5) -> dict:
    from toolkit.quiz.analytics import item_statistics, session_statistics

    frame = synthetic_responses()
    assert len(frame) == RESPONSES

    def full():
        item_statistics(frame)
        session_statistics(frame)

    def baseline():
        frame.groupby("question_id")["points"].mean()

    value = timed(full, repeat)
    base = timed(baseline, repeat)
    stats = item_statistics(frame)
    return {"value": value, "baseline": base, "rows": len(frame), "items": len(stats),
            "alpha": session_statistics(frame)["alpha"]}


def city_available() -> bool:
    if importlib.util.find_spec("toolkit.assessment.city") is None:
        return False
    import toolkit.assessment.city as city

    return all(hasattr(city, name) for name in ("city_overview", "synthetic_plan", "synthetic_submissions"))


def city(repeat: int = 3) -> dict:
    from toolkit.assessment.city import city_overview, synthetic_plan, synthetic_submissions
    from toolkit.assessment.criteria import load_settings
    from toolkit.assessment.scoring import score_of
    from toolkit.plan.load import load_plan

    real = load_plan()
    plan = synthetic_plan(real, CITY_UNITS)
    settings = load_settings(real)
    keys = [k for k in plan.units if k.startswith("tong_hop_")]
    subs = synthetic_submissions(plan, settings, CITY_YEARS, keys)
    year = CITY_YEARS[-1]

    def baseline():
        history: dict[str, list] = {}
        for s in subs:
            history.setdefault(s.unit_key, []).append((s.year, s.entries))
        for s in subs:
            if s.year == year:
                score_of(plan, settings, history[s.unit_key], s.unit_key, year, s.entries)

    value = timed(lambda: city_overview(plan, settings, subs, year), repeat)
    base = timed(baseline, repeat)
    return {"value": value, "baseline": base, "units": CITY_UNITS, "years": list(CITY_YEARS),
            "submissions": len(subs)}
