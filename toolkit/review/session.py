"""A day's review as a quiz attempt: one question for each card of the queue, in the queue's order.

The review is stored like any quiz (toolkit.quiz.attempt, topic "review:<Vietnam day>"), so it is shown
by the quiz's own screens, resumed after a reload, and each answer is saved, and reviewed, before its
feedback is shown. Only which questions, and in which order, is the review's own.
"""

from __future__ import annotations

from datetime import date
from typing import Mapping, Sequence

from toolkit.quiz.assembly import REVIEW_TOPIC, QuizItem, build_quiz
from toolkit.quiz.questions import stable_seed
from toolkit.review.cards import Deck, cards_of
from toolkit.review.schedule import ReviewEntry


def review_topic(day: date) -> str:
    """The topic of a day's review attempt.

    >>> review_topic(date(2026, 3, 5))
    'review:2026-03-05'
    """
    return f"{REVIEW_TOPIC}:{day.isoformat()}"


def review_items(deck: Deck, queue: Sequence[str], officer: str, day: date,
                 last_asked: Mapping[str, str] | None = None) -> list[QuizItem]:
    """The questions of a day's review, one per card of `queue` and in its order (due cards first).

    The same officer and day give the same questions and option orders in every process. A card's
    question avoids the one it was last asked with (`last_asked`: card → question id) when another
    tests it; a card already tested by an earlier question of the list (a matching one) gets none.
    """
    items: list[QuizItem] = []
    covered: set[str] = set()
    for card_id in queue:
        if card_id in covered or card_id not in deck:
            continue
        seed = f"{officer}:{day.isoformat()}"
        q = deck.question_for(card_id, seed, exclude=[last_asked[card_id]] if last_asked and card_id in last_asked
                              else ())
        covered.update(cards_of(q))
        (item,) = build_quiz([q], 1, stable_seed("review-options", officer, day.isoformat(), card_id))
        items.append(item)
    return items


def last_questions(log: Sequence[ReviewEntry]) -> dict[str, str]:
    """Each card's last question in a log (in time order)."""
    return {e.card_id: e.question_id for e in log if e.question_id}
