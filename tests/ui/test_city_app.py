"""Does the city overview page stay shut until the passcode is right, then show, import and export?"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import ipywidgets as widgets
import pytest

from toolkit.assessment.criteria import load_settings
from toolkit.assessment.importing import import_assessments
from toolkit.serving.access import LOCKOUT_SECONDS, MAX_FAILURES, PasscodeGate
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store
from toolkit.ui.city import TAB_HEATMAP, CityOverviewApp

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
CODE = "246810"


@pytest.fixture(autouse=True)
def passcode(monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", CODE)


@pytest.fixture
def settings(plan):
    return load_settings(plan)


@pytest.fixture
def astore(tmp_path, plan, settings):
    astore = AssessmentStore(Store(f"sqlite:///{tmp_path / 'city.sqlite3'}"))
    report = import_assessments([IMPORTS / "valid.json"], plan, settings, astore)
    assert report.results[0].outcome == "imported"
    return astore


@pytest.fixture
def clock():
    return [1000.0]


@pytest.fixture
def app(plan, settings, astore, clock):
    return CityOverviewApp(plan, settings, astore, PasscodeGate(astore, "city", env={}, clock=lambda: clock[0]),
                           today=date(2023, 3, 1))


def walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from walk(child)


def page_text(app) -> str:
    """Everything the browser could read from the displayed widgets' state."""
    parts = []
    for w in walk(app.widget):
        for trait in ("value", "description", "placeholder", "options", "_options_labels", "titles", "tooltip"):
            v = getattr(w, trait, None)
            if isinstance(v, (str, tuple, list)):
                parts.append(str(v))
    return "\n".join(parts)


def unlock(app):
    app.passcode.value = CODE
    app.unlock.click()
    assert app.unlocked, app.gate_message.value


def test_before_unlocking_is_there_nothing_but_the_passcode_field(app):
    kinds = {type(w) for w in walk(app.widget)}
    assert kinds <= {widgets.VBox, widgets.HTML, widgets.Password, widgets.Button}
    text = page_text(app)
    assert "Ba Đình" not in text and "Nguyễn Thị Lan" not in text
    assert app.upload is None and app.ranking is None and app._submissions is None  # nothing even read


def test_is_a_wrong_passcode_refused_then_locked_out(app, clock):
    for _ in range(MAX_FAILURES - 1):
        app.passcode.value = "000000"
        app.unlock.click()
        assert "Mã truy cập không đúng" in app.gate_message.value and not app.unlocked
        assert app.passcode.value == ""  # the typed code does not stay in widget state
    app.passcode.value = "111111"
    app.unlock.click()
    assert "Tạm khóa" in app.gate_message.value
    app.passcode.value = CODE
    app.unlock.click()
    assert not app.unlocked and "thử lại sau" in app.gate_message.value
    assert "Ba Đình" not in page_text(app)
    clock[0] += LOCKOUT_SECONDS + 1
    unlock(app)


def test_after_unlocking_are_the_tables_shown(app):
    unlock(app)
    assert app.year.value == 2022  # the latest year with a submitted assessment
    assert "UBND quận Ba Đình" in app.ranking.value and "26,67%" in app.ranking.value
    assert "Chưa đạt" in app.ranking.value
    assert "1/48 đơn vị đã nộp" in app.summary.value
    assert "Sở Tư pháp" in app.missing.value and "UBND quận Ba Đình" not in app.missing.value
    assert "II.4.b.1" in app.overdue.value  # rated “Chưa thực hiện” and past its deadline
    assert "UBND quận Ba Đình" in app.change.value
    assert 'class="table-scroll"' in app.ranking.value


def test_is_the_heatmap_drawn_only_when_its_tab_is_opened(app):
    unlock(app)
    assert app.heatmap.value == b"" and app.heatmap.layout.display == "none"
    app.tabs.selected_index = TAB_HEATMAP
    assert app.heatmap.value[:8] == b"\x89PNG\r\n\x1a\n" and app.heatmap.layout.display is None


def test_does_changing_the_year_redraw_the_tables(app):
    unlock(app)
    app.year.value = 2021
    assert "Chưa có đơn vị nào nộp bản tự đánh giá năm 2021" in app.ranking.value
    assert "UBND quận Ba Đình" in app.missing.value


def upload_value(*paths_or_pairs):
    """What ipywidgets 8's FileUpload holds in the kernel: a tuple of dicts with name, type, size,
    content (memoryview) and last_modified (a datetime; the browser sends milliseconds)."""
    out = []
    for item in paths_or_pairs:
        name, data = (item.name, item.read_bytes()) if isinstance(item, Path) else item
        out.append({"name": name, "type": "application/json" if name.endswith(".json") else
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "size": len(data), "content": memoryview(data),
                    "last_modified": datetime(2024, 1, 15, 2, 30, tzinfo=timezone.utc)})
    return tuple(out)


def test_does_an_upload_of_a_good_and_a_bad_file_show_each_result(app, astore):
    unlock(app)
    good = (IMPORTS / "valid.json").read_text(encoding="utf-8").replace('"quan_ba_dinh"', '"quan_hoan_kiem"')
    app.upload.value = upload_value(("hoan-kiem.json", good.encode("utf-8")), IMPORTS / "bad_label.xlsx")
    html = app.upload_result.value
    assert "Đã nhập 1 tệp" in html and "1 tệp bị từ chối" in html
    assert "Đã nhập hoan-kiem.json: UBND quận Hoàn Kiếm, năm 2022" in html
    assert "bad_label.xlsx, dòng 7 (trang “Tự đánh giá”, cột “Mức đánh giá”)" in html
    assert app.upload.value == ()  # cleared after the import
    assert "UBND quận Hoàn Kiếm" in app.ranking.value and "2/48 đơn vị đã nộp" in app.summary.value
    assert {a.unit_key for a in astore.submitted()} == {"quan_ba_dinh", "quan_hoan_kiem"}


def test_is_uploaded_text_escaped(app):
    unlock(app)
    app.upload.value = upload_value(("<img src=x onerror=alert(1)>.json", b"{"))
    html = app.upload_result.value
    assert "<img" not in html and "&lt;img" in html


def test_is_a_file_over_the_upload_limit_refused_unread_and_the_page_still_imports(app, astore, monkeypatch):
    """The kernel decides, whatever the browser guard did: a 20 MB file that arrived whole is refused
    with its name and size, before the importer sees a byte of it; the good file beside it is imported,
    and a later upload works as usual."""
    from toolkit.ui import city

    seen = []
    real_import = city.import_assessments
    monkeypatch.setattr(city, "import_assessments", lambda sources, *a: seen.append(list(sources)) or
                        real_import(sources, *a))
    unlock(app)
    good = (IMPORTS / "valid.json").read_text(encoding="utf-8").replace('"quan_ba_dinh"', '"quan_hoan_kiem"')
    app.upload.value = upload_value(("lon.xlsx", b"\0" * 20_000_000), ("hoan-kiem.json", good.encode("utf-8")))
    html = app.upload_result.value
    assert "Tệp “lon.xlsx” lớn 20 MB, vượt giới hạn 5 MB cho mỗi tệp, nên không được đọc" in html
    assert "Đã nhập 1 tệp</b>, 0 tệp trùng nội dung, 1 tệp bị từ chối" in html
    assert [name for name, _ in seen[0]] == ["hoan-kiem.json"]  # the big file never reached the importer
    assert app.upload.value == ()  # its bytes are not kept in widget state either

    again = good.replace('"quan_hoan_kiem"', '"quan_tay_ho"')
    app.upload.value = upload_value(("tay-ho.json", again.encode("utf-8")))
    assert "Đã nhập tay-ho.json: UBND quận Tây Hồ, năm 2022" in app.upload_result.value


def test_is_a_file_the_browser_held_back_refused_with_its_real_size(app):
    """The browser guard reads an over-limit file as empty: the widget then holds its real size and no
    content, and the kernel names the file and that size."""
    unlock(app)
    held_back = upload_value(("bao-cao.xlsx", b""))[0] | {"size": 20_000_000}
    app.upload.value = (held_back,)
    assert "Tệp “bao-cao.xlsx” lớn 20 MB, vượt giới hạn 5 MB" in app.upload_result.value


def test_is_the_import_handler_refused_before_unlocking(app, astore):
    before = [(a.unit_key, a.version) for a in astore.submitted()]
    good = (IMPORTS / "valid.json").read_text(encoding="utf-8").replace('"quan_ba_dinh"', '"quan_tay_ho"')
    app.on_upload({"new": upload_value(("tay-ho.json", good.encode("utf-8")))})
    assert "nhập đúng mã truy cập trước" in app.gate_message.value
    assert [(a.unit_key, a.version) for a in astore.submitted()] == before
    app.on_download()
    app.on_year()
    assert app.download_link is None and "Ba Đình" not in page_text(app)


def test_does_the_download_hold_the_city_workbook(app):
    unlock(app)
    app.download.click()
    assert 'download="tong-hop-tu-danh-gia-2022.xlsx"' in app.download_link.value
    assert "base64," in app.download_link.value


def test_does_a_failing_callback_show_vietnamese_only(app, monkeypatch):
    unlock(app)

    def broken(*_a, **_k):
        raise RuntimeError("secret path /srv/var/toolkit.sqlite3")

    monkeypatch.setattr("toolkit.assessment.city.overview_xlsx", broken)
    app.download.click()
    assert "Không thể tạo tệp Excel tổng hợp" in app.error.value
    assert "secret" not in app.error.value and "RuntimeError" not in app.error.value
    assert "Traceback" not in page_text(app)


def test_are_many_units_drawn_one_page_of_the_heatmap_at_a_time(plan, settings, tmp_path):
    from toolkit.assessment.city import HEATMAP_PAGE, synthetic_plan, synthetic_submissions

    big = synthetic_plan(plan, 100)
    keys = [k for k in big.units if k.startswith("tong_hop_")]
    astore = AssessmentStore(Store(f"sqlite:///{tmp_path / 'big.sqlite3'}"))
    for s in synthetic_submissions(big, settings, [2024], keys, share=1.0):
        astore.import_submitted(s.unit_key, s.year, {t: e.__dict__ for t, e in s.entries.items()}, s.submitted_by,
                                s.submitted_at)
    app = CityOverviewApp(big, settings, astore, today=date(2025, 2, 1))
    unlock(app)
    assert [v for _, v in app.heatmap_page.options] == [0, HEATMAP_PAGE, 2 * HEATMAP_PAGE]
    assert app.heatmap_page.layout.display is None
    app.tabs.selected_index = TAB_HEATMAP
    first = app.heatmap.value
    app.heatmap_page.value = HEATMAP_PAGE
    assert app.heatmap.value != first and app.heatmap.value[:4] == b"\x89PNG"
    assert app.ranking.value.count("<tr>") == 101  # every unit in the table, header included


def test_does_each_year_list_the_units_that_existed_then(plan, settings, astore, clock):
    app = CityOverviewApp(plan, settings, astore, PasscodeGate(astore, "city", env={}, clock=lambda: clock[0]),
                          today=date(2026, 12, 1))
    unlock(app)
    for year in (2024, 2025, 2026):
        app.year.value = year
        active = [u for u in plan.units.values() if u.active_in(year)]
        assert f"0/{len(active)} đơn vị đã nộp" in app.summary.value, year
        assert (app.missing.value.count("<tr>") - 1) == len(active), year  # header row
    app.year.value = 2026
    assert "UBND phường Hoàn Kiếm" in app.missing.value and "Sở Khoa học và Công nghệ" in app.missing.value
    assert "UBND quận Hoàn Kiếm" not in app.missing.value and "Kỳ đánh giá" not in app.missing.value
    assert f"({plan.unit('phuong_hoan_kiem').code})" in app.missing.value
    app.year.value = 2025
    assert "UBND quận Hoàn Kiếm" in app.missing.value and "UBND phường Hoàn Kiếm" in app.missing.value
    assert "Kỳ đánh giá" in app.missing.value and "01/07/2025–31/12/2025" in app.missing.value
    app.year.value = 2024
    assert "UBND phường Hoàn Kiếm" not in app.missing.value and "UBND quận Hoàn Kiếm" in app.missing.value
