"""The city overview page in real Chromium against the real Voila server.

- Before the passcode, the page's HTML (widget state included) holds no unit's data; a wrong code is
  refused; the right one opens the page.
- Sở Tư pháp uploads a good and a bad file through the browser's file input: the good one is
  imported (and ranked), the bad one refused with its row named.
- A 20 MB file is refused in Vietnamese without leaving the browser, and the page keeps working.
- A 375 px phone never scrolls sideways, on any tab; tables scroll inside their own box.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

PAGE = "5-tong-hop-thanh-pho.ipynb"
ROOT = ".pbgdpl-city"
PHONE_WIDTH = 375
TOLERANCE_PX = 2
IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"


def tab(page, name: str):
    return page.locator(f"{ROOT} .lm-TabBar-tab", has_text=name)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def unlock(page, voila_server, wait_for_widgets, code: str | None = None) -> None:
    page.goto(voila_server.url(PAGE))
    wait_for_widgets(page)
    root = page.locator(ROOT)
    root.locator("input[type=password]").fill(code or voila_server.passcode)
    root.locator("button.widget-button", has_text="Mở trang").click()


def test_is_the_page_shut_until_the_passcode_then_imports_uploads(page, voila_server, wait_for_widgets, tmp_path):
    unlock(page, voila_server, wait_for_widgets, code="000000")
    root = page.locator(ROOT)
    expect(root).to_contain_text("Mã truy cập không đúng")
    assert "Ba Đình" not in page.content() and "Năm đánh giá" not in page.content()

    root.locator("input[type=password]").fill(voila_server.passcode)
    root.locator("button.widget-button", has_text="Mở trang").click()
    expect(root.locator(".summary-line")).to_contain_text("đơn vị đã nộp tự đánh giá")

    tab(page, "Nhập tệp, tải về").click()
    good = tmp_path / "cau-giay-2022.json"
    good.write_text((IMPORTS / "valid.json").read_text(encoding="utf-8").replace('"quan_ba_dinh"', '"quan_cau_giay"'),
                    encoding="utf-8")
    # ipywidgets 8 keeps the file input out of the DOM: the button opens the browser's file chooser.
    with page.expect_file_chooser() as chooser:
        root.locator(".widget-upload").click()
    chooser.value.set_files([str(good), str(IMPORTS / "bad_label.xlsx")])
    result = root.locator(".file-result")
    expect(result.nth(0)).to_contain_text("Đã nhập cau-giay-2022.json: UBND quận Cầu Giấy, năm 2022")
    expect(result.nth(1)).to_contain_text("bad_label.xlsx, dòng 7 (trang “Tự đánh giá”, cột “Mức đánh giá”)")
    root.get_by_label("Năm đánh giá").select_option(label="2022")
    tab(page, "Xếp hạng").click()
    expect(root.locator("table.city").first).to_contain_text("UBND quận Cầu Giấy")  # the ranking
    page.screenshot(path="/tmp/city-desktop.png", full_page=True)


def test_does_the_city_page_fit_a_phone(phone_page, voila_server, wait_for_widgets):
    page = phone_page
    unlock(page, voila_server, wait_for_widgets)
    root = page.locator(ROOT)
    expect(root.locator(".summary-line")).to_be_visible()
    for name in ("Xếp hạng", "Theo mục", "Chưa nộp", "Quá hạn", "So với năm trước", "Nhập tệp, tải về"):
        tab(page, name).click()
        if name == "Theo mục":
            page.wait_for_function("() => { const img = document.querySelector('.pbgdpl-city .heatmap-box img');"
                                   " return img && img.naturalWidth > 0; }")
            root.locator(".heatmap-box").screenshot(path="/tmp/city-phone-heatmap.png")
        if name == "Chưa nộp":  # a table taller than the screen scrolls inside its own box
            box = root.locator(".table-scroll:visible").first
            assert box.evaluate("b => b.scrollHeight > b.clientHeight && getComputedStyle(b).overflowY == 'auto'")
            box.screenshot(path="/tmp/city-phone-table.png")
        assert page_width(page) <= PHONE_WIDTH + TOLERANCE_PX, f"tab “{name}” is wider than the phone"
        page.screenshot(path=f"/tmp/city-phone-{name.split()[0].lower()}.png", full_page=True)


def choose_files(page, root, paths) -> None:
    with page.expect_file_chooser() as chooser:
        root.locator(".widget-upload").click()
    chooser.value.set_files([str(p) for p in paths])


def test_is_a_large_upload_refused_in_vietnamese_and_the_page_still_works(page, voila_server, wait_for_widgets,
                                                                        tmp_path):
    """A 20 MB file once closed the page's websocket without a word, and the page then ignored a good
    file. Now it stays in the browser (no message near its size is sent), the kernel names it and the
    limit, a selection above Tornado's default 10 MiB message still arrives, and a good file after
    both is imported as usual."""
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(len(payload))))
    unlock(page, voila_server, wait_for_widgets)
    root = page.locator(ROOT)
    expect(root.locator(".summary-line")).to_be_visible()
    tab(page, "Nhập tệp, tải về").click()
    expect(root).to_contain_text("Mỗi tệp tối đa 5 MB")

    big = tmp_path / "bao-cao-lon.xlsx"
    big.write_bytes(b"\0" * 20_000_000)
    choose_files(page, root, [big])
    result = root.locator(".file-result")
    expect(result.first).to_contain_text("Tệp “bao-cao-lon.xlsx” lớn 20 MB, vượt giới hạn 5 MB cho mỗi tệp, "
                                         "nên không được đọc")
    assert max(sent) < 1_000_000, "the browser sent the large file"

    # Three files of 4 MB: one websocket message of 12 MB, over Tornado's default limit. They are not
    # assessment files, so the importer refuses each; what matters is that they arrived.
    parts = []
    for i in range(3):
        parts.append(tmp_path / f"phan-{i}.xlsx")
        parts[-1].write_bytes(b"\0" * 4_000_000)
    choose_files(page, root, parts)
    expect(root.locator("p", has_text="tệp bị từ chối")).to_contain_text("3 tệp bị từ chối")
    expect(result.nth(2)).to_contain_text("phan-2.xlsx")
    assert max(sent) > 10 * 1024 * 1024  # the selection went in one message, and the connection held

    good = tmp_path / "dong-da-2022.json"
    good.write_text((IMPORTS / "valid.json").read_text(encoding="utf-8").replace('"quan_ba_dinh"', '"quan_dong_da"'),
                    encoding="utf-8")
    choose_files(page, root, [good])
    expect(result.first).to_contain_text("Đã nhập dong-da-2022.json: UBND quận Đống Đa, năm 2022")
