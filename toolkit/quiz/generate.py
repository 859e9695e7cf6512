"""Questions generated from the plan's data.

Every generated option is checked against the plan data: a distractor is never a correct answer,
also not through a group ("Các sở, ban, ngành" contains Sở Tư pháp)."""

from __future__ import annotations

import random
from typing import Iterable, Sequence

from toolkit.plan.model import Plan, Task
from toolkit.quiz.questions import TRUE_FALSE, Question, stable_seed
from toolkit.vietnamese import fold

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
