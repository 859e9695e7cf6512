"""What one simulated participant (or trainer) does on a page, over the protocol (see protocol.py).

- ``QuizParticipant`` (2-kiem-tra): name, unit (the first listed unit), "Tiếp tục", the default
  topic (the unit's own duties), ``questions`` questions (5 by default), practice mode, "Bắt đầu
  làm bài"; then for each question sets an answer of whatever type is shown (RadioButtons index,
  Checkbox value, matching Dropdown indexes, Text value) and clicks "Trả lời"; the round trip is
  from sending that click to receiving the ``update`` of the feedback HTML's value. Then "Câu
  tiếp theo", and after the last question "Nộp bài".
- ``WorkshopParticipant`` (4-tap-huan-tham-gia): the session's code, name and unit, "Tham gia";
  then the session's questions on the same answer screens as the quiz.
- ``BareParticipant`` (the bare notebook): clicks its Button as many times as the quiz has
  questions; the round trip is from the click to the ``update`` of the HTML beside it.
- ``Trainer`` (4-tap-huan-bao-cao-vien): the passcode, a new session (practice mode, so that its
  participants answer as on the quiz: answer → feedback → next question), then the dashboard's
  ticks as the browser's ``Play`` widget sends them.

A room moves its participants through barriers together (``Barriers``): all join, then all sign
in and reach their first question, then all answer (the phase whose CPU is "per answer"), then
all finish. A participant waits ``think()`` seconds before each answer. Each answer's messages
(the answer's values, "Trả lời", "Câu tiếp theo") and their replies are tallied in
``cycles``; each step waits until the kernel is idle after it, so whatever the page's widgets
look like (built anew or reused), the participant acts on the finished screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections import Counter

from benchmarks.protocol import Page, ProtocolError, Traffic, now

QUIZ_NOTEBOOK = "2-kiem-tra.ipynb"
WORKSHOP_NOTEBOOK = "4-tap-huan-tham-gia.ipynb"
TRAINER_NOTEBOOK = "4-tap-huan-bao-cao-vien.ipynb"
JOIN_TIMEOUT_S = 150  # Voila itself gives a starting kernel 60 s; a room of 60 joins in about 60 s
JOIN_TIMEOUT_PER_PARTICIPANT_S = 1.5  # a cold hall of 200 on 2 cores takes minutes to start its kernels
QUESTIONS = 5  # the quiz's smallest length (5, 10, 15, 20); the bare participant clicks as often
PHASES = ("join", "setup", "answer", "finish")  # each ends at the barrier of the same index in BARRIERS
BARRIERS = ("joined", "ready", "answered")


def join_timeout(n: int) -> float:
    """Seconds a participant of a room of `n` waits for a usable page before counting as failed."""
    return max(JOIN_TIMEOUT_S, JOIN_TIMEOUT_PER_PARTICIPANT_S * n)


class Barriers:
    """The points a room's participants pass together, and the room's go-ahead after each.

    Every participant reaches each barrier once, a failed one included (``leave``), so a room
    never waits for someone who has gone; the room ``release``s the next phase when it is ready.
    """

    def __init__(self, n: int):
        self.n = n
        self.reached = Counter()
        self._all = {name: asyncio.Event() for name in BARRIERS}
        self._go = {name: asyncio.Event() for name in ("go", "answer", "finish")}

    @classmethod
    def open(cls) -> "Barriers":
        """For one participant on their own: nothing to wait for."""
        room = cls(1)
        for event in room._go.values():
            event.set()
        return room

    def reach(self, name: str) -> None:
        self.reached[name] += 1
        if self.reached[name] >= self.n:
            self._all[name].set()

    def leave(self, phase: str) -> None:
        """A participant who failed in `phase` reaches every barrier still ahead of it."""
        for name in BARRIERS[PHASES.index(phase):]:
            self.reach(name)

    async def all_reached(self, name: str) -> None:
        await self._all[name].wait()

    def release(self, name: str) -> None:
        self._go[name].set()

    async def released(self, name: str) -> None:
        await self._go[name].wait()


class Participant:
    notebook = ""

    def __init__(self, base_url: str, index: int, http, think=(0.0, 0.0), seed: int = 0, questions: int = QUESTIONS,
                 watch=None, join_timeout_s: float = JOIN_TIMEOUT_S, tag: str = ""):
        self.page = Page(base_url, self.notebook, http, watch=watch)
        self.index = index
        self.tag = tag  # the room's own mark in every name: two rooms of one run never share a participant
        self.think_range = think
        self.rng = random.Random(seed * 1000 + index)
        self.usable_at: float | None = None
        self.round_trips: list[float] = []
        self.cycles: list[Traffic] = []  # one per answer: its messages and their replies
        self.error: str | None = None
        self.failed_in: str | None = None  # the phase the error happened in
        self.answered = 0
        self.questions = questions
        self.join_timeout_s = join_timeout_s

    async def think(self) -> None:
        low, high = self.think_range
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))

    async def join(self, t0: float) -> None:
        # A kernel that dies while starting leaves Voila's page unfinished forever (a browser spins):
        # after the join timeout the participant counts as failed.
        await asyncio.wait_for(self.page.load(), self.join_timeout_s)
        self.page.check_views()
        self.check_widgets()
        self.usable_at = now() - t0

    def check_widgets(self) -> None:
        """A page whose notebook cell failed has no widgets: not usable."""

    async def run(self, t0: float, room: Barriers) -> None:
        phase = "join"
        try:
            await self.join(t0)
            room.reach("joined")
            phase = "setup"
            await room.released("go")
            await self.setup()
            room.reach("ready")
            phase = "answer"
            await room.released("answer")
            await self.answer_all()
            room.reach("answered")
            phase = "finish"
            await room.released("finish")
            await self.finish()
        except Exception as exc:  # noqa: BLE001 - reported as a failed participant
            self.error = f"{phase}: {type(exc).__name__}: {exc}"
            self.failed_in = phase
            room.leave(phase)

    async def setup(self) -> None:
        """What comes before the first answer (signing in, choosing a quiz)."""

    async def answer_all(self) -> None:
        raise NotImplementedError

    async def finish(self) -> None:
        """What comes after the last answer."""


class BareParticipant(Participant):
    notebook = "bare.ipynb"

    def check_widgets(self) -> None:
        self.page.find("ButtonModel")

    async def answer_all(self) -> None:
        page = self.page
        button = page.find("ButtonModel")
        label = page.find("HTMLModel")
        for _ in range(self.questions):
            await self.think()
            cycle = Traffic()
            with page.tallied(cycle):
                started = now()
                seq = page.click(button)
                click = page.last_sent
            await page.wait(lambda: page.updated_after(label, "value", seq), "bare click")
            self.round_trips.append(now() - started)
            await page.settle(click, "bare click")
            self.answered += 1
            self.cycles.append(cycle)


class AnswerScreenParticipant(Participant):
    """Answers on the shared question screen (toolkit.ui.answering.AnswerScreens) of a quiz or a workshop."""

    stop_after: int | None = None  # answer only this many questions and leave the attempt open

    def screens(self) -> dict:
        """The question screen on show: the one whose progress line says “Câu …” (a page may hold others)."""
        page = self.page
        shown = [m for m in page.find_all("HTMLModel") if 'class="progress-text"' in page.models[m].get("value", "")]
        if len(shown) != 1:
            raise ProtocolError(f"{len(shown)} question screens on show on {page.notebook}")
        progress = shown[0]
        box = next(m for m in page.find_all("VBoxModel") if progress in page.children(m))
        kids = page.children(box)
        submit = next(k for k in kids if page.models.get(k, {}).get("_model_name") == "ButtonModel")
        buttons = {page.models[b].get("description"): b for k in kids
                   if page.models.get(k, {}).get("_model_name") == "HBoxModel"
                   for b in page.children(k) if page.models.get(b, {}).get("_model_name") == "ButtonModel"}
        return {"progress": progress, "answer_box": kids[kids.index(submit) - 1], "submit": submit,
                "feedback": kids[kids.index(submit) + 1], "next": buttons.get("Câu tiếp theo"),
                "finish": buttons.get("Nộp bài")}

    async def click_and_settle(self, button: str, what: str) -> None:
        self.page.click(button)
        await self.page.settle(self.page.last_sent, what)

    async def answer_all(self) -> None:
        page = self.page
        s = self.screens()
        total = _total(page.models[s["progress"]]["value"])
        for position in range(total):
            inputs = page.children(s["answer_box"])
            if not all(c in page.models for c in inputs):
                raise ProtocolError(f"question {position + 1}: inputs without a model on {page.notebook}")
            cycle = Traffic()
            with page.tallied(cycle):
                self.answer(inputs)
            await self.think()
            feedback = s["feedback"]
            with page.tallied(cycle):
                started = now()
                seq = page.click(s["submit"])
                click = page.last_sent
            await page.wait(lambda: (page.updated_after(feedback, "value", seq)
                                     and page.models[feedback]["value"] != "") or click in page.idle_at, "feedback")
            self.round_trips.append(now() - started)
            await page.settle(click, "the answer")
            if 'class="feedback' not in page.models[feedback]["value"]:
                raise ProtocolError(f"answer refused: {page.models[feedback]['value'][:200]}")
            self.answered += 1
            if position < total - 1 and (self.stop_after is None or self.answered < self.stop_after):
                with page.tallied(cycle):
                    await self.click_and_settle(s["next"], "next question")
                s = self.screens()
                if f"Câu {position + 2}/" not in page.models[s["progress"]]["value"]:
                    raise ProtocolError(f"after “Câu tiếp theo”: {page.models[s['progress']]['value'][:200]!r}")
            self.cycles.append(cycle)
            if self.stop_after is not None and self.answered >= self.stop_after:
                return

    async def finish(self) -> None:
        if self.stop_after is None:
            await self.click_and_settle(self.screens()["finish"], "the results")

    async def first_question(self, what: str) -> None:
        """After the click that opens the quiz: its first question is on show."""
        await self.page.settle(self.page.last_sent, what)
        progress = self.screens()["progress"]
        if "Câu 1/" not in self.page.models[progress]["value"]:
            raise ProtocolError(f"no first question: {self.page.models[progress]['value'][:200]!r}")

    def answer(self, inputs: list[str]) -> None:
        """An answer for whatever the question shows (the participant does not know the key)."""
        page = self.page
        kinds = {mid: page.models[mid]["_model_name"] for mid in inputs}
        for mid, kind in kinds.items():
            state = page.models[mid]
            n = len(state.get("_options_labels", ()))
            if kind == "RadioButtonsModel":
                page.set(mid, index=self.rng.randrange(n))
            elif kind == "DropdownModel":  # matching: one per row; option 0 is "— chọn —"
                page.set(mid, index=1 + self.rng.randrange(n - 1))
            elif kind == "TextModel":
                page.set(mid, value="năm 2022")
        checks = [mid for mid, kind in kinds.items() if kind == "CheckboxModel"]
        if checks:
            page.set(self.rng.choice(checks), value=True)

    def sign_in_fields(self) -> tuple[str, str]:
        """Type a name of its own (no attempt to resume) and pick the first unit in the list."""
        page = self.page
        name = page.find("TextModel", placeholder="Nguyễn Văn A")
        unit = page.find("DropdownModel", description="Đơn vị công tác")
        self.name = f"Học viên thử tải {self.index:03d} {self.rng.randrange(10**6):06d} {self.tag}".strip()
        page.set(name, value=self.name)
        page.set(unit, index=1)
        return name, unit


class QuizParticipant(AnswerScreenParticipant):
    notebook = QUIZ_NOTEBOOK

    def check_widgets(self) -> None:
        self.page.find("ButtonModel", description="Tiếp tục")

    async def setup(self) -> None:
        page = self.page
        self.sign_in_fields()
        await self.click_and_settle(page.find("ButtonModel", description="Tiếp tục"), "set-up screen")
        if not any("Người làm bài" in page.models[w].get("value", "") for w in page.find_all("HTMLModel")):
            raise ProtocolError("no set-up screen after “Tiếp tục”")
        count = page.find("DropdownModel", description="Số câu hỏi")
        page.set(count, index=page.models[count]["_options_labels"].index(str(self.questions)))
        page.click(page.find("ButtonModel", description="Bắt đầu làm bài"))
        await self.first_question("first question")


class WorkshopParticipant(AnswerScreenParticipant):
    """A participant of a workshop session; ``code`` is the session's join code (set by the room)."""

    notebook = WORKSHOP_NOTEBOOK
    code = ""

    def check_widgets(self) -> None:
        self.page.find("ButtonModel", description="Tham gia")

    async def setup(self) -> None:
        page = self.page
        page.set(page.find("TextModel", description="Mã phiên"), value=self.code)
        self.sign_in_fields()
        page.click(page.find("ButtonModel", description="Tham gia"))
        await self.first_question("the session's first question")


def _total(progress_html: str) -> int:
    # "Câu 1/10 · Đã trả lời 0/10"
    match = re.search(r"Câu \d+/(\d+)", progress_html)
    if not match:
        raise ProtocolError(f"no question count in {progress_html[:200]!r}")
    return int(match.group(1))


class Trainer:
    """The trainer's page: unlocks it, creates a session and keeps its dashboard ticking.

    The dashboard's ``Play`` widget ticks in the browser every ``interval`` ms while ``playing``;
    each tick is a value update the kernel answers by redrawing what changed. Like the browser's
    widget manager, a tick whose predecessor the kernel has not finished yet is held and sent when
    it has (so a slow kernel sees fewer ticks, not a queue). Each tick is tallied: its latency (sent
    → kernel idle), whether it redrew the dashboard, the bytes it caused.
    """

    notebook = TRAINER_NOTEBOOK

    def __init__(self, base_url: str, http, passcode: str, questions: int = QUESTIONS, watch=None):
        self.page = Page(base_url, self.notebook, http, watch=watch)
        self.passcode = passcode
        self.questions = questions
        self.code: str | None = None
        self.ticks: list[dict] = []  # sent, idle, redrew, bytes per tick
        self.error: str | None = None
        self.ticker: str | None = None
        self.updated: str | None = None

    async def open_session(self, title: str) -> str:
        page = self.page
        await page.load()
        page.set(page.find("PasswordModel"), value=self.passcode)
        page.click(page.find("ButtonModel", description="Mở trang"))
        await page.settle(page.last_sent, "the trainer page to unlock")
        page.set(page.find("TextModel", description="Tên buổi tập huấn"), value=title)
        count = page.find("DropdownModel", description="Số câu hỏi")
        page.set(count, index=page.models[count]["_options_labels"].index(str(self.questions)))
        mode = next(m for m in page.find_all("ToggleButtonsModel")
                    if any(label.startswith("Luyện tập") for label in page.models[m].get("_options_labels", ())))
        page.set(mode, index=[label.startswith("Luyện tập") for label in page.models[mode]["_options_labels"]]
                 .index(True))
        page.click(page.find("ButtonModel", description="Tạo phiên"))
        await page.settle(page.last_sent, "the new session")
        codes = [m.group(1) for s in page.models.values() if s.get("_model_name") == "HTMLModel"
                 for m in [re.search(r'aria-label="Mã phiên">([A-Z0-9]+)<', s.get("value", ""))] if m]
        if len(codes) != 1:
            raise ProtocolError(f"the trainer page shows {len(codes)} session codes after “Tạo phiên”")
        self.code = codes[0]
        self.ticker = page.find("PlayModel")
        self.updated = next(m for m in page.find_all("HTMLModel")
                            if "Cập nhật lúc" in page.models[m].get("value", ""))
        return self.code

    @property
    def interval_s(self) -> float:
        return self.page.models[self.ticker]["interval"] / 1000

    async def keep_ticking(self, stop: asyncio.Event) -> None:
        page = self.page
        pending: str | None = None
        try:
            while not stop.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.interval_s)
                if stop.is_set():
                    break
                state = page.models[self.ticker]
                if not state.get("playing"):
                    continue
                if pending is not None and pending not in page.idle_at:
                    await page.settle(pending, "the previous dashboard tick")
                tick = Traffic()
                with page.tallied(tick):
                    page.set(self.ticker, value=state["value"] + 1)
                pending = page.last_sent
                self.ticks.append({"sent": now(), "id": pending, "traffic": tick})
            if pending is not None:
                await page.settle(pending, "the last dashboard tick")
        except Exception as exc:  # noqa: BLE001 - reported in the dashboard figure
            self.error = f"{type(exc).__name__}: {exc}"

    def tick_report(self, start: float, end: float) -> dict:
        """The ticks sent between `start` and `end` (the room answering): latency, refreshes seen, bytes."""
        idle = self.page.idle_at
        ticks = [dict(t, idle=idle.get(t["id"]), redrew=self.updated in t["traffic"].updated)
                 for t in self.ticks if start <= t["sent"] <= end]
        latencies = [t["idle"] - t["sent"] for t in ticks if t["idle"] is not None]
        refreshed = [t["idle"] for t in ticks if t["redrew"] and t["idle"] is not None]
        return {"ticks": len(ticks), "unanswered_ticks": sum(t["idle"] is None for t in ticks),
                "refreshes": len(refreshed), "gaps_s": refresh_gaps(refreshed, start, end),
                "tick_latency_s": latencies,
                "bytes_per_refresh": _mean([t["traffic"].received_bytes for t in ticks if t["redrew"]]),
                "messages_per_refresh": _mean([t["traffic"].received for t in ticks if t["redrew"]]),
                "bytes_per_unchanged_tick": _mean([t["traffic"].received_bytes for t in ticks if not t["redrew"]])}


def refresh_gaps(refreshed_at: list[float], start: float, end: float) -> list[float]:
    """Seconds between the dashboard's refreshes as seen, from `start` to `end` (both ends count).

    >>> refresh_gaps([3.0, 6.5], 0.0, 8.0)
    [3.0, 3.5, 1.5]
    """
    points = [start, *sorted(t for t in refreshed_at if start <= t <= end), end]
    return [b - a for a, b in zip(points, points[1:])]


def _mean(values):
    return sum(values) / len(values) if values else float("nan")


async def resumable_answers(base_url: str, name: str, unit_index: int, http) -> int | None:
    """Open the quiz on (another) server, sign in as `name`: how many answers the resume offer counts."""
    page = Page(base_url, QUIZ_NOTEBOOK, http)
    try:
        await page.load()
        page.set(page.find("TextModel", placeholder="Nguyễn Văn A"), value=name)
        page.set(page.find("DropdownModel", description="Đơn vị công tác"), index=unit_index)
        page.click(page.find("ButtonModel", description="Tiếp tục"))
        offer = re.compile(r"Bạn có bài đang làm dở \((\d+)/(\d+) câu đã trả lời\)")

        def found():
            return next((m.group(1) for mid, s in page.models.items() if s.get("_model_name") == "HTMLModel"
                         for m in [offer.search(s.get("value", ""))] if m), None)

        await page.wait(lambda: found() is not None, "the resume offer", timeout=60)
        return int(found())
    finally:
        await page.close()
