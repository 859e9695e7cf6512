"""The city overview for Sở Tư pháp: every unit's submitted self-assessment of a year, side by side.

The units of a year are those that existed on some day of it (`Plan.units_on(year)`): for 2026 the
126 communes and wards and the departments as they are (merged ones under their successors), not the
districts abolished on 1/7/2025; for 2025 both, each with the part of the year it existed
(`Unit.period_in`, see toolkit.assessment.criteria). So "chưa nộp" counts only units that had to
submit for that year. Every table carries the unit's key and, where it has one, its statistical code.

From the newest submitted version of each unit and year it builds the ranking, a units × sections
matrix of percent, the units that have not submitted, dated duties now overdue, and the change
from the year before, and writes them as one xlsx. Each unit is scored exactly as its own page
scores it (`toolkit.assessment_report.score_of`: criteria of that year with the unit's submitted
history); pandas does the rest. pandas is imported inside the functions: a page that never opens
the overview should not pay for it.

It works on plain records (`Submission`), so it runs the same on the database's contents and on
synthetic data (`synthetic_plan`, `synthetic_submissions`) for tests and benchmarks.

No figure reads who submitted: the name is kept apart (`CityOverview.submitters`) and reaches the
workbook only when it is asked for (`overview_xlsx(..., names=True)`), whose first sheet says so.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Mapping

from toolkit.assessment.criteria import NOT_RATED, Settings, criteria_for
from toolkit.assessment.report import CODE_LABEL
from toolkit.assessment.scoring import AssessmentScore, Entry, previous_year, score_of, unit_criteria
from toolkit.plan.model import AGENCY_KINDS, Plan, Unit
from toolkit.plan.naming import plan_numbered
from toolkit.vietnamese import sort_key

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.storage.assessments import AssessmentStore

NOT_SUBMITTED = "Chưa nộp tự đánh giá"
# Under the units that have not submitted, on the page and in the Word summary, when the year is split.
SPLIT_YEAR_NOTE = ("Năm 2025: UBND quận, huyện, thị xã tự đánh giá kỳ 01/01–30/06/2025, UBND xã, phường kỳ "
                   "01/07–31/12/2025; sở sáp nhập ngày 01/3/2025 tự đánh giá kỳ đến 28/02/2025.")
SUBMITTER = "Người nộp"


@dataclass(frozen=True)
class Submission:
    """The newest submitted version of one unit's assessment of one year."""

    unit_key: str
    year: int
    entries: Mapping[str, Entry]
    version: int = 1
    submitted_at: datetime | None = None
    submitted_by: str | None = None


def load_submissions(astore: "AssessmentStore") -> list[Submission]:
    """Every unit's newest submitted version per year, with entries (one database query)."""
    return [Submission(a.unit_key, a.year, {tid: Entry(**v) for tid, v in entries.items()}, a.version,
                       a.submitted_at, a.submitted_by)
            for a, entries in astore.submitted_with_entries()]


def unit_score(plan: Plan, settings: Settings, history, unit_key: str, year: int,
               entries: Mapping[str, Entry]) -> AssessmentScore:
    """A unit's score for a year as its own page computes it (history: [(year, entries)] submitted)."""
    return score_of(plan, settings, history, unit_key, year, entries)[1]


@dataclass(frozen=True)
class CityOverview:
    """DataFrames for one year; columns are the English keys below, `*_table` functions label them."""

    year: int
    threshold: float
    ranking: "pd.DataFrame"        # rank, unit_key, code, unit, kind, period, points, max_points, percent, passed, ...
    #                                (no name: who submitted is in `submitters`)
    sections: "pd.DataFrame"       # index unit_key (ranking order), columns section ids, values percent (NaN: none)
    not_submitted: "pd.DataFrame"  # unit_key, code, unit, kind, period, last_year (Vietnamese order by kind, name)
    overdue: "pd.DataFrame"        # unit_key, unit, submitted, task_id, section, summary, deadline, role, rating
    change: "pd.DataFrame"         # unit_key, unit, previous, percent, delta, compared_with
    active: int                    # units active in the year
    units: "pd.DataFrame | None" = None  # unit_key, code, unit, kind, valid_from, valid_to, period, submitted
    submitters: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # unit_key → who submitted

    @property
    def submitted_count(self) -> int:
        return len(self.ranking)


def city_overview(plan: Plan, settings: Settings, submissions: Iterable[Submission], year: int) -> CityOverview:
    """Everything Sở Tư pháp looks at for one year.

    - ranking: units that submitted for the year, best percent first; equal percents share a rank;
      a unit with nothing scored this year (max 0) has no percent and no rank.
    - sections: percent per section (points / maximum of that section), NaN where the unit had
      nothing scored in that section.
    - not_submitted: units active in the year (unit registry) with no submitted assessment.
    - overdue: dated duties past their deadline ("overdue") that the unit has not rated as
      completed — including every overdue duty of a unit that has not submitted.
    - change: percent this year minus percent the year before, for units with either; a unit that did
      not submit the year before (a ward in 2025) is compared with its predecessors' submitted
      assessments (scoring.previous_year), named in `compared_with`.
    - units: every unit that existed in the year, with the part of it (period) and whether it submitted.
    """
    import pandas as pd

    history: dict[str, list[tuple[int, Mapping[str, Entry]]]] = {}
    this_year: dict[str, Submission] = {}
    for s in submissions:
        if s.unit_key not in plan.units:
            continue  # a unit removed from the registry: its old rows stay in the database, not in the overview
        history.setdefault(s.unit_key, []).append((s.year, s.entries))
        if s.year == year:
            this_year[s.unit_key] = s
    for h in history.values():
        h.sort(key=lambda x: x[0])

    totals, section_rows, overdue_rows, previous = [], [], [], {}
    position = {t.id: i for i, t in enumerate(plan.tasks)}  # overdue duties listed in plan order
    for key, sub in this_year.items():
        unit = plan.unit(key)
        criteria, score = score_of(plan, settings, history[key], key, year, sub.entries)
        totals.append(_total_row(unit, score, sub))
        section_rows.extend((key, sid, p, m) for sid, p, m in score.by_section)
        items = {i.task_id: i for i in score.items}
        for c in criteria:
            item = items[c.id]
            if c.status == "overdue" and item.counted and not _completed(settings, item):
                overdue_rows.append(_overdue_row(settings, position, unit, c, item.rating, True))
    compared_with = {}
    for key in set(history) | set(this_year):
        cmp = previous_year(plan, settings, lambda k: history.get(k, []), key, year)
        # Predecessors stand in only for a unit that submitted this year; they are not its own figures.
        if cmp is not None and (key in this_year or not cmp.of_predecessors):
            previous[key] = cmp.score.percent if cmp.score.max_points else math.nan
            compared_with[key] = cmp.label if cmp.of_predecessors else ""

    active = plan.units_on(year)  # Vietnamese alphabetical order
    missing = [u for u in active if u.key not in this_year]
    for unit in missing:
        for c in unit_criteria(plan, settings, history.get(unit.key, []), unit.key, year, {}):
            if c.status == "overdue":
                overdue_rows.append(_overdue_row(settings, position, unit, c, None, False))

    order_of = {u.key: i for i, u in enumerate(plan.units_on(None))}  # Vietnamese order of names
    ranking = pd.DataFrame(totals, columns=["unit_key", "code", "unit", "kind", "period", "points", "max_points",
                                            "percent", "passed", "rated", "to_rate", "version", "submitted_at"])
    ranking["rank"] = ranking["percent"].rank(method="min", ascending=False).astype("Int64")
    ranking["order"] = ranking["unit_key"].map(order_of)
    ranking = (ranking.sort_values(["rank", "order"], na_position="last", kind="stable").drop(columns="order")
               .reset_index(drop=True))
    ranking.insert(0, "rank", ranking.pop("rank"))

    order = [s.id for s in plan.sections]
    long = pd.DataFrame(section_rows, columns=["unit_key", "section", "points", "max_points"])
    long["percent"] = (100 * long["points"] / long["max_points"].where(long["max_points"] > 0)).round(2)
    matrix = long.pivot(index="unit_key", columns="section", values="percent")
    matrix = matrix.reindex(index=ranking["unit_key"], columns=[s for s in order if s in matrix.columns])
    matrix.columns.name = None

    last_year = {k: max(y for y, _ in h) for k, h in history.items()}
    missing = sorted(missing, key=lambda u: sort_key(AGENCY_KINDS.get(u.kind, u.kind)))  # stable: names stay sorted
    not_submitted = pd.DataFrame(
        [{"unit_key": u.key, "code": u.code or "", "unit": u.name, "kind": AGENCY_KINDS.get(u.kind, u.kind),
          "period": period_text(u, year), "last_year": last_year.get(u.key)} for u in missing],
        columns=["unit_key", "code", "unit", "kind", "period", "last_year"]).astype({"last_year": "Int64"})
    units = pd.DataFrame(
        [{"unit_key": u.key, "code": u.code or "", "unit": u.name, "kind": AGENCY_KINDS.get(u.kind, u.kind),
          "valid_from": u.valid_from, "valid_to": u.valid_to, "period": period_text(u, year),
          "submitted": u.key in this_year} for u in active],
        columns=["unit_key", "code", "unit", "kind", "valid_from", "valid_to", "period", "submitted"])

    overdue = pd.DataFrame(overdue_rows, columns=["unit_key", "unit", "submitted", "task_id", "section", "summary",
                                                  "deadline", "role", "rating", "position"])
    overdue = (overdue.sort_values(["submitted", "unit", "position"], ascending=[False, True, True], kind="stable")
               .drop(columns="position").reset_index(drop=True))

    now = ranking.set_index("unit_key")["percent"]
    before = pd.Series(previous, dtype="float64")
    keys = now.index.union(before.index)
    change = pd.DataFrame({"unit_key": keys, "previous": before.reindex(keys).to_numpy(),
                           "percent": now.reindex(keys).to_numpy(dtype="float64")})
    change["unit"] = change["unit_key"].map(lambda k: plan.unit(k).name)
    change["delta"] = (change["percent"] - change["previous"]).round(2)
    change["compared_with"] = change["unit_key"].map(lambda k: compared_with.get(k, ""))
    change["order"] = change["unit_key"].map(order_of)
    change = (change.sort_values(["delta", "order"], ascending=[False, True], na_position="last", kind="stable")
              [["unit_key", "unit", "previous", "percent", "delta", "compared_with"]].reset_index(drop=True))

    submitters = MappingProxyType({k: s.submitted_by for k, s in this_year.items() if s.submitted_by})
    return CityOverview(year, settings.pass_threshold, ranking, matrix, not_submitted, overdue, change, len(active),
                        units, submitters)


def split_year(overview: CityOverview) -> bool:
    """Did some unit exist for only part of the year (2025, the reform)? Then the tables show each one's period."""
    return bool((overview.units["period"] != "Cả năm").any()) if overview.units is not None else False


def period_text(unit: Unit, year: int) -> str:
    """The part of `year` a unit existed, "01/07/2025–31/12/2025"; "Cả năm" for the whole year."""
    period = unit.period_in(year)
    if period is None:
        return ""
    first, last = period
    if (first, last) == (date(year, 1, 1), date(year, 12, 31)):
        return "Cả năm"
    return f"{first:%d/%m/%Y}–{last:%d/%m/%Y}"


def _total_row(unit: Unit, score: AssessmentScore, sub: Submission) -> dict:
    scored = score.max_points > 0
    return {"unit_key": unit.key, "code": unit.code or "", "unit": unit.name,
            "kind": AGENCY_KINDS.get(unit.kind, unit.kind), "period": period_text(unit, sub.year),
            "points": score.points, "max_points": score.max_points,
            "percent": score.percent if scored else math.nan, "passed": score.passed if scored else None,
            "rated": score.rated, "to_rate": score.to_rate, "version": sub.version,
            "submitted_at": sub.submitted_at}


def _completed(settings: Settings, item) -> bool:
    """Rated as completed (on time or late) and accepted — a refused rating earns nothing."""
    return (item.rating in settings.rating_keys and settings.rating(item.rating).completes
            and item.points > 0)


def _overdue_row(settings: Settings, position: Mapping[str, int], unit: Unit, c, rating: str | None,
                 submitted: bool) -> dict:
    if not submitted:
        label = NOT_SUBMITTED
    elif rating is None:
        label = NOT_RATED
    else:
        label = settings.rating(rating).label if rating in settings.rating_keys else rating
    return {"unit_key": unit.key, "unit": unit.name, "submitted": submitted, "task_id": c.id,
            "section": c.task.section, "summary": c.task.summary, "deadline": c.task.deadline.label,
            "role": c.task.role_label(c.role), "rating": label, "position": position[c.id]}


# ---------------------------------------------------------------- tables for people (Vietnamese headers)


def ranking_table(overview: CityOverview, names: bool = True) -> "pd.DataFrame":
    """The ranking with Vietnamese headers; "Người nộp" (who submitted) only with `names`."""
    r = overview.ranking
    out = r[["rank", "unit", "kind"]].copy()
    out["Tỷ lệ điểm (%)"] = r["percent"]
    out["Điểm"] = r["points"]
    out["Điểm tối đa"] = r["max_points"]
    out["Kết quả"] = r["passed"].map({True: "Đạt", False: "Chưa đạt"}).fillna("Không có tiêu chí được chấm")
    out["Đã đánh giá"] = r["rated"].astype(str) + "/" + r["to_rate"].astype(str)
    out["Phiên bản"] = r["version"]
    if names:
        out[SUBMITTER] = r["unit_key"].map(lambda k: overview.submitters.get(k, ""))
    out["Kỳ đánh giá"] = r["period"]
    out["Mã đơn vị"] = r["unit_key"]
    out[CODE_LABEL] = r["code"]
    return out.rename(columns={"rank": "Hạng", "unit": "Đơn vị", "kind": "Loại đơn vị"})


def sections_table(plan: Plan, overview: CityOverview) -> "pd.DataFrame":
    names = overview.ranking.set_index("unit_key")["unit"]
    out = overview.sections.copy()
    out.insert(0, "Đơn vị", names.reindex(out.index).to_numpy())
    out.columns = ["Đơn vị"] + [f"{sid} (%)" for sid in overview.sections.columns]
    return out.reset_index(drop=True)


def not_submitted_table(overview: CityOverview) -> "pd.DataFrame":
    return overview.not_submitted.rename(columns={"unit_key": "Mã đơn vị", "code": CODE_LABEL, "unit": "Đơn vị",
                                                  "kind": "Loại đơn vị", "period": "Kỳ đánh giá",
                                                  "last_year": "Năm nộp gần nhất"})


def units_table(overview: CityOverview) -> "pd.DataFrame":
    """Every unit that existed in the year, with its period and whether it submitted."""
    out = overview.units.drop(columns=["valid_from", "valid_to"]).copy()
    out["submitted"] = out["submitted"].map({True: "Đã nộp", False: "Chưa nộp"})
    return out.rename(columns={"unit_key": "Mã đơn vị", "code": CODE_LABEL, "unit": "Đơn vị", "kind": "Loại đơn vị",
                               "period": "Kỳ đánh giá", "submitted": "Tự đánh giá"})


def overdue_table(overview: CityOverview) -> "pd.DataFrame":
    out = overview.overdue.copy()
    out["submitted"] = out["submitted"].map({True: "Đã nộp", False: "Chưa nộp"})
    return out.rename(columns={"unit_key": "Mã đơn vị", "unit": "Đơn vị", "submitted": "Tự đánh giá năm",
                               "task_id": "Mã nhiệm vụ", "section": "Mục", "summary": "Nhiệm vụ",
                               "deadline": "Thời hạn", "role": "Vai trò", "rating": "Mức đánh giá"})


def change_table(overview: CityOverview) -> "pd.DataFrame":
    y = overview.year
    return overview.change.drop(columns="unit_key").rename(columns={
        "unit": "Đơn vị", "previous": f"Năm {y - 1} (%)", "percent": f"Năm {y} (%)", "delta": "Thay đổi (điểm %)",
        "compared_with": f"So sánh năm {y - 1} với"})


def overview_notice(names: bool) -> str:
    """What the overview workbook's first row says about the names in it."""
    from toolkit.exports import named_notice, pseudonymised_notice

    if names:
        return named_notice("người nộp bản tự đánh giá của từng đơn vị", f"cột “{SUBMITTER}”, trang “Xếp hạng”",
                            "theo dõi, đôn đốc việc tự đánh giá của các đơn vị",
                            f"Cần gửi cho người khác thì xóa cột “{SUBMITTER}” trước.")
    return pseudonymised_notice("người nộp bản tự đánh giá", kept="Các số liệu giống hệt bản có họ tên.")


def overview_xlsx(plan: Plan, overview: CityOverview, names: bool = True) -> bytes:
    """Sheets: Thông tin (its first row says whether the file holds names), Xếp hạng, Theo mục (coloured
    like a heatmap), Chưa nộp, Nhiệm vụ quá hạn, So sánh năm trước, Đơn vị trong năm (every unit that
    existed, with its period). `names=False` leaves out who submitted each unit's assessment."""
    import pandas as pd
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    from toolkit.exports import NOTICE_COLUMNS, excel_writer, fit_columns, notice_row

    info = pd.DataFrame([notice_row(overview_notice(names)),
                         ("Kế hoạch", plan_numbered(plan)), ("Năm đánh giá", overview.year),
                         ("Đơn vị hoạt động trong năm", overview.active),
                         ("Đã nộp tự đánh giá", overview.submitted_count),
                         ("Chưa nộp", len(overview.not_submitted)),
                         ("Ngưỡng đạt (%)", overview.threshold)], columns=list(NOTICE_COLUMNS)).astype({"Giá trị": str})
    sheets = {
        "Thông tin": info,
        "Xếp hạng": ranking_table(overview, names),
        "Theo mục": sections_table(plan, overview),
        "Chưa nộp": not_submitted_table(overview),
        "Nhiệm vụ quá hạn": overdue_table(overview),
        "So sánh năm trước": change_table(overview),
        "Đơn vị trong năm": units_table(overview),
    }
    buf = io.BytesIO()
    with excel_writer(buf) as writer:
        for name, df in sheets.items():
            df.to_excel(writer, index=False, sheet_name=name)
            fit_columns(writer.sheets[name], df)
        ws = writer.sheets["Theo mục"]
        n, m = len(sheets["Theo mục"]), len(sheets["Theo mục"].columns)
        if n and m > 1:
            cells = f"B2:{get_column_letter(m)}{n + 1}"
            ws.conditional_formatting.add(cells, ColorScaleRule(start_type="num", start_value=0, start_color="F8696B",
                                                                mid_type="num", mid_value=overview.threshold,
                                                                mid_color="FFEB84", end_type="num", end_value=100,
                                                                end_color="63BE7B"))
    return buf.getvalue()


def city_summary_xlsx(plan: Plan, settings: Settings, submissions: Iterable[Submission], year: int,
                      names: bool = True) -> bytes:
    """The city summary of a year as xlsx (`toolkit assess city --year 2022 --output tong-hop.xlsx`)."""
    return overview_xlsx(plan, city_overview(plan, settings, submissions, year), names)


# ---------------------------------------------------------------- heatmap


HEATMAP_PAGE = 40  # units per heatmap image: legible on a phone, drawn in well under a second


def heatmap_figure(plan: Plan, overview: CityOverview, start: int = 0, count: int | None = HEATMAP_PAGE):
    """Units start..start+count (ranking order) × sections, coloured by percent; grey where nothing was scored.

    One image per page of units: 600 units in one figure took 13 s to draw and 1.5 MB of PNG.
    Margins are set by hand (no constrained layout, which measured every tick label twice), and
    numbers are written in the cells only for small tables: text is what costs most to draw.
    Object API only (no pyplot state in a long-running kernel).
    """
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm
    from matplotlib.figure import Figure

    m = overview.sections.iloc[start: None if count is None else start + count]
    names = overview.ranking.set_index("unit_key")["unit"].reindex(m.index).tolist()
    rows, cols = max(len(m), 1), max(len(m.columns), 1)
    left, right, top, bottom = 2.9, 0.2, 0.55, 0.95  # inches: unit names, margin, section ids, colour bar
    plot_w = max(0.55 * cols, 2.6)
    width, height = left + right + plot_w, top + bottom + 0.26 * rows
    fig = Figure(figsize=(width, height))
    if m.empty:
        fig.text(0.5, 0.5, f"Chưa có bản tự đánh giá nào được nộp năm {overview.year}", ha="center", va="center")
        return fig
    ax = fig.add_axes((left / width, bottom / height, plot_w / width, 0.26 * rows / height))
    values = m.to_numpy(dtype=float)
    cmap = LinearSegmentedColormap.from_list("pbgdpl", ["#dc2626", "#facc15", "#16a34a"]).with_extremes(bad="#e5e7eb")
    norm = TwoSlopeNorm(vmin=0, vcenter=min(max(overview.threshold, 1), 99), vmax=100)
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap=cmap, norm=norm, interpolation="nearest")
    ax.set_xticks(range(len(m.columns)), list(m.columns), fontsize=9)
    ax.set_yticks(range(len(m)), [f"{start + i + 1}. {_short(n)}" for i, n in enumerate(names)], fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    if values.size <= 250:
        for (y, x), v in np.ndenumerate(values):
            if not math.isnan(v):
                ax.text(x, y, f"{v:.0f}", ha="center", va="center", fontsize=7, color="#111827")
    cax = fig.add_axes((left / width, 0.5 / height, plot_w / width, 0.12 / height))
    cbar = fig.colorbar(image, cax=cax, orientation="horizontal")
    cbar.ax.tick_params(labelsize=7)
    cbar.set_label(f"Tỷ lệ điểm theo mục (%); ngưỡng đạt {overview.threshold:g}%", fontsize=8)
    return fig


def _short(name: str, width: int = 34) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


# ---------------------------------------------------------------- synthetic data (tests, benchmarks)


def synthetic_plan(plan: Plan, n_units: int, seed: int = 0) -> Plan:
    """The plan with n_units extra units cloned from the real ones (same groups, new keys and names)."""
    rng = random.Random(seed)
    templates = [u for u in plan.units.values() if u.valid_to is None or u.valid_to.year >= 2024]
    units = dict(plan.units)
    for i in range(n_units):
        t = rng.choice(templates)
        key = f"tong_hop_{i:04d}"
        units[key] = replace(t, key=key, name=f"Đơn vị thử nghiệm {i:04d} ({t.name})", valid_from=date(2020, 12, 15),
                             valid_to=None, successor_of=(), inherits=False)
    return replace(plan, units=MappingProxyType(units))


def synthetic_submissions(plan: Plan, settings: Settings, years: Iterable[int], unit_keys: Iterable[str] | None = None,
                          seed: int = 0, share: float = 0.9) -> list[Submission]:
    """Random but valid submitted assessments: about `share` of the units submit each year.

    Ratings follow the page's rules (no “Hoàn thành” on an overdue duty, a reason for “Không áp
    dụng”, only scored criteria rated), so the data looks like what units really send.
    """
    rng = random.Random(seed)
    keys = list(unit_keys) if unit_keys is not None else list(plan.units)
    scored = [r for r in settings.scale if not r.not_applicable]
    na = next(r for r in settings.scale if r.not_applicable)
    when = datetime(2020, 1, 1, tzinfo=timezone.utc)
    out = []
    cache: dict[tuple, list] = {}
    for year in years:
        for key in keys:
            unit = plan.unit(key)
            if not unit.active_in(year) or rng.random() > share:
                continue
            sig = (plan.unit_memberships(key), unit.agency, year)
            if sig not in cache:
                cache[sig] = criteria_for(plan, settings, key, year)
            entries = {}
            for c in cache[sig]:
                if not c.scored:
                    continue
                roll = rng.random()
                if roll < 0.05:
                    entries[c.id] = Entry(na.key, reason="Đơn vị không có đối tượng thực hiện")
                elif roll < 0.95:
                    choices = [r for r in scored if not (r.on_time and c.status == "overdue")]
                    r = rng.choice(choices)
                    entries[c.id] = Entry(r.key, evidence_number=f"{rng.randint(1, 300)}/BC-UBND")
            out.append(Submission(key, year, entries, 1, when.replace(year=year + 1), "Người thử nghiệm"))
    return out
