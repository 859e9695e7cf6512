"""Are item analysis, the agency-confusion matrix and the city statistics computed without names?

Issue 17 ("only what the purpose needs"): the statistics work from answers keyed by attempt, and the
city overview from units' entries. Shown two ways: the same data with every name replaced (all by one
name, so a statistic that grouped by name would merge four people into one) gives identical results,
and no output holds a name.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from named_session import NAMES, make_session, names_in
from pandas.testing import assert_frame_equal

from toolkit.quiz import analytics
from toolkit.quiz.banks import question_bank
from toolkit.storage.store import Store


@pytest.fixture(scope="module")
def bank(plan):
    return {q.id: q for q in question_bank(plan)[0]}


@pytest.fixture
def rows(tmp_path, plan, bank):
    store = Store(f"sqlite:///{tmp_path / 'named.sqlite3'}")
    make_session(store, plan, bank)
    yield store.results()
    store.engine.dispose()


def with_names(rows) -> pd.DataFrame:
    """The answers as a caller might pass them: names and units included (as the trainer's page once did)."""
    return pd.DataFrame(rows).rename(columns={"attempt_id": "participant"})


def statistics(frame: pd.DataFrame, bank, plan) -> dict[str, object]:
    order = sorted(frame["question_id"].unique())
    return {
        "items": analytics.item_statistics(frame),
        "item_table": analytics.item_table(frame, bank, order),
        "session": analytics.session_statistics(frame),
        "distractors": analytics.distractor_table(frame, bank),
        "confusion": analytics.agency_confusion(frame, bank, plan),
        "matrix": analytics.score_matrix(frame),
    }


def texts_of(result) -> list:
    if isinstance(result, pd.DataFrame):
        return [*result.to_numpy().ravel(), *result.index, *result.columns,
                result.index.name, result.columns.name]
    return [*result.keys(), *result.values()]


def test_do_the_statistics_give_the_same_with_every_name_replaced(rows, bank, plan):
    assert {r.name for r in rows} == set(NAMES)
    before = statistics(with_names(rows), bank, plan)
    after = statistics(with_names([replace(r, name="Một Tên", unit_key="khac") for r in rows]), bank, plan)
    assert before["session"] == after["session"] and before["session"]["participants"] == len(NAMES)
    for key in ("items", "item_table", "distractors", "confusion", "matrix"):
        assert_frame_equal(before[key], after[key], obj=key)
    assert not before["confusion"].empty  # the case really has agency questions answered


def test_does_no_statistic_hold_a_name(rows, bank, plan):
    results = statistics(with_names(rows), bank, plan)
    assert {k: names_in(texts_of(v)) for k, v in results.items()} == {k: [] for k in results}


def test_are_the_answers_the_statistics_read_keyed_by_attempt_alone(rows, bank, plan):
    frame = analytics.answers_frame(rows)
    assert tuple(frame.columns) == analytics.ANSWER_COLUMNS
    assert set(frame["participant"]) == {r.attempt_id for r in rows}
    # Only what people typed can name someone; no statistic shows a typed answer (test above).
    assert names_in(frame.drop(columns="answer").to_numpy().ravel()) == []
    assert_frame_equal(analytics.item_statistics(frame), analytics.item_statistics(with_names(rows)))


def test_does_the_city_overview_give_the_same_figures_whoever_submitted(plan, settings):
    from toolkit.assessment.city import Submission, city_overview, ranking_table
    from toolkit.assessment.scoring import Entry

    subs = [Submission("doan_luat_su_hn", 2021, {"II.7.a": Entry("dang_thuc_hien")}, submitted_by=NAMES[0]),
            Submission("doan_luat_su_hn", 2022, {"II.7.a": Entry("hoan_thanh")}, 2, submitted_by=NAMES[1]),
            Submission("ubmttq_tp", 2022, {"II.8.a": Entry("dang_thuc_hien")}, submitted_by=NAMES[2])]
    named = city_overview(plan, settings, subs, 2022)
    other = city_overview(plan, settings, [replace(s, submitted_by=None) for s in subs], 2022)
    for key in ("ranking", "sections", "not_submitted", "overdue", "change", "units"):
        assert_frame_equal(getattr(named, key), getattr(other, key), obj=key)
        assert names_in(texts_of(getattr(named, key))) == [], key
    assert dict(named.submitters) == {"doan_luat_su_hn": NAMES[1], "ubmttq_tp": NAMES[2]} and not other.submitters
    # The name reaches a table only when asked for.
    assert "Người nộp" in ranking_table(named).columns and "Người nộp" not in ranking_table(named, names=False).columns
    assert names_in(texts_of(ranking_table(named, names=False))) == []
