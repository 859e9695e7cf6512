"""Are the item statistics right? Expected values are worked out by hand in the comments."""

import json

import pandas as pd
import pytest

from toolkit.plan.load import load_plan
from toolkit.quiz.analytics import (
    agency_confusion,
    distractor_table,
    item_statistics,
    session_statistics,
    top_confusions,
)
from toolkit.quiz.questions import Question

# Five people, three right/wrong items:      A  B  C   total
MATRIX = {"P1": (1, 1, 1),                   # 1  1  1   3
          "P2": (1, 1, 0),                   # 1  1  0   2
          "P3": (1, 0, 0),                   # 1  0  0   1
          "P4": (0, 1, 0),                   # 0  1  0   1
          "P5": (0, 0, 0)}                   # 0  0  0   0


def responses(matrix=MATRIX):
    rows = [{"participant": p, "question_id": q, "points": float(v), "max_points": 1.0, "answer": "0"}
            for p, values in matrix.items() for q, v in zip("ABC", values)]
    return pd.DataFrame(rows)


def test_facility():
    stats = item_statistics(responses())
    assert list(stats["facility"]) == [0.6, 0.6, 0.2]


def test_point_biserial_is_corrected_item_total():
    # Item C: x = 1,0,0,0,0; rest = total - x = 2,2,1,1,0.
    # Σ(x-x̄)(r-r̄) = 0.8, Σ(x-x̄)² = 0.8, Σ(r-r̄)² = 2.8 → r = 0.8 / √(0.8·2.8) = 0.5345
    # Item A: x = 1,1,1,0,0; rest = 2,1,0,1,0 → r = 0.6 / √(1.2·2.8) = 0.3273
    stats = item_statistics(responses())
    assert stats.loc["C", "point_biserial"] == pytest.approx(0.5345, abs=1e-4)
    assert stats.loc["A", "point_biserial"] == pytest.approx(0.3273, abs=1e-4)


def test_discrimination_uses_upper_and_lower_27_percent():
    # 27 % of 5 people rounds to 1: the upper group is P1 (total 3), the lower group is P5 (total 0).
    stats = item_statistics(responses())
    assert list(stats["upper"]) == [1, 1, 1] and list(stats["lower"]) == [0, 0, 0]
    # With 10 people (ability i = 0..9) the groups hold 3. Anchors C1..C4 are right when i ≥ 2, 4, 6, 8;
    # item A is right when i ≥ 5 (rises with ability), item B when i < 3 (falls with ability).
    rows = []
    for i in range(10):
        items = {"A": i >= 5, "B": i < 3, **{f"C{j}": i >= 2 * j for j in range(1, 5)}}
        rows += [{"participant": f"Q{i}", "question_id": q, "points": float(v), "max_points": 1.0, "answer": "0"}
                 for q, v in items.items()]
    stats = item_statistics(pd.DataFrame(rows))
    # Totals for i = 0..9: 1 1 2 1 2 3 4 4 5 5. Upper group (3 highest): i = 7, 8, 9, all right on A,
    # all wrong on B. Lower group (3 lowest, ties kept in order): i = 0, 1, 3: A 0/3, B 2/3.
    assert stats.loc["A", "discrimination"] == 1.0 and stats.loc["A", "point_biserial"] > 0.5
    assert stats.loc["B", "discrimination"] == pytest.approx(-2 / 3, abs=1e-4)
    assert stats.loc["B", "point_biserial"] < 0
    assert not bool(stats.loc["A", "flag"]) and bool(stats.loc["B", "flag"])


def test_cronbach_alpha():
    # Item variances p(1-p): 0.24 + 0.24 + 0.16 = 0.64. Totals 3,2,1,1,0: mean 1.4, variance 5.2/5 = 1.04.
    # α = 3/2 · (1 − 0.64/1.04) = 0.5769
    s = session_statistics(responses())
    assert s["alpha"] == pytest.approx(0.5769, abs=1e-4)
    assert (s["participants"], s["items"]) == (5, 3)
    assert s["mean"] == pytest.approx(7 / 15) and s["median"] == pytest.approx(1 / 3)


def test_a_question_someone_skipped_counts_zero_for_them():
    df = responses()
    df = df[~((df.participant == "P1") & (df.question_id == "C"))]
    stats = item_statistics(df)
    assert stats.loc["C", "facility"] == 0.0 and stats.loc["C", "n"] == 4


def lead_question():
    return Question(id="lead:II.5.b:so_tu_phap", type="single", template="lead", stem="?",
                    options=("Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Giáo dục và Đào tạo"),
                    correct=(1,), explanation="", source="")


def test_distractor_counts():
    q = lead_question()
    df = pd.DataFrame([{"participant": f"P{i}", "question_id": q.id, "points": float(a == 1), "max_points": 1.0,
                        "answer": json.dumps(a)} for i, a in enumerate([1, 1, 0, 0, 2])])
    table = distractor_table(df, {q.id: q}).set_index("option")
    assert table.loc[1, "count"] == 2 and table.loc[0, "count"] == 2 and table.loc[2, "count"] == 1
    assert table.loc[0, "share"] == 0.4 and bool(table.loc[1, "is_key"]) and 3 not in table.index


def test_agency_confusion_matrix():
    plan = load_plan()
    q = lead_question()
    df = pd.DataFrame([{"participant": f"P{i}", "question_id": q.id, "points": 0.0, "max_points": 1.0,
                        "answer": json.dumps(a)} for i, a in enumerate([1, 0, 0, 2])])
    m = agency_confusion(df, {q.id: q}, plan)
    assert m.loc["Sở Tư pháp", "Sở Nội vụ"] == 2 and m.loc["Sở Tư pháp", "Sở Tài chính"] == 1
    assert m.loc["Sở Tư pháp", "Sở Tư pháp"] == 1
    assert top_confusions(m)[0] == ("Sở Tư pháp", "Sở Nội vụ", 2)
