"""Spaced repetition of the plan's facts: cards, FSRS scheduling, the day's review queue, a cohort's figures and
a simulation. Plain Python: no widgets, no SQL (the store keeps states and review logs; pages show them)."""
