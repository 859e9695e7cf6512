"""Helpers shared by the tests: answering a quiz as the test (which may know the key) and reading
what the browser could read. Imported as `helpers` (pyproject puts tests/ on the test path)."""

from __future__ import annotations

import html
import json


def shown_key(run, position: int):
    """The right answer in the attempt's display order. The test reads the kernel's key; no page can."""
    q, item = run.questions[position], run.items[position]
    shown = [item.option_order.index(c) for c in q.correct]
    if q.type == "matching":
        return [shown[item.row_order[r]] for r in range(len(item.row_order))]
    if q.type == "text":
        return q.answers[0]
    return shown if q.type == "multiple" else shown[0]


def shown_wrong(run, position: int):
    """A wrong answer that scores zero, in display order."""
    q, item = run.questions[position], run.items[position]
    if q.type == "text":
        return "không nhớ"
    if q.type == "matching":
        right = shown_key(run, position)
        return right[1:] + right[:1]  # every row shifted: all wrong, since a row's choices are distinct
    wrong = next(i for i in range(len(item.option_order)) if item.option_order[i] not in q.correct)
    return [wrong] if q.type == "multiple" else wrong


def key_leaks(q, text: str) -> list[str]:
    """The texts that would give q's answer away (its explanation, the plan's words it quotes) found in
    text, raw or HTML-escaped. The whole excerpt is looked for, not its start: a question may quote the
    start of the plan's sentence in its stem and ask for the rest, and the stem gives nothing away."""
    give_away = [t for t in (q.explanation, q.source) if t and t not in q.stem]
    return [t for t in give_away if t in text or html.escape(t) in text]


def key_for(app):
    return shown_key(app.run, app.position)


def wrong_for(app):
    return shown_wrong(app.run, app.position)


def give(app, answer) -> None:
    """Put an answer into a QuizApp's inputs and click “Trả lời”."""
    put(app, answer)
    app.submit.click()


def put(app, answer) -> None:
    """Put an answer into a QuizApp's inputs, as the browser does before the click."""
    q = app.run.questions[app.position]
    if q.type in ("single", "true_false"):
        app.choice.value = answer
    elif q.type == "multiple":
        for i, c in enumerate(app.checks):
            c.value = i in answer
    elif q.type == "matching":
        for d, v in zip(app.pairs, answer):
            d.value = v
    else:
        app.typed.value = answer


def widget_states(root) -> str:
    """Every synced trait of every widget under root: what the browser can read."""
    seen, out, todo = set(), [], [root]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        out.append(json.dumps(w.get_state(), default=str, ensure_ascii=False))
        todo.extend(getattr(w, "children", ()))
    return "\n".join(out)
