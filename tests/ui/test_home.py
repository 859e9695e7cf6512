"""The home page and the notebooks generated from `toolkit.ui.pages`."""

from __future__ import annotations

import re

import ipywidgets as widgets
import nbformat

from toolkit.serving.pages import HOME, NOTEBOOK_DIR, PAGES, Page, notebook_json
from toolkit.ui import HomeApp


def home_html() -> str:
    return "".join(w.value for w in HomeApp().widget.children if isinstance(w, widgets.HTML))


def test_does_the_home_page_link_to_the_study_page():
    links = dict((href, text) for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', home_html()))
    assert links["1-tra-cuu-ke-hoach.ipynb"] == "Tra cứu Kế hoạch"


def test_does_every_link_on_the_home_page_lead_to_a_notebook_that_exists():
    hrefs = re.findall(r'<a href="([^"]+)"', home_html())
    assert hrefs == [p.notebook for p in PAGES if p.notebook]
    assert all((NOTEBOOK_DIR / h).is_file() for h in hrefs)


def test_are_pages_not_built_yet_listed_as_coming_without_a_link():
    # Every announced page may be built by now: announce one more to check how it would be listed.
    coming = [p for p in PAGES if not p.notebook] or [Page(title="Trang sắp ra mắt", intro="Chưa có.")]
    html = "".join(w.value for w in HomeApp((*PAGES, *coming)).widget.children if isinstance(w, widgets.HTML))
    for page in coming:
        item = html[html.index(page.title) - 60: html.index(page.title) + len(page.title) + 60]
        assert "sắp có" in item and "<a " not in item


def test_does_the_home_page_say_what_the_toolkit_is_for():
    assert "241/KH-UBND" in home_html() and "phổ biến, giáo dục pháp luật" in home_html()


def test_is_the_home_app_a_widget_with_its_own_css_scope():
    app = HomeApp()
    assert isinstance(app.widget, widgets.Widget)
    assert "pbgdpl-home" in app.widget._dom_classes


def test_are_the_committed_notebooks_exactly_what_pages_generates():
    # Run `python -m toolkit.ui.pages` after changing a page's title, intro or code.
    for page in (HOME, *PAGES):
        if page.notebook:
            on_disk = nbformat.read(NOTEBOOK_DIR / page.notebook, as_version=4)
            assert on_disk == notebook_json(page), page.notebook


def test_is_each_notebook_a_title_and_one_code_cell_without_outputs():
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert [c.cell_type for c in nb.cells] == ["markdown", "code"], path.name
        assert nb.cells[0].source.startswith("# ")
        assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None
        assert nb.metadata.kernelspec.name == "python3"
