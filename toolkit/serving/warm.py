"""The data caches filled before the first page's kernel starts.

Each page's kernel reads the published plans and their question banks from the on-disk cache
(`toolkit.datacache`). An empty cache, after a start on a new machine or after the code or the data
changed, made every kernel of the first room build them: the cold room of 60 on the quiz page spent
0,8 CPU-s of each join on it, the pool of 200 its first minutes (issue 16). `toolkit serve` fills the
cache before Voila starts, so a room only ever reads it.
"""

from __future__ import annotations


def warm_caches() -> list[str]:
    """Load every published plan and its question bank once; the keys of the plans loaded.

    Broken plans are left out, as the pages leave them out (`catalogue.published`); a bank with problems
    is stored with them, as a page would store it, so warming changes nothing a page reports.
    """
    from toolkit.plan import catalogue
    from toolkit.quiz.banks import question_bank

    keys = []
    for plan in catalogue.published():
        question_bank(plan, catalogue.quiz_dir(plan))
        keys.append(plan.key)
    return keys
