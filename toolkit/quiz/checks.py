"""Fidelity rules a question must keep, as checks: each takes the plan and a question (or a set of them)
and returns its problems in words, so tests, the generator and authored-bank loading share one rule.

The rules (issue 10):

- a wrong option never overlaps a key: not the same body, not a group and its member, not bodies the
  overlap data says may share members (`Plan.overlaps`);
- a wrong option is not given the task by any path (`Plan.given_to`: the item's own bodies, another
  sentence of the plan, a task whose duty reads nearly the same);
- the options of one question are clearly distinct (no two related tasks, no heading of a related task);
- "chủ trì" is said only where the plan's words say it (`Task.lead_named`; for an authored question,
  where its quoted source says it);
- stems and explanations cite the plan's numbering, never this project's split ids ("II.4.b.2");
- the compiler's words are marked: text in “ ” in an explanation is the plan's, verbatim;
- within a template (or a bank) no two stems are the same, and no constant answer wins more than
  chance plus 15 points.

>>> from toolkit.quiz.generate import generate_questions
>>> plan = load_plan()
>>> [p for q in generate_questions(plan) for p in question_problems(plan, q)]
[]
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import defaultdict
from typing import Iterable, Sequence

from toolkit.plan.model import Plan, Task
from toolkit.quiz.questions import Question, score
from toolkit.vietnamese import fold, squash

# This project's sub-task ids (II.3.e.1): the plan itself numbers only to the letter.
SPLIT_ID = re.compile(r"\b(?:II|III)\.\d+\.[a-zđ]\.\d+\b")
QUOTED = re.compile(r"“([^”]*)”")
# Inside a quotation: left-out words ("…", "[…]", "...") and line breaks written " / ".
ELLIPSIS = re.compile(r"\s*(?:\[…\]|…|\.\.\.)\s*|\s+/\s+")
COMPILER_NOTE = "Ghi chú biên soạn:"
GUESS_MARGIN = 0.15  # the best constant answer may beat a blind guess by at most this much
AGENCY_TEMPLATES = ("lead", "coordinators", "matching")
# Questions that ask who does a task, or say who does it.
WHO_TEMPLATES = ("lead", "task_of", "coordinators", "tf_lead", "matching", "directs")


# ---------------------------------------------------------------- helpers


def user_text(q: Question) -> str:
    """Everything a participant reads: stem, options, matching rows and the explanation."""
    return " ".join((q.stem, *q.options, *q.rows, q.explanation))


def unquoted(text: str) -> str:
    """The text without its “quoted” parts (task summaries in stems, the plan's words in explanations)."""
    return QUOTED.sub(" ", text)


def own_words(text: str) -> str:
    """Text that speaks for the plan: unquoted, and without the compiler's note at the end."""
    return unquoted(text.split(COMPILER_NOTE, 1)[0])


def agency_of(plan: Plan, text: str) -> str | None:
    """The agency an option names, if it is exactly one of its names ("Các sở, ban, ngành", "Sở Tư pháp")."""
    return _names(plan).get(_name_key(text))


def _name_key(text: str) -> str:
    f = fold(text).strip(" .")
    return f[4:] if f.startswith("cac ") else f


@functools.lru_cache(maxsize=4)  # a loaded plan is one object (identity equality), shared and cached
def _names(plan: Plan) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, a in plan.agencies.items():
        for name in (a.short, a.name, *a.aliases):
            out.setdefault(_name_key(name), key)
    return out


def _task_by_summary(plan: Plan, summary: str) -> Task | None:
    return next((t for t in plan.tasks if t.summary == summary), None)


def _named_key(q: Question) -> str | None:
    """The body a generated true/false statement names (ids are template:task:body)."""
    parts = q.id.split(":")
    return parts[2] if len(parts) == 3 else None


def role_holders(task: Task) -> tuple[str, ...]:
    """The bodies a who-question about the task may key: the lead where the plan says "chủ trì",
    otherwise every body the item is given to."""
    return task.lead if task.lead_named else task.addressed_to


def not_for_wrong_options(plan: Plan, task: Task) -> frozenset[str]:
    """Bodies that must not be offered as wrong answers to "who is this task given to?".

    Where the plan says "chủ trì", a body named as "phối hợp" is wrong by the plan's own words, so it
    may be offered; everything else the task reaches by name (Plan.reach) may not. Unnamed "cơ quan, tổ
    chức liên quan" are left out: the question asks whom the plan names.
    """
    reach = set(plan.reach(task, named_only=True))
    if task.lead_named:
        own_other = set(task.coordinating) - set(task.lead) - set(task.addressed_to)
        related = {b for r in plan.related(task.id) for b in plan.reach(plan.task(r), named_only=True)}
        reach = (reach - own_other) | related | set(task.lead)
    return frozenset(reach)


def plan_quote_problems(plan: Plan, text: str) -> list[str]:
    """Quoted pieces (“…”) of text that are not the plan's words (ellipses mark left-out words)."""
    if plan.source_text is None:
        return []
    source = plan.source_text.casefold()
    out = []
    for m in QUOTED.finditer(text):
        for piece in ELLIPSIS.split(m[1]):
            piece = squash(piece).strip(" ;,")
            if piece and piece.casefold() not in source:
                out.append(f"đoạn trong ngoặc kép không phải nguyên văn Kế hoạch: “{piece}”")
    return out


# ---------------------------------------------------------------- checks of one question


def overlapping_options(plan: Plan, q: Question) -> list[str]:
    """A wrong option that names a body overlapping a key (the same body, group and member, overlap data)."""
    out = []
    if q.type == "true_false":
        key = _named_key(q) if q.template == "tf_lead" else None
        if key and q.correct == (1,):  # a false statement must not name a holder of the role
            task = plan.task(q.task_ids[0])
            hit = [k for k in role_holders(task) if plan.overlaps(key, k)]
            if hit:
                out.append(f"câu sai nêu {key}, trùng với cơ quan được giao {', '.join(hit)}")
        return out
    keys_of = [agency_of(plan, o) for o in q.options]
    if q.type == "matching":
        for (i, a), (j, b) in itertools.combinations(enumerate(keys_of), 2):
            if a and b and plan.overlaps(a, b):
                out.append(f"hai phương án ghép trùng nhau: {q.options[i]} / {q.options[j]}")
        return out
    right = [k for i, k in enumerate(keys_of) if i in q.correct and k]
    for i, k in enumerate(keys_of):
        if i in q.correct or not k:
            continue
        hit = [r for r in right if plan.overlaps(k, r)]
        if hit:
            out.append(f"phương án sai “{q.options[i]}” trùng với đáp án {', '.join(hit)}")
    return out


def distractors_given_the_task(plan: Plan, q: Question) -> list[str]:
    """A wrong option that the plan gives the task (or the asked body's task) by some path."""
    if q.template is None or not q.task_ids:
        return []
    out = []
    if q.template == "task_of":
        body = q.agencies[0]
        for i, o in enumerate(q.options):
            d = _task_by_summary(plan, o)
            if i not in q.correct and d is not None and plan.given_to(d, body):
                out.append(f"nhiệm vụ {d.id} (phương án sai) cũng có thể là của {body}")
        return out
    if q.template == "matching":
        keys = [agency_of(plan, o) for o in q.options]
        for row, (tid, c) in enumerate(zip(q.task_ids, q.correct)):
            task = plan.task(tid)
            for i, k in enumerate(keys):
                if i != c and k and plan.given_to(task, k, named_only=True):
                    out.append(f"dòng {row + 1} ({tid}) cũng có thể ghép với {q.options[i]}")
        return out
    task = plan.task(q.task_ids[0])
    if q.template in ("lead", "tf_lead"):
        banned = not_for_wrong_options(plan, task)
        wrong = ([agency_of(plan, o) for i, o in enumerate(q.options) if i not in q.correct]
                 if q.template == "lead" else ([_named_key(q)] if q.correct == (1,) else []))
        for k in wrong:
            if k and plan.overlaps_any(k, banned):
                out.append(f"{k} (phương án sai) cũng có thể được giao nhiệm vụ {task.id}")
    if q.template == "coordinators":
        banned = set(task.coordinating) | set(task.works_with) | set(task.also_true_for) | {
            b for r in plan.related(task.id) for b in plan.reach(plan.task(r), named_only=True)}
        for i, o in enumerate(q.options):
            k = agency_of(plan, o)
            if i not in q.correct and k and plan.overlaps_any(k, banned):
                out.append(f"{k} (phương án sai) cũng có thể phối hợp trong nhiệm vụ {task.id}")
    return out


def indistinct_options(plan: Plan, q: Question) -> list[str]:
    """Options that say the same thing: equal but for case and marks, two related tasks, two conditions."""
    out = []
    folded = [fold(o) for o in q.options]
    if len(set(folded)) < len(folded):
        out.append("hai phương án giống nhau")
    if q.template == "task_of":
        tasks = [_task_by_summary(plan, o) for o in q.options]
        for a, b in itertools.combinations([t for t in tasks if t], 2):
            if b.id in plan.related(a.id):
                out.append(f"hai phương án gần trùng nội dung: {a.id} và {b.id}")
    if q.template == "section":
        task = plan.task(q.task_ids[0])
        near = {plan.task(r).section for r in plan.related(task.id)} - {task.section}
        for i, o in enumerate(q.options):
            sid = o.split(". ", 1)[0]
            if i not in q.correct and sid in near:
                out.append(f"mục {sid} (phương án sai) có nhiệm vụ gần trùng nội dung")
    if q.template == "deadline" and sum("trung uong ban hanh" in f for f in folded) > 1:
        out.append("hai thời hạn “khi Trung ương ban hành” trong cùng một câu")
    if q.template == "deadline":
        # A bullet without its own "Thời gian thực hiện" line may be read under its sibling's line.
        task = plan.task(q.task_ids[0])
        if task.parent and "Thời gian thực hiện:" not in task.source_text:
            near = {s.deadline.label for s in plan.tasks if s.parent == task.parent and s.id != task.id}
            out += [f"thời hạn “{o}” (phương án sai) là của gạch đầu dòng bên cạnh" for i, o in enumerate(q.options)
                    if i not in q.correct and o in near]
    return out


def unsupported_chu_tri(plan: Plan, q: Question) -> list[str]:
    """"chủ trì" said where the plan's words do not say it.

    A generated question may say it (outside quotes and outside the compiler's note) only about tasks
    whose lead the plan calls "chủ trì"; an authored one only where its quoted source says it.
    """
    if q.template is None:
        said = "chu tri" in fold(user_text(q))
        return ["nói “chủ trì” nhưng trích dẫn nguồn không có từ này"] if said and "chu tri" not in fold(q.source) else []
    # Task summaries are checked as data (a summary says "chủ trì" only where its source does).
    text = " ".join((q.stem, *q.rows, *(o for o in q.options if _task_by_summary(plan, o) is None), q.explanation))
    said = "chu tri" in fold(own_words(text))
    bad = [t for t in q.task_ids if not plan.task(t).lead_named]
    return [f"nói “chủ trì” về nhiệm vụ mà lời văn bản không viết “chủ trì”: {', '.join(bad)}"] if said and bad else []


def split_ids_cited(q: Question) -> list[str]:
    """This project's split ids in what a participant reads (the plan numbers "mục II.4.b, gạch đầu dòng …")."""
    found = sorted(set(SPLIT_ID.findall(user_text(q))))
    return [f"trích số hiệu tự đặt {', '.join(found)} thay cho số mục của Kế hoạch"] if found else []


def wording_problems(plan: Plan, q: Question) -> list[str]:
    """Vietnamese typography and the project's own phrasings that the plan does not support."""
    text, out = user_text(q), []
    if unicodedata.normalize("NFC", text) != text:
        out.append("văn bản chưa chuẩn hóa Unicode NFC")
    if "\u00ab" in text or "\u00bb" in text:  # guillemets, which Vietnamese official writing does not use
        out.append("dùng \u00ab \u00bb thay cho “ ”")
    if '"' in text:
        out.append("dùng dấu nháp thẳng \" thay cho “ ”")
    for phrase, why in (("đề nghị chủ trì", "Kế hoạch đề nghị thực hiện, không đề nghị “chủ trì”"),
                        ("Thời hạn: Không nêu thời hạn", "viết “Kế hoạch không nêu thời hạn cho nhiệm vụ này.”"),
                        ("không chỉ đạo trực tiếp", "lý do dùng “Đề nghị” là suy luận của người biên soạn")):
        if phrase.casefold() in text.casefold():
            out.append(f"có cụm “{phrase}”: {why}")
    if re.search(r"cơ quan nào(?!, tổ chức)", q.stem, re.I) and any(
            (k := agency_of(plan, q.options[i])) and not _is_state_body(plan, k) for i in q.correct):
        out.append("hỏi “cơ quan nào” nhưng đáp án là một tổ chức (viết “cơ quan, tổ chức nào”)")
    return out


def _is_state_body(plan: Plan, key: str) -> bool:
    return plan.agency(key).kind in ("ubnd", "so", "luc_luong_vu_trang", "co_quan_bao_chi", "hoi_dong",
                                     "co_quan_tu_phap", "ubnd_cap_huyen", "ubnd_cap_xa") or key in (
        "so_ban_nganh", "ubnd_cap_huyen", "ubnd_cap_xa", "hdph_cac_cap", "hdph_cap_huyen")


def unquoted_compiler_words(plan: Plan, q: Question) -> list[str]:
    """Text in “ ” in an explanation must be the plan's own words (the compiler's go in a marked note)."""
    return plan_quote_problems(plan, q.explanation)


def who_of_hinting_task(plan: Plan, q: Question) -> list[str]:
    """A who-question about a task whose summary names the answer's field (Task.hints_lead)."""
    if q.template not in ("lead", "tf_lead", "matching", "task_of"):
        return []
    hinting = [t for t in q.task_ids if plan.task(t).hints_lead]
    return [f"hỏi ai được giao nhiệm vụ mà tóm tắt đã nêu lĩnh vực của cơ quan đó: {', '.join(hinting)}"] \
        if hinting else []


CHECKS = (overlapping_options, distractors_given_the_task, indistinct_options, unsupported_chu_tri,
          wording_problems, unquoted_compiler_words, who_of_hinting_task)
# What applies to an authored question (its options are free text: only those naming a body are checked).
AUTHORED_CHECKS = (overlapping_options, unsupported_chu_tri, wording_problems, unquoted_compiler_words)


def question_problems(plan: Plan, q: Question) -> list[str]:
    """Every problem of one question (generated or authored), each as a sentence."""
    checks = CHECKS if q.template is not None else AUTHORED_CHECKS
    return [p for check in checks for p in check(plan, q)] + split_ids_cited(q)


def authored_problems(plan: Plan, q: Question) -> list[str]:
    """The checks that apply to a hand-written question (banks call this when loading)."""
    return [p for check in AUTHORED_CHECKS for p in check(plan, q)] + split_ids_cited(q)


# ---------------------------------------------------------------- checks of a set of questions


def group_of(q: Question) -> str:
    """Generated questions are judged per template, authored ones per bank."""
    return q.template or f"bank:{q.bank}"


def identical_stems(questions: Iterable[Question]) -> list[str]:
    """Questions of one template (or one bank) that share a stem."""
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in questions:
        seen[(group_of(q), squash(q.stem))].append(q.id)
    return [f"{g}: cùng câu dẫn: {', '.join(ids)}" for (g, _), ids in seen.items() if len(ids) > 1]


def chance(q: Question) -> float:
    """What a blind guess scores on average, by the toolkit's own scoring."""
    n = len(q.options)
    if q.type in ("single", "true_false", "matching"):
        return 1 / n
    if q.type == "multiple":
        subsets = [s for r in range(1, n + 1) for s in itertools.combinations(range(n), r)]
        return sum(score(q, list(s)).points for s in subsets) / len(subsets)
    return 0.0


def constant_points(q: Question, text: str) -> float:
    """Score of always answering `text` (ticking it alone; on every matching row); 0 if not offered."""
    if text not in q.options:
        return 0.0
    i = q.options.index(text)
    if q.type in ("single", "true_false"):
        return score(q, i).points
    if q.type == "multiple":
        return score(q, [i]).points
    if q.type == "matching":
        return score(q, [i] * len(q.rows)).points
    return 0.0


def guessing(questions: Sequence[Question]) -> dict:
    """For one template: questions, mean chance, the best constant answer and its share of the points."""
    qs = [q for q in questions if q.type != "text"]
    if not qs:
        return {"questions": 0, "chance": 0.0, "best": None, "best_share": 0.0}
    points: dict[str, float] = defaultdict(float)
    for q in qs:
        for text in set(q.options):
            points[text] += constant_points(q, text)
    best = max(sorted(points), key=points.__getitem__)
    return {"questions": len(qs), "chance": sum(map(chance, qs)) / len(qs), "best": best,
            "best_share": points[best] / len(qs)}


def guessing_problems(questions: Iterable[Question], margin: float = GUESS_MARGIN) -> list[str]:
    """Templates (or banks) where always giving one answer beats a blind guess by more than `margin`."""
    groups: dict[str, list[Question]] = defaultdict(list)
    for q in questions:
        groups[group_of(q)].append(q)
    out = []
    for g, qs in groups.items():
        r = guessing(qs)
        if r["questions"] and r["best_share"] > r["chance"] + margin + 1e-9:
            out.append(f"{g}: luôn trả lời “{r['best']}” được {r['best_share']:.0%} số điểm, "
                       f"đoán mò được {r['chance']:.0%}")
    return out


def bank_problems(plan: Plan, questions: Sequence[Question]) -> list[str]:
    """Every problem of a whole set: each question's, identical stems and the guessing bound."""
    return ([f"{q.id}: {p}" for q in questions for p in question_problems(plan, q)]
            + identical_stems(questions) + guessing_problems(questions))
