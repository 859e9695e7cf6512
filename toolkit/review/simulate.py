"""Simulated officers reviewing the plan's cards day by day, to show the load and the retention FSRS gives.

    python -m toolkit.review.simulate --days 60

Each officer sits “Ôn tập hôm nay” once a day at 20:00 Vietnam time and answers the whole queue. How
they answer is known (PATTERNS): always right, or right with a chance that depends on FSRS's
retrievability of the card, drawn from a random generator seeded by the officer and `--seed`, so a run
is the same in every process. Prints reviews per day and retention by section as tables.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable, Sequence

from fsrs import Rating, Scheduler

from toolkit.quiz.questions import stable_seed
from toolkit.review.cards import Deck, shorten
from toolkit.review.cohort import retention_by_section
from toolkit.review.days import utc
from toolkit.review.schedule import DESIRED_RETENTION, SCHEDULER, Memory, ReviewEntry, make_scheduler, review
from toolkit.review.today import DAILY_NEW_CARDS, today
from toolkit.vietnamese import VIETNAM, number, percent

START = date(2026, 3, 2)  # a Monday, so the weekday pattern's first weekend is days 5 and 6
HOUR = 20  # the officer reviews in the evening, Vietnam time
ANSWER_SECONDS = 30  # between two answers of one sitting
NEW_RIGHT = 0.5  # chance of a right first answer: a multiple-choice question half guessed, half known


@dataclass(frozen=True)
class Pattern:
    """How a simulated officer answers: `right(R, rng)` for a card of retrievability R (None when new)."""

    key: str
    name: str
    right: Callable[[float | None, random.Random], bool]
    reviews_on: Callable[[date], bool] = lambda day: True


PATTERNS = {p.key: p for p in (
    Pattern("luon-dung", "Luôn trả lời đúng", lambda r, rng: True),
    Pattern("theo-fsrs", "Nhớ đúng như FSRS dự báo", lambda r, rng: rng.random() < (NEW_RIGHT if r is None else r)),
    # Forgets faster than FSRS's model of an average learner: recall R², not R.
    Pattern("hay-quen", "Hay quên (khả năng nhớ R²)", lambda r, rng: rng.random() < (NEW_RIGHT if r is None else r * r)),
    Pattern("nghi-cuoi-tuan", "Nhớ như FSRS dự báo, không ôn thứ Bảy, Chủ nhật",
            lambda r, rng: rng.random() < (NEW_RIGHT if r is None else r), lambda day: day.weekday() < 5),
)}


@dataclass(frozen=True)
class Day:
    index: int  # 0 for the first day
    day: date
    officer: str
    due: int
    new: int
    reviews: int
    right: int


@dataclass
class Simulation:
    days: list[Day] = field(default_factory=list)
    log: list[ReviewEntry] = field(default_factory=list)
    states: dict[str, dict[str, Memory]] = field(default_factory=dict)


def simulate(deck: Deck, patterns: Sequence[Pattern], days: int, *, start: date = START,
             new_per_day: int = DAILY_NEW_CARDS, seed: int = 0, scheduler: Scheduler = SCHEDULER) -> Simulation:
    """`days` days of review for one officer per pattern; the same arguments give the same result."""
    out = Simulation()
    for p in patterns:
        rng = random.Random(stable_seed("simulate", p.key, str(seed)))
        memories: dict[str, Memory] = {}
        log: list[ReviewEntry] = []
        for i in range(days):
            day = start + timedelta(days=i)
            if not p.reviews_on(day):
                out.days.append(Day(i, day, p.key, 0, 0, 0, 0))
                continue
            at = utc(datetime.combine(day, time(HOUR), VIETNAM))
            plan = today(deck, memories, at, new_per_day=new_per_day, log=log)
            right = 0
            for n, cid in enumerate(plan.queue):
                when = at + timedelta(seconds=ANSWER_SECONDS * n)
                m = memories.get(cid)
                ok = p.right(m.retrievability(when, scheduler) if m else None, rng)
                right += ok
                memories[cid], entry = review(m, cid, Rating.Good if ok else Rating.Again, when, officer=p.key,
                                              source="review", scheduler=scheduler)
                log.append(entry)
            out.days.append(Day(i, day, p.key, len(plan.due), len(plan.new), len(plan.queue), right))
        out.states[p.key] = memories
        out.log.extend(log)
    return out


# ---------------------------------------------------------------- tables


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda r: "  ".join(str(x).rjust(w) if i else str(x).ljust(w) for i, (x, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(head), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def report(sim: Simulation, deck: Deck, patterns: Sequence[Pattern], days: int, start: date) -> str:
    """Reviews per day (each officer: cards asked, of them right), then retention by section on the last day."""
    keys = [p.key for p in patterns]
    by = {(d.officer, d.index): d for d in sim.days}
    head = ["Ngày", *(f"{k} (ôn/đúng)" for k in keys)]
    rows = []
    for i in range(days):
        cells = []
        for k in keys:
            d = by[(k, i)]
            cells.append(f"{d.reviews}/{d.right}" if d.reviews else "—")
        rows.append([f"{i + 1} ({start + timedelta(days=i):%d/%m})", *cells])
    out = ["Lượt ôn mỗi ngày (số thẻ đã hỏi/số trả lời đúng)", _table(head, rows), ""]
    summary = []
    for p in patterns:
        ds = [d for d in sim.days if d.officer == p.key]
        total = sum(d.reviews for d in ds)
        repeats = [e for e in sim.log if e.officer == p.key and e.recall]
        kept = sum(e.right for e in repeats)
        summary.append([p.key, p.name, str(total), number(total / days, 1), str(max(d.reviews for d in ds)),
                        str(len(sim.states[p.key])), percent(kept / len(repeats) if repeats else None)])
    out += ["Tổng hợp theo học viên mô phỏng",
            _table(["Mã", "Cách trả lời", "Lượt ôn", "Lượt/ngày", "Nhiều nhất/ngày", "Thẻ đã học",
                    "Nhớ khi ôn lại"], summary), ""]
    end = utc(datetime.combine(start + timedelta(days=days - 1), time(HOUR), VIETNAM))
    rows = [[shorten(r.label, 60), str(r.reviews), str(r.right), percent(r.recalled), percent(r.retrievability)]
            for r in retention_by_section(sim.log, sim.states, deck, end)]
    out += [f"Ghi nhớ theo mục (mọi học viên mô phỏng, ngày {days})",
            _table(["Mục", "Lượt ôn lại", "Đúng", "Nhớ khi ôn lại", "Dự báo nhớ (FSRS)"], rows)]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m toolkit.review.simulate",
        description="Mô phỏng học viên ôn tập các thẻ của Kế hoạch theo lịch FSRS; in số lượt ôn mỗi ngày và "
                    "tỉ lệ ghi nhớ theo mục. Ví dụ: python -m toolkit.review.simulate --days 60")
    parser.add_argument("--days", type=int, default=60, help="số ngày mô phỏng (mặc định 60)")
    parser.add_argument("--new-per-day", type=int, default=DAILY_NEW_CARDS,
                        help=f"số thẻ mới mỗi ngày (mặc định {DAILY_NEW_CARDS})")
    parser.add_argument("--seed", type=int, default=0, help="hạt giống ngẫu nhiên (mặc định 0)")
    parser.add_argument("--retention", type=float, default=DESIRED_RETENTION,
                        help=f"tỉ lệ ghi nhớ mong muốn của FSRS (mặc định {number(DESIRED_RETENTION)})")
    parser.add_argument("--officers", default=",".join(PATTERNS),
                        help="các cách trả lời, cách nhau bằng dấu phẩy: " + ", ".join(PATTERNS))
    parser.add_argument("--start", type=date.fromisoformat, default=START, help="ngày đầu (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    unknown = [k for k in args.officers.split(",") if k not in PATTERNS]
    if unknown or args.days < 1 or not 0 < args.retention < 1:
        print("Tham số không hợp lệ: " + (f"không có cách trả lời {', '.join(unknown)}." if unknown else
              "--days phải từ 1 và --retention trong khoảng (0; 1)."), file=sys.stderr)
        return 2
    from toolkit.plan.load import load_plan
    from toolkit.quiz.banks import question_bank
    from toolkit.review.cards import build_deck

    plan = load_plan()
    deck = build_deck(plan, question_bank(plan)[0])
    patterns = [PATTERNS[k] for k in args.officers.split(",")]
    sim = simulate(deck, patterns, args.days, start=args.start, new_per_day=args.new_per_day, seed=args.seed,
                   scheduler=make_scheduler(args.retention))
    print(f"{len(deck)} thẻ; {args.new_per_day} thẻ mới mỗi ngày; tỉ lệ ghi nhớ mong muốn {number(args.retention)}; "
          f"hạt giống {args.seed}.\n")
    print(report(sim, deck, patterns, args.days, args.start))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
