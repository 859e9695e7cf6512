"""Does “Ôn tập hôm nay” put due cards first, then a capped few new ones, with days in Vietnam time?"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating

from toolkit.review.cards import Card, Deck
from toolkit.review.days import day_end, day_start, vietnam_day
from toolkit.review.schedule import review
from toolkit.review.today import DAILY_NEW_CARDS, NEW_CARDS_MAX, check_new_per_day, today
from toolkit.storage.records import InputError

# 08:00 in Hà Nội on Monday 2 March 2026.
MORNING = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def _deck(n: int = 8) -> Deck:
    cards = tuple(Card(f"241:II.{i}:lead", "lead", f"II.{i}", (f"II.{i}",), f"Cơ quan được giao nhiệm vụ tại mục II.{i}",
                       "", (f"lead:II.{i}",)) for i in range(1, n + 1))
    return Deck(cards, {}, {})


def _answer(memories, log, card, rating, at, source="review"):
    memories[card], entry = review(memories.get(card), card, rating, at, officer="a", source=source)
    log.append(entry)


def test_are_due_cards_first_most_overdue_first_then_new_ones_in_the_plans_order():
    deck = _deck()
    memories, log = {}, []
    # Learnt on three earlier days: II.5 (Again, 1 day) five days ago is the most overdue.
    _answer(memories, log, "241:II.5:lead", Rating.Again, MORNING - timedelta(days=5))
    _answer(memories, log, "241:II.3:lead", Rating.Again, MORNING - timedelta(days=2))
    _answer(memories, log, "241:II.2:lead", Rating.Again, MORNING - timedelta(days=2))  # same due: by id
    _answer(memories, log, "241:II.7:lead", Rating.Good, MORNING - timedelta(days=1))  # due tomorrow
    t = today(deck, memories, MORNING, new_per_day=2, log=log)
    assert t.due == ("241:II.5:lead", "241:II.2:lead", "241:II.3:lead")
    assert t.new == ("241:II.1:lead", "241:II.4:lead")  # never answered, in deck order, two of them
    assert t.queue == t.due + t.new and (t.done, t.remaining, t.total) == (0, 5, 5)


def test_is_a_card_due_today_in_the_queue_and_one_answered_today_not():
    deck = _deck(2)
    memories, log = {}, []
    _answer(memories, log, "241:II.1:lead", Rating.Again, MORNING - timedelta(days=1) + timedelta(hours=14))  # 23:00
    _answer(memories, log, "241:II.2:lead", Rating.Again, MORNING)
    t = today(deck, memories, MORNING, new_per_day=0, log=log)
    assert t.due == ("241:II.1:lead",)  # due from 00:00 today; II.2 answered today is tomorrow's
    assert today(deck, memories, day_end(vietnam_day(MORNING)), new_per_day=0).due == ("241:II.1:lead", "241:II.2:lead")


def test_does_the_daily_cap_count_only_new_cards_met_in_todays_review():
    deck = _deck()
    memories, log = {}, []
    for card in ("241:II.1:lead", "241:II.2:lead"):
        _answer(memories, log, card, Rating.Good, MORNING)
    _answer(memories, log, "241:II.3:lead", Rating.Good, MORNING, source="quiz")  # met in a quiz: no cap
    t = today(deck, memories, MORNING + timedelta(hours=1), new_per_day=3, log=log)
    assert t.new == ("241:II.4:lead",) and (t.done, t.new_done) == (2, 2)
    assert today(deck, memories, MORNING, new_per_day=1, log=log).new == ()  # a cap lowered below today's
    assert today(deck, memories, MORNING, log=log).new_per_day == DAILY_NEW_CARDS


def test_does_progress_move_one_card_at_a_time_through_the_day():
    deck = _deck(6)
    memories, log = {}, []
    for card in ("241:II.1:lead", "241:II.2:lead"):
        _answer(memories, log, card, Rating.Good, MORNING - timedelta(days=2))
    at = MORNING
    first = today(deck, memories, at, new_per_day=3, log=log)
    assert (first.done, first.remaining) == (0, 5)
    seen = []
    for n in range(5):
        t = today(deck, memories, at, new_per_day=3, log=log)
        assert (t.done, t.remaining, t.total) == (n, 5 - n, 5)
        card = t.queue[0]
        seen.append(card)
        _answer(memories, log, card, Rating.Again if n % 2 else Rating.Good, at)  # wrong ones are tomorrow's
        at += timedelta(minutes=1)
    end = today(deck, memories, at, new_per_day=3, log=log)
    assert (end.done, end.remaining, end.queue) == (5, 0, ())
    assert seen == list(first.queue)


def test_does_the_day_turn_at_midnight_in_vietnam_not_in_utc():
    """23:30 and 00:30 in Hà Nội are 16:30 and 17:30 UTC of one UTC day, but two Vietnam days."""
    deck = _deck()
    late = datetime(2026, 3, 2, 16, 30, tzinfo=timezone.utc)  # 23:30 on 2 March in Hà Nội
    after_midnight = late + timedelta(hours=1)  # 00:30 on 3 March in Hà Nội, still 2 March in UTC
    assert late.date() == after_midnight.date() and vietnam_day(after_midnight) == vietnam_day(late) + timedelta(days=1)
    memories, log = {}, []
    _answer(memories, log, "241:II.1:lead", Rating.Again, late)
    tonight = today(deck, memories, late + timedelta(minutes=10), new_per_day=1, log=log)
    assert (tonight.done, tonight.new, tonight.due) == (1, (), ())  # the day's one new card is used up
    tomorrow = today(deck, memories, after_midnight, new_per_day=1, log=log)
    assert (tomorrow.done, tomorrow.new) == (0, ("241:II.2:lead",))  # a new day: a new card again
    assert tomorrow.due == ("241:II.1:lead",)  # answered wrong last night: due the next Vietnam day
    assert memories["241:II.1:lead"].due == day_start(vietnam_day(after_midnight))


def test_are_cards_no_longer_in_the_deck_left_out():
    deck = _deck(1)
    memories, log = {}, []
    _answer(memories, log, "bank:cu:da-ngung", Rating.Again, MORNING - timedelta(days=3))
    assert today(deck, memories, MORNING, new_per_day=0, log=log).due == ()


def test_is_the_officers_cap_checked_as_typed():
    assert check_new_per_day(" 5 ") == 5 and check_new_per_day(0) == 0 and check_new_per_day(NEW_CARDS_MAX) == NEW_CARDS_MAX
    for bad in (-1, NEW_CARDS_MAX + 1, "mười", "", "2.5", None):
        with pytest.raises(InputError, match="Số thẻ mới mỗi ngày phải là số nguyên từ 0 đến 50"):
            check_new_per_day(bad)


def test_does_the_real_deck_offer_its_first_cards_on_day_one(plan):
    from toolkit.quiz.banks import question_bank
    from toolkit.review.cards import build_deck

    deck = build_deck(plan, question_bank(plan)[0])
    t = today(deck, {}, MORNING)
    assert t.due == () and t.new == tuple(c.id for c in deck.cards[:DAILY_NEW_CARDS])
