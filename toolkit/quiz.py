"""Questions about the plan: generated from the data, authored in quizzes/*.yaml, assembled and scored.

Every generated option is checked against the plan data: a distractor is never a correct answer,
also not through a group ("Các sở, ban, ngành" contains Sở Tư pháp). Scoring is pure Python and
returns (points, max_points) so every score can be explained.
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from toolkit.datacache import cached, fingerprint
from toolkit.datafile import DataError, Problem, check_schema, load_schema, non_nfc_strings, read_yaml
from toolkit.plan import DEFAULT_PLAN_DIR, SOURCE_TEXT, Plan, Task
from toolkit.text import fold, squash

QUESTION_TYPES = ("single", "multiple", "true_false", "matching", "text")
TRUE_FALSE = ("Đúng", "Sai")
DEFAULT_QUIZ_DIR = Path(__file__).resolve().parents[1] / "quizzes"
BANK_SCHEMA = DEFAULT_QUIZ_DIR / "schema" / "bank.schema.json"

TEMPLATES = {
    "lead": "Cơ quan chủ trì của nhiệm vụ",
    "task_of": "Nhiệm vụ do cơ quan chủ trì",
    "coordinators": "Cơ quan phối hợp",
    "deadline": "Thời hạn",
    "section": "Thuộc mục nào",
    "directs": "Giao hay đề nghị",
    "tf_lead": "Đúng/sai: chủ trì",
    "tf_deadline": "Đúng/sai: thời hạn",
    "matching": "Ghép cơ quan với nhiệm vụ",
}


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    stem: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str
    source: str
    task_ids: tuple[str, ...] = ()
    template: str | None = None
    section: str | None = None
    rows: tuple[str, ...] = ()  # matching: one prompt per row; correct[i] is the option for row i
    answers: tuple[str, ...] = ()  # text: accepted answers
    agencies: tuple[str, ...] = ()
    bank: str | None = None

    @property
    def correct_text(self) -> str:
        """The right answer in words, for feedback after the participant has answered."""
        if self.type == "text":
            return self.answers[0]
        if self.type in ("single", "true_false"):
            return self.options[self.correct[0]]
        return self.describe(list(self.correct))

    def describe(self, answer) -> str:
        """An answer (in this question's own option indices) in words; a malformed one as its JSON."""
        import json

        try:
            if self.type in ("single", "true_false"):
                return self.options[answer]
            if self.type == "multiple":
                return "; ".join(self.options[i] for i in answer)
            if self.type == "matching":
                return "; ".join(f"{row} → {self.options[c]}" for row, c in zip(self.rows, answer))
        except (IndexError, TypeError):
            return json.dumps(answer, ensure_ascii=False)
        return str(answer)


def stable_seed(*parts: str) -> int:
    """The same text gives the same seed in every process (unlike hash(), which Python salts)."""
    return int(hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16], 16)


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    points: float
    max_points: float

    @property
    def is_correct(self) -> bool:
        return self.points >= self.max_points


def score(question: Question, answer) -> Score:
    """Points for an answer given in the question's own option indices (not the shuffled display order).

    - single, true_false: 1 if the chosen index is the correct one, else 0; no answer is 0.
    - multiple: each correct option ticked adds 1/k (k = number of correct options), each wrong option
      ticked takes 1/k away, floored at 0 — so ticking everything earns nothing (as in Moodle).
    - matching: 1/r for each of the r rows matched correctly.
    - text: 1 if the answer equals an accepted answer ignoring case, diacritics, spaces and final punctuation.
    """
    if answer is None:
        return Score(0.0, 1.0)
    if question.type in ("single", "true_false"):
        return Score(1.0 if answer == question.correct[0] else 0.0, 1.0)
    if question.type == "multiple":
        chosen, right = set(answer), set(question.correct)
        k = len(right)
        return Score(round(max(0.0, (len(chosen & right) - len(chosen - right)) / k), 4), 1.0)
    if question.type == "matching":
        rows = len(question.correct)
        hits = sum(1 for given, want in zip(answer, question.correct) if given == want)
        return Score(round(hits / rows, 4), 1.0)
    if question.type == "text":
        return Score(1.0 if _norm_answer(answer) in {_norm_answer(a) for a in question.answers} else 0.0, 1.0)
    raise ValueError(question.type)


def _norm_answer(text: str) -> str:
    return fold(str(text)).strip(" .;,!?\"'")


# ---------------------------------------------------------------- generation


def _conflict(plan: Plan, a: str, b: str) -> bool:
    """True when a and b are the same body or one is a group containing the other."""
    return a == b or a in plan.memberships(b) or b in plan.memberships(a)


def _conflicts_any(plan: Plan, a: str, keys: Iterable[str]) -> bool:
    return any(_conflict(plan, a, k) for k in keys)


def _named(plan: Plan, keys: Iterable[str]) -> list[str]:
    return [k for k in keys if plan.agency(k).kind != "generic"]


def _pick(rng: random.Random, tiers: Sequence[Sequence[str]], n: int, taken: Iterable[str] = ()) -> list[str]:
    """n distinct items, taking from the first (most plausible) tier before the next."""
    out, seen = [], set(taken)
    for tier in tiers:
        pool = [x for x in dict.fromkeys(tier) if x not in seen]
        rng.shuffle(pool)
        for x in pool[: n - len(out)]:
            out.append(x)
            seen.add(x)
        if len(out) == n:
            break
    return out


def _in_text(plan: Plan, key: str, text: str) -> bool:
    a = plan.agency(key)
    folded = fold(text)
    return any(fold(name) in folded for name in (a.short, *a.aliases))


def _task_phrase(task: Task) -> str:
    return f"«{task.summary}» (nhiệm vụ {task.id})"


def _hints_deadline(task: Task) -> bool:
    """Would the task's summary, shown in the stem, hint at its deadline?

    "Định kỳ hằng năm báo cáo…" (III.2.b) answers "Hàng năm" by itself; "giai đoạn 2017-2021" points
    at 2021. Such tasks get no deadline question (their other questions stay).
    """
    text, d = fold(task.summary), task.deadline
    if d.kind == "annual":
        return "hang nam" in text or "dinh ky" in text
    if d.kind == "after_central":
        return "trung uong" in text
    return (d.year is not None and str(d.year) in text) or "quy " in text


def _mid(plan: Plan, key: str) -> str:
    """An agency's name inside a sentence: groups read "các sở, ban, ngành Thành phố", not "Các sở…"."""
    a = plan.agency(key)
    if a.is_group and a.name.startswith("Các "):
        return "c" + a.name[1:]
    return a.short


def _names(plan: Plan, keys) -> str:
    return ", ".join(_mid(plan, k) for k in keys) or "không nêu"


def _explain(plan: Plan, task: Task) -> str:
    verb = "đề nghị" if task.requested else "giao"
    text = f"Nhiệm vụ {task.id} được Kế hoạch {verb} cho {_names(plan, task.lead)} chủ trì"
    if task.coordinating:
        text += f"; phối hợp: {_names(plan, task.coordinating)}"
    text += f". Thời hạn: {task.deadline.label}."
    return text


class _Generator:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.agency_keys = [k for k, a in plan.agencies.items() if a.kind != "generic"]
        self.leads_by_section: dict[str, set[str]] = {}
        for t in plan.tasks:
            self.leads_by_section.setdefault(t.section, set()).update(_named(plan, t.lead))

    def rng(self, qid: str) -> random.Random:
        return random.Random(stable_seed(qid))

    def question(self, qid, qtype, stem, options, correct, task: Task | None, template, **kw) -> Question:
        return Question(
            id=qid, type=qtype, stem=stem, options=tuple(options), correct=tuple(correct),
            explanation=kw.pop("explanation", _explain(self.plan, task) if task else ""),
            source=kw.pop("source", task.source_text if task else ""),
            task_ids=kw.pop("task_ids", (task.id,) if task else ()), template=template,
            section=kw.pop("section", task.section if task else None), **kw)

    def agency_distractors(self, rng, task: Task, correct: str, exclude: Sequence[str], n: int) -> list[str]:
        """Plausible wrong agencies: the task's other bodies first, then the same kind, then the section's."""
        plan = self.plan
        ok = [k for k in self.agency_keys if not _conflicts_any(plan, k, exclude)
              and not _in_text(plan, k, task.summary)]
        kind = plan.agency(correct).kind
        tiers = [
            [k for k in _named(plan, task.lead + task.coordinating) if k in ok],
            [k for k in ok if plan.agency(k).kind == kind],
            [k for k in ok if k in self.leads_by_section.get(task.section, ())],
            ok,
        ]
        return _pick(rng, tiers, n)

    def options_with(self, rng, correct: Sequence[str], distractors: Sequence[str]) -> tuple[list[str], list[int]]:
        items = list(correct) + list(distractors)
        rng.shuffle(items)
        return items, sorted(items.index(c) for c in correct)

    # -- templates
    def lead(self) -> list[Question]:
        out = []
        for t in self.plan.tasks:
            leads = _named(self.plan, t.lead)
            for key in leads:
                if _in_text(self.plan, key, t.summary):
                    continue
                qid = f"lead:{t.id}:{key}"
                rng = self.rng(qid)
                wrong = self.agency_distractors(rng, t, key, t.lead, 3)
                if len(wrong) < 3:
                    continue
                keys, correct = self.options_with(rng, [key], wrong)
                verb = "được đề nghị chủ trì" if t.requested else "chủ trì"
                which = "là một trong các cơ quan" if len(leads) > 1 else "là cơ quan"
                stem = f"Theo Kế hoạch 241/KH-UBND, cơ quan nào sau đây {which} {verb} nhiệm vụ {_task_phrase(t)}?"
                out.append(self.question(qid, "single", stem, [self.plan.agency_name(k) for k in keys], correct, t,
                                         "lead", agencies=tuple(leads)))
        return out

    def task_of(self) -> list[Question]:
        plan, out = self.plan, []
        for key in self.agency_keys:
            led = [t for t in plan.tasks if key in t.lead]
            for t in led:
                qid = f"task_of:{key}:{t.id}"
                rng = self.rng(qid)
                ok = [d for d in plan.tasks if d.id != t.id and not _conflicts_any(plan, key, d.lead)
                      and d.summary != t.summary and (d.parent is None or d.parent != t.parent)]
                tiers = [[d.id for d in ok if key in d.coordinating], [d.id for d in ok if d.section == t.section],
                         [d.id for d in ok]]
                wrong = _pick(rng, tiers, 3)
                if len(wrong) < 3:
                    continue
                ids, correct = self.options_with(rng, [t.id], wrong)
                verb = "được đề nghị chủ trì" if t.requested else "được giao chủ trì"
                stem = f"Theo Kế hoạch 241/KH-UBND, nhiệm vụ nào sau đây {verb} cho {_mid(plan, key)}?"
                out.append(self.question(qid, "single", stem, [plan.task(i).summary for i in ids], correct, t,
                                         "task_of", agencies=(key,)))
        return out

    def coordinators(self) -> list[Question]:
        plan, out = self.plan, []
        for t in plan.tasks:
            # A body named both as lead and as coordinator (III.1.a) is left out: either answer would be a trap.
            coord = [k for k in _named(plan, t.coordinating) if k not in t.lead]
            if not coord or any(_in_text(plan, k, t.summary) for k in coord):
                continue
            qid = f"coordinators:{t.id}"
            rng = self.rng(qid)
            n_wrong = max(2, 4 - len(coord))
            wrong = self.agency_distractors(rng, t, coord[0], t.coordinating + t.lead, n_wrong)
            leads_first = [k for k in _named(plan, t.lead) if not _conflicts_any(plan, k, t.coordinating)]
            wrong = (leads_first + [w for w in wrong if w not in leads_first])[:n_wrong]
            keys, correct = self.options_with(rng, coord, wrong)
            unnamed = [k for k in t.coordinating if plan.agency(k).kind == "generic"]
            note = f" (ngoài {', '.join(plan.agency_name(k).lower() for k in unnamed)})" if unnamed else ""
            stem = (f"Những cơ quan nào sau đây được Kế hoạch nêu tên là cơ quan phối hợp{note} trong nhiệm vụ "
                    f"{_task_phrase(t)}? Chọn tất cả đáp án đúng.")
            out.append(self.question(qid, "multiple", stem, [plan.agency_name(k) for k in keys], correct, t,
                                     "coordinators", agencies=tuple(coord)))
        return out

    def _deadline_labels(self) -> dict[tuple, str]:
        labels = {}
        for t in self.plan.tasks:
            d = t.deadline
            if d.kind in ("once_by", "year", "annual", "after_central"):
                labels.setdefault((d.kind, d.year, d.quarter), _canonical_deadline(d))
        return labels

    def deadline(self) -> list[Question]:
        labels, out = self._deadline_labels(), []
        for t in self.plan.tasks:
            d = t.deadline
            key = (d.kind, d.year, d.quarter)
            if key not in labels or _hints_deadline(t):
                continue
            qid = f"deadline:{t.id}"
            rng = self.rng(qid)
            wrong = _pick(rng, [[k for k in labels if k != key]], 3)
            keys, correct = self.options_with(rng, [key], wrong)
            stem = f"Thời hạn thực hiện nhiệm vụ {_task_phrase(t)} theo Kế hoạch là gì?"
            out.append(self.question(qid, "single", stem, [labels[k] for k in keys], correct, t, "deadline",
                                     agencies=tuple(_named(self.plan, t.lead))))
        return out

    def section(self) -> list[Question]:
        plan, out = self.plan, []
        sections = [s for s in plan.sections if s.part == "II"]
        for t in plan.tasks:
            if t.part != "II":
                continue
            qid = f"section:{t.id}"
            rng = self.rng(qid)
            wrong = _pick(rng, [[s.id for s in sections if s.id != t.section]], 3)
            ids, correct = self.options_with(rng, [t.section], wrong)
            stem = f"Nhiệm vụ «{t.summary}» thuộc nhóm nhiệm vụ, giải pháp nào trong Phần II của Kế hoạch?"
            out.append(self.question(qid, "single", stem, [plan.section(i).label for i in ids], correct, t, "section",
                                     task_ids=(t.id,)))
        return out

    def directs(self) -> list[Question]:
        plan, out = self.plan, []
        outside = {"mat_tran", "to_chuc_xa_hoi_nghe_nghiep", "co_quan_bao_chi", "luc_luong_vu_trang"}
        outside_groups = {"to_chuc_thanh_vien_mttq", "to_chuc_ct_xh", "to_chuc_xh_nghe_nghiep", "hiep_hoi_dn"}
        for t in plan.tasks:
            if not any(plan.agency(k).kind in outside or k in outside_groups for k in t.lead):
                continue
            qid = f"directs:{t.id}"
            options = ["Giao thực hiện (dùng lời chỉ đạo)", "Đề nghị thực hiện (dùng từ «Đề nghị»)"]
            stem = (f"Với nhiệm vụ {_task_phrase(t)} của {_names(plan, t.lead)}, Kế hoạch dùng hình thức nào?")
            expl = _explain(plan, t) + (" Kế hoạch dùng từ «Đề nghị» vì UBND Thành phố không chỉ đạo trực tiếp các "
                                        "tổ chức này." if t.requested else " Văn bản dùng lời giao việc, không dùng «Đề nghị».")
            out.append(self.question(qid, "single", stem, options, [1 if t.requested else 0], t, "directs",
                                     explanation=expl, agencies=tuple(_named(plan, t.lead))))
        return out

    def tf_lead(self) -> list[Question]:
        plan, out = self.plan, []
        for t in plan.tasks:
            leads = _named(plan, t.lead)
            if len(leads) != 1 or _in_text(plan, leads[0], t.summary):
                continue
            true_id = f"tf_lead:{t.id}:{leads[0]}"
            stem = f"Đúng hay sai: {_mid(plan, leads[0])} chủ trì nhiệm vụ {_task_phrase(t)}."
            out.append(self.question(true_id, "true_false", stem, TRUE_FALSE, [0], t, "tf_lead", agencies=tuple(leads)))
            rng = self.rng(f"tf_lead:{t.id}")
            wrong = self.agency_distractors(rng, t, leads[0], t.lead, 1)
            if wrong:
                qid = f"tf_lead:{t.id}:{wrong[0]}"
                stem = f"Đúng hay sai: {_mid(plan, wrong[0])} chủ trì nhiệm vụ {_task_phrase(t)}."
                out.append(self.question(qid, "true_false", stem, TRUE_FALSE, [1], t, "tf_lead",
                                         agencies=tuple(leads) + tuple(wrong)))
        return out

    def tf_deadline(self) -> list[Question]:
        labels, out = self._deadline_labels(), []
        for t in self.plan.tasks:
            d = t.deadline
            key = (d.kind, d.year, d.quarter)
            if key not in labels or d.kind == "annual" or _hints_deadline(t):
                continue
            rng = self.rng(f"tf_deadline:{t.id}")
            wrong = _pick(rng, [[k for k in labels if k != key]], 1)[0]
            for k, truth in ((key, 0), (wrong, 1)):
                qid = f"tf_deadline:{t.id}:{'-'.join(str(x) for x in k if x is not None)}"
                stem = f"Đúng hay sai: thời hạn của nhiệm vụ {_task_phrase(t)} là «{labels[k]}»."
                out.append(self.question(qid, "true_false", stem, TRUE_FALSE, [truth], t, "tf_deadline",
                                         agencies=tuple(_named(self.plan, t.lead))))
        return out

    def matching(self, size: int = 4) -> list[Question]:
        """Rows of tasks, each with one named body as its only lead, no two leads in conflict."""
        plan, out = self.plan, []
        pool = [t for t in plan.tasks if len(t.lead) == 1 and not plan.agency(t.lead[0]).is_group
                and not any(_in_text(plan, k, t.summary) for k in self.agency_keys)]
        used: set[str] = set()
        while True:
            rows: list[Task] = []
            for t in pool:
                if t.id in used or any(_conflict(plan, t.lead[0], r.lead[0]) for r in rows):
                    continue
                rows.append(t)
                if len(rows) == size:
                    break
            if len(rows) < size:
                return out
            used.update(r.id for r in rows)
            qid = "matching:" + "+".join(r.id for r in rows)
            rng = self.rng(qid)
            keys = [r.lead[0] for r in rows]
            extra = _pick(rng, [[k for k in self.agency_keys if not plan.agency(k).is_group
                                 and not _conflicts_any(plan, k, keys)]], 1)
            choices = keys + extra
            rng.shuffle(choices)
            out.append(Question(
                id=qid, type="matching", template="matching", section=rows[0].section,
                stem="Ghép mỗi nhiệm vụ với cơ quan chủ trì theo Kế hoạch 241/KH-UBND.",
                rows=tuple(f"{r.summary} ({r.id})" for r in rows),
                options=tuple(plan.agency_name(k) for k in choices),
                correct=tuple(choices.index(k) for k in keys),
                explanation=" ".join(_explain(plan, r) for r in rows),
                source=" […] ".join(r.source_text for r in rows),
                task_ids=tuple(r.id for r in rows), agencies=tuple(keys)))


def _canonical_deadline(d) -> str:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
    if d.kind == "once_by":
        return f"Hoàn thành trong Quý {roman[d.quarter]} năm {d.year}"
    if d.kind == "year":
        return f"Trong năm {d.year}"
    if d.kind == "annual":
        return "Hàng năm"
    return "Sau khi Trung ương ban hành Đề án, Chương trình"


def generate_questions(plan: Plan) -> list[Question]:
    """Every generated question, in a fixed order; the same plan always gives the same questions."""
    g = _Generator(plan)
    return [*g.lead(), *g.task_of(), *g.coordinators(), *g.deadline(), *g.section(), *g.directs(),
            *g.tf_lead(), *g.tf_deadline(), *g.matching()]


# ---------------------------------------------------------------- authored banks


@dataclass(frozen=True)
class Bank:
    key: str
    title: str
    file: str
    questions: tuple[Question, ...]
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # question id -> line, for messages


def load_bank(path: Path | str, plan: Plan) -> Bank:
    """Read one authored bank; raise DataError listing every problem (the bank is refused whole)."""
    doc = read_yaml(path)
    problems = check_schema(doc, load_schema(BANK_SCHEMA)) + non_nfc_strings(doc)
    if problems:
        raise DataError(problems)
    source = squash((DEFAULT_PLAN_DIR / SOURCE_TEXT).read_text(encoding="utf-8"))
    data, questions, seen, lines = doc.data, [], {}, {}
    for i, q in enumerate(data["questions"]):
        at = ("questions", i)
        if q["id"] in seen:
            problems.append(doc.problem(at + ("id",), f"Mã câu hỏi '{q['id']}' bị trùng (đã có ở dòng {seen[q['id']]})."))
        seen.setdefault(q["id"], doc.line(at))
        opts = q.get("options", [])
        n_right = sum(1 for o in opts if o.get("correct"))
        if q["type"] in ("single", "true_false") and n_right != 1:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': cần đúng một đáp án đúng, đang có {n_right}."))
        if q["type"] == "multiple" and n_right < 1:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': chưa có đáp án đúng nào."))
        if q["type"] in ("single", "multiple", "true_false") and len(opts) < 2:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': cần ít nhất 2 phương án."))
        if q["type"] == "text" and not q.get("answers"):
            problems.append(doc.problem(at, f"Câu '{q['id']}': câu tự luận ngắn cần danh sách 'answers'."))
        seen_opts: dict[str, str] = {}
        for j, o in enumerate(opts):
            first = seen_opts.setdefault(fold(o["text"]), o["text"])
            if first is not o["text"]:
                problems.append(doc.problem(at + ("options", j), f"Câu '{q['id']}': phương án «{o['text']}» trùng "
                                                                 f"với «{first}» (không kể dấu, hoa thường)."))
        if q["type"] == "true_false" and sorted(o["text"] for o in opts) != sorted(TRUE_FALSE):
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': câu đúng/sai phải có đúng hai phương án "
                                                           "«Đúng» và «Sai»."))
        if q["type"] == "text" and opts:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': câu trả lời ngắn không dùng 'options'."))
        for j, tid in enumerate(q.get("task_ids", [])):
            if tid not in plan._tasks_by_id:
                problems.append(doc.problem(at + ("task_ids", j), f"Câu '{q['id']}': không có nhiệm vụ '{tid}' trong Kế hoạch."))
        for j, key in enumerate(q.get("agencies", [])):
            if key not in plan.agencies:
                problems.append(doc.problem(at + ("agencies", j), f"Câu '{q['id']}': mã cơ quan '{key}' không có trong danh mục."))
        for j, excerpt in enumerate(q["source"]):
            if squash(excerpt) not in source:
                problems.append(doc.problem(at + ("source", j), f"Câu '{q['id']}': trích dẫn không khớp nguyên văn Kế hoạch."))
        if q["type"] == "true_false":
            # The key follows the text: written as [Sai, Đúng (correct)] it is still "Đúng".
            options = TRUE_FALSE
            correct = tuple(sorted(TRUE_FALSE.index(o["text"]) for o in opts if o.get("correct") and o["text"] in TRUE_FALSE))
        else:
            options = tuple(squash(o["text"]) for o in opts)
            correct = tuple(j for j, o in enumerate(opts) if o.get("correct"))
        lines[q["id"]] = doc.line(at + ("id",))
        questions.append(Question(
            id=q["id"], type=q["type"], stem=squash(q["stem"]), options=options, correct=correct,
            explanation=squash(q["explanation"]), source=" […] ".join(squash(s) for s in q["source"]),
            task_ids=tuple(q.get("task_ids", ())), template=None, section=q["section"],
            answers=tuple(q.get("answers", ())), agencies=tuple(q.get("agencies", ())), bank=data["bank"]))
    if problems:
        raise DataError(problems)
    return Bank(data["bank"], data["title"], doc.file, tuple(questions), lines)


def load_banks(directory: Path | str | None, plan: Plan,
               files: Sequence[Path] | None = None) -> tuple[list[Bank], list[Problem]]:
    """Every valid bank in a folder (or the given files), and the problems of those refused (each whole).

    A bank whose key or question ids are already taken by an earlier file (in name order) is refused.
    """
    banks, problems, ids, keys = [], [], {}, {}
    paths = files if files is not None else sorted(Path(directory or DEFAULT_QUIZ_DIR).glob("*.yaml"))
    for path in paths:
        try:
            bank = load_bank(path, plan)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if bank.key in keys:
            problems.append(Problem(bank.file, None, f"Mã ngân hàng '{bank.key}' đã dùng trong {keys[bank.key]}; "
                                                     "ngân hàng này bị từ chối toàn bộ."))
            continue
        clashes = [Problem(bank.file, bank.lines.get(q.id), f"Mã câu hỏi '{q.id}' đã có trong {ids[q.id]}; "
                                                           "ngân hàng này bị từ chối toàn bộ.")
                   for q in bank.questions if q.id in ids]
        if clashes:
            problems.extend(clashes)
            continue
        keys[bank.key] = bank.file
        ids.update({q.id: bank.file for q in bank.questions})
        banks.append(bank)
    return banks, problems


@functools.lru_cache(maxsize=4)
def _question_bank_cached(plan: Plan, directory: str) -> tuple[tuple[Question, ...], tuple[Problem, ...]]:
    def build():
        banks, problems = load_banks(directory, plan)
        return tuple(generate_questions(plan)) + tuple(q for b in banks for q in b.questions), tuple(problems)

    plan_key = plan.__dict__.get("source_key")
    if not plan_key:  # a plan built in memory (tests): nothing on disk names it
        return build()
    folder = Path(directory)
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts] if folder.is_dir() else []
    return cached("questions", fingerprint(files, plan_key, directory), build)


def question_bank(plan: Plan, directory: Path | str | None = None) -> tuple[tuple[Question, ...], tuple[Problem, ...]]:
    """Generated plus authored questions (cached per plan and folder), and problems of refused banks."""
    return _question_bank_cached(plan, str(Path(directory or DEFAULT_QUIZ_DIR).resolve()))


# ---------------------------------------------------------------- topics and assembling a quiz


@dataclass(frozen=True)
class Topic:
    """What a quiz is about: kind is all | section | agency | unit | bank; value names which one."""

    kind: str = "all"
    value: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Topic":
        kind, _, value = text.partition(":")
        return cls(kind, value or None)

    def __str__(self) -> str:
        return self.kind if self.value is None else f"{self.kind}:{self.value}"


def questions_for_topic(plan: Plan, questions: Sequence[Question], topic: Topic) -> list[Question]:
    if topic.kind == "all":
        return list(questions)
    if topic.kind == "section":
        return [q for q in questions if q.section == topic.value]
    if topic.kind == "bank":
        return [q for q in questions if q.bank == topic.value]
    if topic.kind in ("agency", "unit"):
        if topic.kind == "agency":
            tasks = {a.task.id for a in plan.assignments(topic.value)}
            through = plan.memberships(topic.value)
        else:
            tasks = {t.id for t in plan.tasks_for_unit(topic.value)}
            through = plan.unit_memberships(topic.value)
        return [q for q in questions if (q.task_ids and set(q.task_ids) <= tasks) or set(q.agencies) & through]
    raise ValueError(f"Chủ đề không hợp lệ: {topic}")


@dataclass(frozen=True)
class QuizItem:
    """One question as shown in one attempt: the option order (and row order for matching) on screen."""

    question_id: str
    option_order: tuple[int, ...]
    row_order: tuple[int, ...] = ()


def build_quiz(questions: Sequence[Question], n: int, seed: int) -> list[QuizItem]:
    """Pick n questions and shuffle their options; the same seed rebuilds the same attempt.

    Questions are drawn round-robin across templates so a short quiz is not ten true/false items.
    """
    rng = random.Random(seed)
    by_kind: dict[str, list[Question]] = {}
    for q in sorted(questions, key=lambda q: q.id):
        by_kind.setdefault(q.template or "authored", []).append(q)
    for qs in by_kind.values():
        rng.shuffle(qs)
    kinds = sorted(by_kind)
    rng.shuffle(kinds)
    chosen: list[Question] = []
    used_tasks: set[str] = set()
    while len(chosen) < n and any(by_kind.values()):
        for kind in kinds:
            if not by_kind[kind] or len(chosen) == n:
                continue
            # Prefer a question about a task not asked yet in this attempt.
            qs = by_kind[kind]
            pick = next((q for q in qs if not set(q.task_ids) & used_tasks), qs[0])
            qs.remove(pick)
            chosen.append(pick)
            used_tasks.update(pick.task_ids)
    rng.shuffle(chosen)
    items = []
    for q in chosen:
        order = list(range(len(q.options)))
        if q.type != "true_false":
            rng.shuffle(order)
        rows = list(range(len(q.rows)))
        rng.shuffle(rows)
        items.append(QuizItem(q.id, tuple(order), tuple(rows)))
    return items
