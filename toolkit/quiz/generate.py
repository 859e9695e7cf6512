"""Questions generated from the plan's data.

Every generated question keeps the rules of `toolkit.quiz.checks`: a wrong option is wrong by the
plan's own words (never a body that overlaps a key, never a body the task reaches by another path),
"chủ trì" is said only where the plan says it, stems cite the plan's numbering, and no constant answer
wins a template by more than chance plus 15 points. Question ids are `template:task[:variant]`, stable
across runs for every question that still exists.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from typing import Iterable, Sequence

from toolkit.plan.model import DEADLINE_LABEL, Deadline, Plan, Task
from toolkit.plan.naming import plan_short
from toolkit.quiz import checks
from toolkit.quiz.questions import TRUE_FALSE, Question, stable_seed
from toolkit.vietnamese import fold

TEMPLATES = {
    "lead": "Cơ quan được giao (chủ trì) nhiệm vụ",
    "task_of": "Nhiệm vụ của một cơ quan",
    "coordinators": "Cơ quan phối hợp",
    "deadline": "Thời hạn",
    "section": "Thuộc mục nào",
    "directs": "Giao hay đề nghị",
    "tf_lead": "Đúng/sai: cơ quan được giao",
    "tf_deadline": "Đúng/sai: thời hạn",
    "matching": "Ghép cơ quan với nhiệm vụ",
}
ORDINALS = {1: "thứ nhất", 2: "thứ hai", 3: "thứ ba", 4: "thứ tư", 5: "thứ năm", 6: "thứ sáu"}
BALANCE_MARGIN = 0.13  # the generator keeps under this, a little inside the rule (checks.GUESS_MARGIN, 0.15)
TWO_OPTION_MARGIN = 0.08
# Deadline wording used when a kind is offered as a wrong option: the plan's own words.
WRONG_AFTER_CENTRAL = "Sau khi Trung ương ban hành Đề án"
NO_DEADLINE_NOTE = "Văn bản không nêu thời hạn."
# Words that carry no topic: two texts sharing only these are not "sharing wording".
_STOP = set("va cua cac cho trong voi ve tai theo de la nhung mot thuc hien nhiem vu cong tac pbgdpl "
            "phap luat pho bien giao duc to chuc co quan don vi nang cao hieu qua tang cuong tren dia ban "
            "thanh pho ke hoach nay cap trien khai tham gia noi dung xa hoi he thong".split())


# ---------------------------------------------------------------- wording


def cite(task: Task) -> str:
    """The plan's own numbering of a task: "mục II.5.b", or "mục II.4.b, gạch đầu dòng thứ hai" for a split.

    >>> plan = load_plan()
    >>> cite(plan.task("II.9")), cite(plan.task("II.6.c.3"))
    ('mục II.9', 'mục II.6.c, gạch đầu dòng thứ ba')
    """
    if task.parent:
        n = int(task.id.rsplit(".", 1)[1])
        return f"mục {task.parent}, gạch đầu dòng {ORDINALS[n]}"
    return f"mục {task.id}"


def _cite_sentence(task: Task) -> str:
    c = cite(task)
    return c[0].upper() + c[1:]


def _q(text: str) -> str:
    return f"“{text}”"


def _mid(plan: Plan, key: str) -> str:
    """An agency's name inside a sentence: groups read "các sở, ban, ngành Thành phố", not "Các sở…"."""
    a = plan.agency(key)
    if a.is_group and a.name.startswith("Các "):
        return "c" + a.name[1:]
    return a.short


def _names(plan: Plan, keys) -> str:
    return ", ".join(_mid(plan, k) for k in keys)


def _quote_basis(basis: str) -> str:
    """A verbatim excerpt in quotation marks, as a sentence: "…" marks where the plan's sentence goes on.

    >>> _quote_basis("b) Sở Tư pháp chủ trì, phối hợp với"), _quote_basis("triển khai thực hiện Kế hoạch này./.")
    ('“b) Sở Tư pháp chủ trì, phối hợp với…”.', '“triển khai thực hiện Kế hoạch này.”')
    """
    basis = basis.removesuffix("/.")
    return _q(basis) if basis.endswith(".") else _q(basis.rstrip(":;, ") + "…") + "."


def _deadline_sentence(task: Task) -> str:
    d = task.deadline
    if d.kind == "none":
        return "Kế hoạch không nêu thời hạn cho nhiệm vụ này."
    if m := DEADLINE_LABEL.search(task.source_text):
        return f"{m[1][:1].upper()}{m[1][1:]}: {_q(d.text)}."
    return f"{_cite_sentence(task)} không có dòng “Thời gian thực hiện”; nội dung ghi {_q(d.text)}."


def explain(plan: Plan, task: Task, *, deadline: bool = True) -> str:
    """The plan's words for who does the task and by when, then the compiler's notes, marked as such."""
    parts = [f"{_cite_sentence(task)}: {_quote_basis(task.lead_basis)}" if task.lead_basis else f"{_cite_sentence(task)}."]
    for basis in task.also_true_basis:
        parts.append(f"Kế hoạch cũng viết: {_quote_basis(basis)}")
    if deadline:
        parts.append(_deadline_sentence(task))
    notes = [n for n in task.notes if n != NO_DEADLINE_NOTE]  # the deadline sentence says it already
    if notes:
        parts.append(f"{checks.COMPILER_NOTE} " + " ".join(notes))
    return " ".join(parts)


# ---------------------------------------------------------------- rules shared by the templates


def _named(plan: Plan, keys: Iterable[str]) -> list[str]:
    return [k for k in keys if plan.agency(k).kind != "generic"]


def _in_text(plan: Plan, key: str, text: str) -> bool:
    a = plan.agency(key)
    folded = fold(text)
    return any(fold(name) in folded for name in (a.short, *a.aliases))


def _pick(rng: random.Random, tiers: Sequence[Sequence[str]], n: int, taken: Iterable[str] = (), *,
          compatible=None) -> list[str]:
    """n distinct items, taking from the first (most plausible) tier before the next.

    `compatible(chosen, x)` may refuse an item that does not fit with those already chosen.
    """
    out, seen = [], set(taken)
    for tier in tiers:
        pool = [x for x in dict.fromkeys(tier) if x not in seen]
        rng.shuffle(pool)
        for x in pool:
            if len(out) == n:
                break
            if compatible is None or compatible(out, x):
                out.append(x)
                seen.add(x)
        if len(out) == n:
            break
    return out


def _hints_deadline(task: Task) -> bool:
    """Would the task's summary, shown in the stem, hint at its deadline?

    "Định kỳ hằng năm báo cáo…" (III.2.b) answers "Hàng năm" by itself; a year of the deadline does
    too ("năm 2022"), but not a programme period ending that year ("giai đoạn 2017-2021", II.4.b.1).
    """
    text, d = fold(task.summary), task.deadline
    if d.kind == "annual":
        return "hang nam" in text or "dinh ky" in text
    if d.kind == "after_central":
        return "trung uong" in text
    year = d.year is not None and re.search(rf"(?<![\d-]){d.year}(?!-\d)", text)
    return bool(year) or "quy " in text


def _deadline_key(d: Deadline) -> tuple:
    return (d.kind, d.year, d.quarter)


def _deadline_true_of(task: Task, key: tuple) -> bool:
    """Could a deadline of this kind be read into the task's own words (so it is no fair wrong option)?"""
    source = fold(task.source_text)
    kind, year, _ = key
    if kind == "annual":
        return "hang nam" in source
    if kind == "after_central":
        return "trung uong ban hanh" in source
    return year is not None and str(year) in source


def _content_pairs(text: str) -> set[tuple[str, str]]:
    words = re.findall(r"\w+", fold(text))
    return {(a, b) for a, b in zip(words, words[1:]) if not (a in _STOP and b in _STOP)}


def _shares_wording(a: str, b: str) -> bool:
    """Do two texts share a two-word phrase beyond the plan's common words ("công tác PBGDPL")?"""
    return bool(_content_pairs(a) & _content_pairs(b))


# ---------------------------------------------------------------- the generator


class _Generator:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.name = plan_short(plan)  # "Kế hoạch 241/KH-UBND": every stem cites the plan it asks about
        self.agency_keys = [k for k, a in plan.agencies.items() if a.kind != "generic"]
        self.holders_by_section: dict[str, set[str]] = {}
        for t in plan.tasks:
            self.holders_by_section.setdefault(t.section, set()).update(_named(plan, t.addressed_to))

    def rng(self, qid: str) -> random.Random:
        return random.Random(stable_seed(qid))

    def question(self, qid, qtype, stem, options, correct, task: Task | None, template, **kw) -> Question:
        return Question(
            id=qid, type=qtype, stem=stem, options=tuple(options), correct=tuple(correct),
            explanation=kw.pop("explanation", explain(self.plan, task) if task else ""),
            source=kw.pop("source", task.source_text if task else ""),
            task_ids=kw.pop("task_ids", (task.id,) if task else ()), template=template,
            section=kw.pop("section", task.section if task else None), **kw)

    def options_with(self, rng, correct: Sequence[str], distractors: Sequence[str]) -> tuple[list[str], list[int]]:
        items = list(correct) + list(distractors)
        rng.shuffle(items)
        return items, sorted(items.index(c) for c in correct)

    # -- who does a task
    def who_keys(self, t: Task) -> list[str]:
        """Bodies a who-question may key for t: where the plan says "chủ trì", the lead; else the addressees."""
        if t.hints_lead:
            return []
        return [k for k in _named(self.plan, checks.role_holders(t)) if not _in_text(self.plan, k, t.summary)]

    def pick_key(self, template: str, t: Task, keys: Sequence[str]) -> list[str]:
        """One question per task: the keys in a stable order, the first that works is used."""
        return sorted(keys, key=lambda k: stable_seed(f"{template}:{t.id}:{k}"))

    def wrong_bodies(self, rng, t: Task, n: int) -> list[str]:
        """Plausible wrong answers to "who does t?": none that t reaches, none named in its summary."""
        plan = self.plan
        banned = checks.not_for_wrong_options(plan, t)
        ok = [k for k in self.agency_keys if not plan.overlaps_any(k, banned) and not _in_text(plan, k, t.summary)]
        kinds = {plan.agency(k).kind for k in checks.role_holders(t)}
        tiers = [
            [k for k in _named(plan, t.coordinating) if k in ok],  # "phối hợp", where the plan says "chủ trì"
            [k for k in ok if plan.agency(k).kind in kinds],
            [k for k in ok if k in self.holders_by_section.get(t.section, ())],
            ok,
        ]
        return _pick(rng, tiers, n, compatible=lambda chosen, x: not plan.overlaps_any(x, chosen))

    def who_stem(self, t: Task, many: bool) -> str:
        one_of = " (một trong các cơ quan, tổ chức được {})".format("đề nghị" if t.requested else "giao") if many else ""
        if t.lead_named:
            return f"Theo {self.name}, cơ quan, tổ chức nào sau đây chủ trì nhiệm vụ {_q(t.summary)} ({cite(t)})?"
        if t.requested:
            return (f"Theo {self.name}, {cite(t)} đề nghị cơ quan, tổ chức nào sau đây{one_of} thực hiện nhiệm vụ "
                    f"{_q(t.summary)}?")
        return f"Theo {self.name}, {cite(t)} giao nhiệm vụ {_q(t.summary)} cho cơ quan, tổ chức nào sau đây{one_of}?"

    def lead(self) -> list[Question]:
        out = []
        for t in self.plan.tasks:
            holders = _named(self.plan, checks.role_holders(t))
            for key in self.pick_key("lead", t, self.who_keys(t)):
                qid = f"lead:{t.id}:{key}"
                rng = self.rng(qid)
                wrong = self.wrong_bodies(rng, t, 3)
                if len(wrong) < 3:
                    continue
                keys, correct = self.options_with(rng, [key], wrong)
                out.append(self.question(qid, "single", self.who_stem(t, len(holders) > 1),
                                         [self.plan.agency_name(k) for k in keys], correct, t, "lead",
                                         agencies=tuple(holders)))
                break
        return out

    def task_of(self) -> list[Question]:
        """"Which of these tasks does the plan give X?": wrong tasks are not X's by any path."""
        plan, out = self.plan, []
        for key in self.agency_keys:
            for t in plan.tasks:
                if key not in t.addressed_to or t.hints_lead or _in_text(plan, key, t.summary):
                    continue
                qid = f"task_of:{key}:{t.id}"
                rng = self.rng(qid)
                near = set(plan.related(t.id))
                ok = [d.id for d in plan.tasks if d.id != t.id and d.id not in near and d.summary != t.summary
                      and not plan.given_to(d, key)]
                # Wrong tasks from the same section, so the stem may name it; otherwise from anywhere, and the
                # stem names no section (it would tell the answer). Several tasks of one body in one stem
                # become one question (_one_per_stem).
                fits = lambda chosen, x: not set(plan.related(x)) & set(chosen)  # noqa: E731
                where, wrong = "", []
                for scope, label in ((lambda d: d.section == t.section, f"Trong mục {t.section}"),
                                     (lambda d: d.part == t.part, f"Trong Phần {t.part}"), (lambda d: True, "")):
                    if t.part == "III" and label.startswith("Trong mục"):
                        continue  # Part III is not divided into sections
                    wrong = _pick(rng, [[i for i in ok if scope(plan.task(i))]], 3, compatible=fits)
                    if len(wrong) == 3:
                        where = label
                        break
                if len(wrong) < 3:
                    continue
                ids, correct = self.options_with(rng, [t.id], wrong)
                who, where = _mid(plan, key), f"{where}, " if where else ""
                if t.lead_named and key in t.lead:
                    stem = f"{where}theo {self.name}, {who} chủ trì nhiệm vụ nào sau đây?"
                elif t.requested:
                    stem = f"{where}{self.name} đề nghị {who} thực hiện nhiệm vụ nào sau đây?"
                else:
                    stem = f"{where}{self.name} giao cho {who} nhiệm vụ nào sau đây?"
                stem = stem[0].upper() + stem[1:]
                out.append(self.question(qid, "single", stem, [plan.task(i).summary for i in ids], correct, t,
                                         "task_of", agencies=(key,)))
        return out

    def coordinators(self) -> list[Question]:
        """Only where the plan names a chủ trì: "cơ quan phối hợp" means those it "phối hợp với"."""
        plan, out = self.plan, []
        for t in plan.tasks:
            coord = [k for k in _named(plan, t.coordinating) if k not in t.lead]
            if not t.lead_named or not coord or any(_in_text(plan, k, t.summary) for k in coord):
                continue
            qid = f"coordinators:{t.id}"
            rng = self.rng(qid)
            n_wrong = max(2, 4 - len(coord))
            banned = set(t.coordinating) | set(t.works_with) | set(t.also_true_for) | {
                b for r in plan.related(t.id) for b in plan.reach(plan.task(r), named_only=True)}
            ok = [k for k in self.agency_keys if not plan.overlaps_any(k, banned) and not _in_text(plan, k, t.summary)]
            leads = [k for k in _named(plan, t.lead) if k in ok]  # the chủ trì: wrong by the plan's words
            others = [k for k in ok if not plan.overlaps_any(k, t.lead)]
            tiers = [leads, [k for k in others if k in self.holders_by_section.get(t.section, ())], others]
            wrong = _pick(rng, tiers, n_wrong, compatible=lambda chosen, x: not plan.overlaps_any(x, chosen))
            if len(wrong) < 2:
                continue
            keys, correct = self.options_with(rng, coord, wrong)
            unnamed = [k for k in t.coordinating if plan.agency(k).kind == "generic"]
            note = f" (ngoài {', '.join(plan.agency_name(k).lower() for k in unnamed)})" if unnamed else ""
            stem = (f"Theo {self.name}, {cite(t)} giao {_names(plan, t.lead)} chủ trì nhiệm vụ {_q(t.summary)}. "
                    f"Những cơ quan, tổ chức nào sau đây được Kế hoạch nêu tên là cơ quan, tổ chức phối hợp{note}? "
                    "Chọn tất cả đáp án đúng.")
            out.append(self.question(qid, "multiple", stem, [plan.agency_name(k) for k in keys], correct, t,
                                     "coordinators", agencies=tuple(coord)))
        return out

    # -- deadlines
    def _deadline_labels(self) -> dict[tuple, str]:
        """One wording per kind of deadline, for wrong options: the plan's "Thời gian thực hiện" words."""
        labels: dict[tuple, str] = {}
        for t in self.plan.tasks:
            d = t.deadline
            if d.kind in ("once_by", "year", "annual") and DEADLINE_LABEL.search(t.source_text):
                labels.setdefault(_deadline_key(d), d.label)
        labels[("after_central", None, None)] = WRONG_AFTER_CENTRAL
        return labels

    def deadline_wrong(self, rng, t: Task, n: int) -> list[tuple]:
        """Wrong deadlines: another kind (never two "khi Trung ương ban hành"), none the task's words suggest."""
        key = _deadline_key(t.deadline)
        # A bullet with no "Thời gian thực hiện" line of its own (II.3.e.2, II.4.b.2) could be read under the
        # line that follows the bullet before it: that sibling's deadline is no fair wrong option.
        siblings = set()
        if t.parent and not DEADLINE_LABEL.search(t.source_text):
            siblings = {_deadline_key(s.deadline) for s in self.plan.tasks if s.parent == t.parent and s.id != t.id}
        pool = [k for k in self._deadline_labels() if k != key and not (k[0] == key[0] == "after_central")
                and k not in siblings and not _deadline_true_of(t, k)]
        return _pick(rng, [pool], n)

    def _asks_deadline(self, t: Task) -> bool:
        return t.deadline.kind in ("once_by", "year", "annual", "after_central") and not _hints_deadline(t)

    def deadline(self) -> list[Question]:
        labels, out = self._deadline_labels(), []
        for t in self.plan.tasks:
            if not self._asks_deadline(t):
                continue
            qid = f"deadline:{t.id}"
            rng = self.rng(qid)
            wrong = self.deadline_wrong(rng, t, 3)
            if len(wrong) < 2:
                continue
            texts = [t.deadline.label] + [labels[k] for k in wrong]
            options, correct = self.options_with(rng, texts[:1], texts[1:])
            stem = f"Theo {self.name}, thời hạn thực hiện nhiệm vụ {_q(t.summary)} ({cite(t)}) là gì?"
            out.append(self.question(qid, "single", stem, options, correct, t, "deadline",
                                     agencies=tuple(_named(self.plan, t.addressed_to))))
        return out

    def tf_deadline(self) -> list[Question]:
        labels, out = self._deadline_labels(), []
        for t in self.plan.tasks:
            if t.deadline.kind == "annual" or not self._asks_deadline(t):
                continue
            wrong = self.deadline_wrong(self.rng(f"tf_deadline:{t.id}"), t, 1)
            if not wrong:
                continue
            for k, text, truth in ((_deadline_key(t.deadline), t.deadline.label, 0), (wrong[0], labels[wrong[0]], 1)):
                qid = f"tf_deadline:{t.id}:{'-'.join(str(x) for x in k if x is not None)}"
                stem = f"Đúng hay sai: theo {self.name}, thời hạn của nhiệm vụ {_q(t.summary)} ({cite(t)}) là {_q(text)}."
                out.append(self.question(qid, "true_false", stem, TRUE_FALSE, [truth], t, "tf_deadline",
                                         agencies=tuple(_named(self.plan, t.addressed_to))))
        return out

    # -- where a task sits
    def section(self) -> list[Question]:
        """Not asked where the summary shares wording with its own heading; no heading that shares wording
        with the task's summary or duties, and none under which a task of nearly the same duty sits, is offered."""
        plan, out = self.plan, []
        sections = [s for s in plan.sections if s.part == "II"]
        for t in plan.tasks:
            if t.part != "II" or _shares_wording(t.summary, plan.section(t.section).title):
                continue
            near = {plan.task(r).section for r in plan.related(t.id)}
            words = " ".join((t.summary, *t.duties))
            pool = [s.id for s in sections if s.id != t.section and s.id not in near and not _shares_wording(words, s.title)]
            qid = f"section:{t.id}"
            rng = self.rng(qid)
            wrong = _pick(rng, [pool], 3)
            if len(wrong) < 2:
                continue
            ids, correct = self.options_with(rng, [t.section], wrong)
            stem = f"Theo {self.name}, nhiệm vụ {_q(t.summary)} thuộc nhóm nhiệm vụ, giải pháp nào trong Phần II?"
            out.append(self.question(qid, "single", stem, [plan.section(i).label for i in ids], correct, t, "section",
                                     explanation=explain(plan, t, deadline=False)))
        return out

    def directs(self) -> list[Question]:
        """"Giao" or "Đề nghị": asked of the items addressed to bodies outside the City's administration."""
        plan, out = self.plan, []
        outside = {"mat_tran", "to_chuc_xa_hoi_nghe_nghiep", "co_quan_bao_chi", "luc_luong_vu_trang"}
        outside_groups = {"to_chuc_thanh_vien_mttq", "to_chuc_ct_xh", "to_chuc_xh_nghe_nghiep", "hiep_hoi_dn",
                          "doan_the_tp"}
        options = ["Giao thực hiện (không dùng từ “Đề nghị”)", "Đề nghị thực hiện (dùng từ “Đề nghị”)"]
        for t in plan.tasks:
            if not any(plan.agency(k).kind in outside or k in outside_groups for k in t.addressed_to):
                continue
            qid = f"directs:{t.id}"
            stem = (f"Theo {self.name}, {cite(t)} nêu nhiệm vụ {_q(t.summary)} cho {_names(plan, t.addressed_to)} "
                    "theo hình thức nào?")
            form = ("Mục này dùng từ “Đề nghị”." if t.requested
                    else "Mục này dùng lời giao việc, không dùng từ “Đề nghị”.")
            expl = explain(plan, t, deadline=False) + " " + form
            out.append(self.question(qid, "single", stem, options, [1 if t.requested else 0], t, "directs",
                                     explanation=expl, agencies=tuple(_named(plan, t.addressed_to))))
        return out

    def tf_lead(self) -> list[Question]:
        plan, out = self.plan, []
        for t in plan.tasks:
            keys = self.who_keys(t)
            if not keys:
                continue
            key = self.pick_key("tf_lead", t, keys)[0]
            out.append(self.question(f"tf_lead:{t.id}:{key}", "true_false", self.tf_stem(t, key), TRUE_FALSE, [0], t,
                                     "tf_lead", agencies=tuple(keys)))
            wrong = self.wrong_bodies(self.rng(f"tf_lead:{t.id}"), t, 1)
            if wrong:
                out.append(self.question(f"tf_lead:{t.id}:{wrong[0]}", "true_false", self.tf_stem(t, wrong[0]),
                                         TRUE_FALSE, [1], t, "tf_lead", agencies=tuple(keys) + tuple(wrong)))
        return out

    def tf_stem(self, t: Task, key: str) -> str:
        who = _mid(self.plan, key)
        if t.lead_named:
            return f"Đúng hay sai: theo {self.name}, {who} chủ trì nhiệm vụ {_q(t.summary)} ({cite(t)})."
        if t.requested:
            return f"Đúng hay sai: theo {self.name}, {cite(t)} đề nghị {who} thực hiện nhiệm vụ {_q(t.summary)}."
        return f"Đúng hay sai: theo {self.name}, {cite(t)} giao cho {who} nhiệm vụ {_q(t.summary)}."

    def matching(self, size: int = 3) -> list[Question]:
        """Rows of tasks, each given to one named body; no row's body may be read into another row."""
        plan, out = self.plan, []
        pool = [t for t in plan.tasks if len(self.who_keys(t)) == 1 == len(checks.role_holders(t))
                and not plan.agency(self.who_keys(t)[0]).is_group
                and not any(_in_text(plan, k, t.summary) for k in self.agency_keys)]
        used: set[str] = set()

        def fits(rows: list[Task], t: Task) -> bool:
            k = self.who_keys(t)[0]
            return all(not plan.overlaps(k, self.who_keys(r)[0]) and not plan.given_to(r, k, named_only=True)
                       and not plan.given_to(t, self.who_keys(r)[0], named_only=True)
                       and r.id not in plan.related(t.id) for r in rows)

        while True:
            rows: list[Task] = []
            for t in pool:
                if t.id not in used and fits(rows, t):
                    rows.append(t)
                    if len(rows) == size:
                        break
            if len(rows) < size:
                return out
            used.update(r.id for r in rows)
            qid = "matching:" + "+".join(r.id for r in rows)
            rng = self.rng(qid)
            keys = [self.who_keys(r)[0] for r in rows]
            extra = _pick(rng, [[k for k in self.agency_keys if not plan.agency(k).is_group
                                 and not plan.overlaps_any(k, keys)
                                 and not any(plan.given_to(r, k, named_only=True) for r in rows)]], 1)
            choices = keys + extra
            rng.shuffle(choices)
            out.append(Question(
                id=qid, type="matching", template="matching", section=rows[0].section,
                stem=(f"Ghép mỗi nhiệm vụ ({'; '.join(cite(r) for r in rows)}) với cơ quan, tổ chức được "
                      f"{self.name} giao thực hiện."),
                rows=tuple(f"{r.summary} ({cite(r)})" for r in rows),
                options=tuple(plan.agency_name(k) for k in choices),
                correct=tuple(choices.index(k) for k in keys),
                explanation=" ".join(explain(plan, r, deadline=False) for r in rows),
                source=" […] ".join(r.source_text for r in rows),
                task_ids=tuple(r.id for r in rows), agencies=tuple(keys)))


# ---------------------------------------------------------------- whole-template rules


def _one_per_stem(questions: list[Question]) -> list[Question]:
    """Within a template no two stems are the same: of questions that would share one, keep one (stable)."""
    groups: dict[tuple, list[Question]] = defaultdict(list)
    for q in questions:
        groups[(q.template, q.stem)].append(q)
    keep = {min(g, key=lambda q: stable_seed(q.id)).id for g in groups.values()}
    return [q for q in questions if q.id in keep]


def _balanced(questions: list[Question], margin: float = BALANCE_MARGIN) -> list[Question]:
    """Drop questions whose key is a template's best constant answer until it wins at most chance + margin.

    The questions dropped are those that answer scores on, in a stable order (by id), so the same plan
    always keeps the same questions.
    """
    kept = list(questions)
    while kept:
        r = checks.guessing(kept)
        if r["best_share"] <= r["chance"] + margin:
            return kept
        scoring = [q for q in kept if checks.constant_points(q, r["best"]) > 0]
        drop = max(scoring, key=lambda q: stable_seed("balance", q.id))
        kept.remove(drop)
    return kept


def generate_questions(plan: Plan) -> list[Question]:
    """Every generated question, in a fixed order; the same plan always gives the same questions."""
    g = _Generator(plan)
    out: list[Question] = []
    for make in (g.lead, g.task_of, g.coordinators, g.deadline, g.section, g.directs, g.tf_lead, g.tf_deadline,
                 g.matching):
        made = _one_per_stem(make())
        # With two options (directs) always giving one answer is the obvious guess: keep it nearer even.
        two = made and all(len(q.options) == 2 for q in made) and made[0].type != "true_false"
        out.extend(_balanced(made, TWO_OPTION_MARGIN if two else BALANCE_MARGIN))
    return out
