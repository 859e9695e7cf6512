"""What one simulated participant does on a page, over the protocol (see protocol.py).

- ``QuizParticipant`` (2-kiem-tra): name, unit (the first listed unit), "Tiếp tục", the default
  topic (the unit's own duties), ``questions`` questions (5 by default), practice mode, "Bắt đầu làm bài"; then for each
  question sets an answer of whatever type is shown (RadioButtons index, Checkbox value,
  matching Dropdown indexes, Text value) and clicks "Trả lời"; the round trip is from sending
  that click to receiving the ``update`` of the feedback HTML's value. Then "Câu tiếp theo",
  and after the last question "Nộp bài".
- ``BareParticipant`` (the bare notebook): clicks its Button as many times as the quiz has
  questions; the round trip is from the click to the ``update`` of the HTML beside it.

Every participant waits for a shared ``go`` event after its page is usable, so the answering of
all N overlaps ("while all N answer"), and waits ``think()`` seconds before each answer.
"""

from __future__ import annotations

import asyncio
import random

from benchmarks.protocol import Page, ProtocolError, now

QUIZ_NOTEBOOK = "2-kiem-tra.ipynb"
JOIN_TIMEOUT_S = 150  # Voila itself gives a starting kernel 60 s; a room of 60 joins in about 60 s
QUESTIONS = 5  # the quiz's smallest length (5, 10, 15, 20); the bare participant clicks as often


class Participant:
    notebook = ""

    def __init__(self, base_url: str, index: int, http, think=(0.0, 0.0), seed: int = 0, questions: int = QUESTIONS):
        self.page = Page(base_url, self.notebook, http)
        self.index = index
        self.think_range = think
        self.rng = random.Random(seed * 1000 + index)
        self.usable_at: float | None = None
        self.round_trips: list[float] = []
        self.error: str | None = None
        self.answered = 0
        self.questions = questions

    async def think(self) -> None:
        low, high = self.think_range
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))

    async def join(self, t0: float) -> None:
        # A kernel that dies while starting leaves Voila's page unfinished forever (a browser spins):
        # after JOIN_TIMEOUT_S the participant counts as failed.
        await asyncio.wait_for(self.page.load(), JOIN_TIMEOUT_S)
        self.check_widgets()
        self.usable_at = now() - t0

    def check_widgets(self) -> None:
        """A page whose notebook cell failed has no widgets: not usable."""

    async def run(self, t0: float, go: asyncio.Event, joined) -> None:
        try:
            await self.join(t0)
        except Exception as exc:  # noqa: BLE001 - reported as a failed participant
            self.error = f"join: {type(exc).__name__}: {exc}"
            joined()
            return
        joined()
        await go.wait()
        try:
            await self.act()
        except Exception as exc:  # noqa: BLE001
            self.error = f"act: {type(exc).__name__}: {exc}"

    async def act(self) -> None:
        raise NotImplementedError


class BareParticipant(Participant):
    notebook = "bare.ipynb"

    def check_widgets(self) -> None:
        self.page.find("ButtonModel")

    async def act(self) -> None:
        page = self.page
        button = page.find("ButtonModel")
        label = page.find("HTMLModel")
        for i in range(self.questions):
            await self.think()
            started = now()
            seq = page.click(button)
            await page.wait(lambda: page.updated_after(label, "value", seq), "bare click")
            self.round_trips.append(now() - started)
            self.answered += 1


class QuizParticipant(Participant):
    notebook = QUIZ_NOTEBOOK
    stop_after: int | None = None  # answer only this many questions and leave the attempt open

    def check_widgets(self) -> None:
        self.page.find("ButtonModel", description="Tiếp tục")

    async def act(self) -> None:
        page = self.page
        name = page.find("TextModel", placeholder="Nguyễn Văn A")
        unit = page.find("DropdownModel", description="Đơn vị công tác")
        sign_in = page.find("ButtonModel", description="Tiếp tục")
        start = page.find("ButtonModel", description="Bắt đầu làm bài")
        submit = page.find("ButtonModel", description="Trả lời")
        next_ = page.find("ButtonModel", description="Câu tiếp theo")
        finish = page.find("ButtonModel", description="Nộp bài")
        quiz_box = next(m for m in page.find_all("VBoxModel") if submit in page.children(m))
        kids = page.children(quiz_box)
        progress_text = kids[0]
        answer_box = kids[kids.index(submit) - 1]
        feedback = kids[kids.index(submit) + 1]
        who = page.find_all("HTMLModel")

        # Sign in: a name of its own (no attempt to resume), the first unit in the list.
        self.name = f"Học viên thử tải {self.index:03d} {self.rng.randrange(10**6):06d}"
        page.set(name, value=self.name)
        page.set(unit, index=1)
        seq = page.click(sign_in)
        await page.wait(lambda: any(page.updated_after(w, "value", seq)
                                    and "Người làm bài" in page.models[w].get("value", "") for w in who),
                        "set-up screen")
        count = page.find("DropdownModel", description="Số câu hỏi")
        page.set(count, index=page.models[count]["_options_labels"].index(str(self.questions)))
        seq = page.click(start)
        await page.wait(lambda: page.updated_after(answer_box, "children", seq), "first question")
        total = _total(page.models[progress_text]["value"])
        for position in range(total):
            await page.wait(lambda: all(c in page.models for c in page.children(answer_box)), "inputs")
            self.answer(page.children(answer_box))
            await self.think()
            started = now()
            seq = page.click(submit)
            await page.wait(lambda: page.updated_after(feedback, "value", seq)
                            and page.models[feedback]["value"] != "", "feedback")
            self.round_trips.append(now() - started)
            if 'class="feedback' not in page.models[feedback]["value"]:
                raise ProtocolError(f"answer refused: {page.models[feedback]['value'][:200]}")
            self.answered += 1
            if self.stop_after is not None and self.answered >= self.stop_after:
                return
            if position < total - 1:
                seq = page.click(next_)
                await page.wait(lambda: page.updated_after(answer_box, "children", seq)
                                and page.updated_after(progress_text, "value", seq), "next question")
        page.click(finish)

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


def _total(progress_html: str) -> int:
    # "Câu 1/10 · Đã trả lời 0/10"
    import re

    match = re.search(r"Câu \d+/(\d+)", progress_html)
    if not match:
        raise ProtocolError(f"no question count in {progress_html[:200]!r}")
    return int(match.group(1))


async def resumable_answers(base_url: str, name: str, unit_index: int, http) -> int | None:
    """Open the quiz on (another) server, sign in as `name`: how many answers the resume offer counts."""
    import re

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
