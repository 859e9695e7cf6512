"""Item analysis of quiz results: facility, discrimination, distractors, reliability, agency confusion.

Input is a long table of responses (one row per participant × question, as `toolkit.store` keeps
them); everything is vectorised with pandas so 100 000 responses take well under a second.

No statistic here needs to know who answered: a participant is the number of their attempt
(`answers_frame`), and every function reads only `ANSWER_COLUMNS` of the table it is given, so a
name or a unit in it can neither change a figure nor reach an output.
Definitions follow classical test theory:

- facility (p): mean score on the item as a share of its maximum;
- discrimination D: facility in the upper 27 % minus facility in the lower 27 % of participants
  ranked by total score (Kelley's groups);
- point-biserial r: correlation between the item score and the total score on the OTHER items
  (the corrected item-total correlation, so an item is not correlated with itself);
- Cronbach's alpha = k/(k-1) · (1 − Σ var(item) / var(total)), population variances.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.plan.model import Plan
    from toolkit.quiz.questions import Question

KELLEY = 0.27
FLAG_BELOW = 0.10  # discrimination under this (or negative) marks an item to review
# Below this many participants, item statistics move a lot with one person (with 4 people the 27%
# groups are one person each): the figures are shown with a caution, not hidden.
FEW_PARTICIPANTS = 30


# What the statistics read: "participant" is an attempt's id, never a person's name.
ANSWER_COLUMNS = ("participant", "question_id", "answer", "points", "max_points")


def answers_frame(rows) -> "pd.DataFrame":
    """Stored answers (`AnswerRow`s, or anything with attempt_id, question_id, answer, points, max_points)
    as the statistics read them: keyed by attempt, without the name or unit the rows carry."""
    import pandas as pd

    return pd.DataFrame([(r.attempt_id, r.question_id, r.answer, r.points, r.max_points) for r in rows],
                        columns=list(ANSWER_COLUMNS))


def _nameless(responses: "pd.DataFrame") -> "pd.DataFrame":
    """Only the columns a statistic may read: whatever else a caller's table holds (a name) is left out."""
    return responses[[c for c in ANSWER_COLUMNS if c in responses.columns]]


def small_group_caution(participants: int) -> str | None:
    """A Vietnamese caution for statistics over a small group, or None.

    >>> small_group_caution(30) is None, small_group_caution(4)[:14]
    (True, 'Chỉ có 4 người')
    """
    if participants >= FEW_PARTICIPANTS:
        return None
    return (f"Chỉ có {participants} người làm bài: độ khó, độ phân biệt, hệ số r và Cronbach's alpha trên dưới "
            f"{FEW_PARTICIPANTS} người thay đổi nhiều chỉ vì một người, nên chỉ để tham khảo; đừng loại hay sửa câu "
            "hỏi chỉ dựa vào các số này.")


def score_matrix(responses: "pd.DataFrame") -> "pd.DataFrame":
    """Participants × questions of score shares (points / max_points); a question not answered is 0.

    `responses` needs columns participant, question_id, points, max_points.
    """
    responses = _nameless(responses)
    share = responses["points"] / responses["max_points"].where(responses["max_points"] > 0, 1)
    frame = responses.assign(share=share)
    return frame.pivot_table(index="participant", columns="question_id", values="share", aggfunc="max",
                             fill_value=0.0)


def item_statistics(responses: "pd.DataFrame") -> "pd.DataFrame":
    """One row per question: n, facility, upper/lower facility, discrimination, point-biserial, flag."""
    import numpy as np
    import pandas as pd

    responses = _nameless(responses)
    m = score_matrix(responses)
    n_people = len(m)
    total = m.sum(axis=1)
    order = total.sort_values(kind="mergesort").index
    g = max(1, int(round(KELLEY * n_people)))
    lower, upper = m.loc[order[:g]], m.loc[order[-g:]]
    rest = total.to_numpy()[:, None] - m.to_numpy()  # total on the other items, per person × item
    x = m.to_numpy()
    xc, rc = x - x.mean(axis=0), rest - rest.mean(axis=0)
    denom = np.sqrt((xc ** 2).sum(axis=0) * (rc ** 2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        rpb = np.where(denom > 0, (xc * rc).sum(axis=0) / denom, np.nan)
    answered = responses.groupby("question_id")["participant"].nunique().reindex(m.columns).fillna(0)
    stats = pd.DataFrame({
        "n": answered.astype(int).to_numpy(),
        "facility": m.mean(axis=0).to_numpy(),
        "upper": upper.mean(axis=0).to_numpy(),
        "lower": lower.mean(axis=0).to_numpy(),
        "point_biserial": rpb,
    }, index=m.columns)
    stats["discrimination"] = stats["upper"] - stats["lower"]
    stats["flag"] = (stats["discrimination"] < FLAG_BELOW) | (stats["point_biserial"].fillna(0) < FLAG_BELOW)
    stats.index.name = "question_id"
    return stats.round(4)


# The item statistics as a person reads them (the trainer's screen uses the same words).
ITEM_HEADERS = {
    "question_id": "Mã câu hỏi",
    "n": "Số người trả lời",
    "facility": "Độ khó: tỉ lệ trả lời đúng (%)",
    "upper": "Tỉ lệ đúng của 27% người điểm cao nhất (%)",
    "lower": "Tỉ lệ đúng của 27% người điểm thấp nhất (%)",
    "discrimination": "Độ phân biệt D",
    "point_biserial": "r điểm-nhị phân",
    "flag": "Cần xem lại cách hỏi",
}
PERCENT_COLUMNS = ("facility", "upper", "lower")


def item_table(responses: "pd.DataFrame", questions: Mapping[str, "Question"], order) -> "pd.DataFrame":
    """`item_statistics` for a workbook: a row per question in `order` (question ids), Vietnamese headers,
    shares as percentages, the flag as Có/Không; numbers stay numbers (r is blank where undefined)."""
    import pandas as pd

    number = {qid: i for i, qid in enumerate(order, start=1)}
    columns = ["Câu số", ITEM_HEADERS["question_id"], "Câu hỏi"] + [ITEM_HEADERS[c] for c in list(ITEM_HEADERS)[1:]]
    if responses.empty:
        return pd.DataFrame(columns=columns)
    stats = item_statistics(responses)
    stats = stats.loc[sorted(stats.index, key=lambda q: number.get(q, len(number) + 1))].reset_index()
    for col in PERCENT_COLUMNS:
        stats[col] = (stats[col] * 100).round(1)
    stats["flag"] = stats["flag"].map({True: "Có", False: "Không"})
    stats.insert(0, "Câu số", [number.get(q) for q in stats["question_id"]])
    stats.insert(2, "Câu hỏi", [questions[q].stem if q in questions else "" for q in stats["question_id"]])
    return stats.rename(columns=ITEM_HEADERS)[columns]


def session_statistics(responses: "pd.DataFrame") -> dict:
    """Mean and median total score (share of the maximum), and Cronbach's alpha."""
    responses = _nameless(responses)
    m = score_matrix(responses)
    k = m.shape[1]
    total = m.sum(axis=1)
    var_total = total.var(ddof=0)
    alpha = (k / (k - 1)) * (1 - m.var(axis=0, ddof=0).sum() / var_total) if k > 1 and var_total > 0 else float("nan")
    return {"participants": int(len(m)), "items": int(k), "mean": float(total.mean() / k) if k else 0.0,
            "median": float(total.median() / k) if k else 0.0, "alpha": round(float(alpha), 4)}


def chosen_options(responses: "pd.DataFrame", questions: Mapping[str, "Question"]) -> "pd.DataFrame":
    """One row per chosen option: question_id, row (matching row or -1), option index, is_correct."""
    import pandas as pd

    responses = _nameless(responses)
    rows = []
    for qid, answer in zip(responses["question_id"], responses["answer"]):
        q = questions.get(qid)
        if q is None or q.type == "text":
            continue
        value = json.loads(answer) if isinstance(answer, str) else answer
        if q.type in ("single", "true_false"):
            rows.append((qid, -1, value, value in q.correct))
        elif q.type == "multiple":
            rows.extend((qid, -1, v, v in q.correct) for v in value)
        elif q.type == "matching":
            rows.extend((qid, r, v, v == q.correct[r]) for r, v in enumerate(value))
    return pd.DataFrame(rows, columns=["question_id", "row", "option", "is_correct"])


def distractor_table(responses: "pd.DataFrame", questions: Mapping[str, "Question"]) -> "pd.DataFrame":
    """How often each option of each question was chosen (count and share of those who answered)."""
    responses = _nameless(responses)
    chosen = chosen_options(responses, questions)
    counts = chosen.groupby(["question_id", "option"]).size().rename("count").reset_index()
    answered = responses.groupby("question_id")["participant"].nunique().rename("answered")
    counts = counts.join(answered, on="question_id")
    counts["share"] = (counts["count"] / counts["answered"]).round(4)
    counts["text"] = [questions[q].options[o] for q, o in zip(counts["question_id"], counts["option"])]
    counts["is_key"] = [o in questions[q].correct if questions[q].type != "matching" else False
                        for q, o in zip(counts["question_id"], counts["option"])]
    return counts


def agency_confusion(responses: "pd.DataFrame", questions: Mapping[str, "Question"], plan: "Plan") -> "pd.DataFrame":
    """Which agency participants chose when another was correct: rows = correct, columns = chosen.

    Counted on questions whose options are agencies (who leads a task; matching agencies to tasks).
    The diagonal holds the right answers; everything off it is a confusion to explain.
    """
    import pandas as pd

    responses = _nameless(responses)
    key_by_name = {a.short: k for k, a in plan.agencies.items()}
    pairs = []
    for qid, answer in zip(responses["question_id"], responses["answer"]):
        q = questions.get(qid)
        if q is None or q.template not in ("lead", "matching"):
            continue
        value = json.loads(answer) if isinstance(answer, str) else answer
        if q.template == "lead":
            pairs.append((q.options[q.correct[0]], q.options[value]))
        else:
            pairs.extend((q.options[q.correct[r]], q.options[v]) for r, v in enumerate(value))
    if not pairs:
        return pd.DataFrame()
    frame = pd.DataFrame(pairs, columns=["correct", "chosen"])
    for col in ("correct", "chosen"):
        frame[col] = frame[col].map(lambda name: plan.agency_name(key_by_name[name]) if name in key_by_name else name)
    return pd.crosstab(frame["correct"], frame["chosen"]).rename_axis(index="Đáp án đúng", columns="Đã chọn")


def top_confusions(matrix: "pd.DataFrame", n: int = 10) -> list[tuple[str, str, int]]:
    """The largest off-diagonal cells: (correct agency, chosen agency, count)."""
    out = []
    for correct in matrix.index:
        for chosen in matrix.columns:
            if correct != chosen and matrix.loc[correct, chosen] > 0:
                out.append((correct, chosen, int(matrix.loc[correct, chosen])))
    return sorted(out, key=lambda x: -x[2])[:n]


def score_histogram(scores: list[float], total: int) -> bytes:
    """How many participants got each score (0..total), as PNG; matplotlib's object API, no pyplot state."""
    from matplotlib.figure import Figure

    from toolkit.exports import figure_png

    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    ax = fig.subplots()
    counts = [0] * (total + 1)
    for s in scores:
        counts[min(total, max(0, int(round(s))))] += 1
    ax.bar(range(total + 1), counts, color="#2563eb", width=0.8)
    ax.set_xticks(range(total + 1))
    ax.set_xlabel(f"Điểm (tối đa {total}; điểm lẻ làm tròn)")
    ax.set_ylabel("Số người")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(0, max(1, max(counts)) * 1.15)
    for x, c in enumerate(counts):
        if c:
            ax.text(x, c, str(c), ha="center", va="bottom", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return figure_png(fig, dpi=100)
