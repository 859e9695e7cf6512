"""Do the pages work in a room whose LAN has no internet (the workshop's usual setting)?

Every request the browser tries to send anywhere but the server is refused and recorded (HTTP and
websockets alike), as a LAN without internet would fail them. Each notebook page, at desktop and
phone size, must then render its widgets without having tried any outside request, and every Font
Awesome icon on it must be drawn with the icon font, loaded from the server. Pages behind the
passcode are opened too, so the widgets behind the gate are covered.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from toolkit.paths import NOTEBOOK_DIR

NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
ICON_FONT = "Font Awesome 5 Free"

# For each icon (<i class="fa fa-…"> as ipywidgets draws Button/FileUpload icons): the family and
# weight its glyph asks for, and whether a FontFace of that family and weight has loaded. Only a face
# that loaded counts: document.fonts.check() is also true when no face of the family exists at all.
_ICONS_JS = """async () => {
  await document.fonts.ready;
  const icons = [...document.querySelectorAll('#rendered_cells i.fa')].filter(i => i.getClientRects().length);
  return icons.map(i => {
    const style = getComputedStyle(i, '::before');
    const family = style.fontFamily.replace(/["']/g, '').split(',')[0].trim();
    const weight = style.fontWeight;
    const loaded = [...document.fonts].some(f => f.family.replace(/["']/g, '') === family
                                                 && String(f.weight) === weight && f.status === 'loaded');
    return {icon: i.className, family, weight, glyph: style.content, loaded};
  });
}"""


def block_outside(context, server_base: str) -> list[str]:
    """Refuse every request not to the server; return the list that collects them."""
    server = urlsplit(server_base).netloc
    outside: list[str] = []

    def is_outside(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != server

    def refuse(route):
        outside.append(route.request.url)
        route.abort("internetdisconnected")

    def refuse_socket(ws):
        outside.append(ws.url)
        ws.close()

    context.route(is_outside, refuse)
    context.route_web_socket(is_outside, refuse_socket)
    return outside


def open_gate(page, passcode: str) -> None:
    """Trainer and city pages first show a passcode field; open them as their users do."""
    field = page.locator("#rendered_cells input[type=password]")
    if field.count() == 0:
        return
    field.fill(passcode)
    page.locator("#rendered_cells button.widget-button", has_text="Mở trang").click()
    expect(field).to_have_count(0)


def check_offline(page, voila_server, wait_for_widgets, notebook: str) -> list[dict]:
    outside = block_outside(page.context, voila_server.base_url)
    response = page.goto(voila_server.url(notebook))
    assert response.status == 200
    wait_for_widgets(page)
    open_gate(page, voila_server.passcode)
    wait_for_widgets(page)
    icons = page.evaluate(_ICONS_JS)
    assert outside == [], f"{notebook} tried to reach outside the server: {outside}"
    not_drawn = [i for i in icons if i["family"] != ICON_FONT or not i["loaded"] or i["glyph"] in ("none", "normal")]
    assert not not_drawn, f"{notebook}: icons without their font: {not_drawn}"
    return icons


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_does_each_page_work_without_internet_on_a_desktop(notebook, page, voila_server, wait_for_widgets):
    check_offline(page, voila_server, wait_for_widgets, notebook)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_does_each_page_work_without_internet_on_a_phone(notebook, phone_page, voila_server, wait_for_widgets):
    check_offline(phone_page, voila_server, wait_for_widgets, notebook)


def test_are_icons_drawn_from_the_server_with_their_v4_names(page, voila_server, wait_for_widgets):
    """The city page's buttons use Font Awesome 4 names (file-excel-o) that only v4-shims maps;
    an icon that has no glyph would pass the per-page check with nothing to check."""
    icons = check_offline(page, voila_server, wait_for_widgets, "5-tong-hop-thanh-pho.ipynb")
    page.locator(".lm-TabBar-tab", has_text="Nhập tệp, tải về").click()
    expect(page.locator("#rendered_cells i.fa-file-excel-o")).to_be_visible()
    icons = page.evaluate(_ICONS_JS)
    by_name = {i["icon"]: i for i in icons}
    assert by_name["fa fa-file-excel-o"]["loaded"] and by_name["fa fa-file-excel-o"]["weight"] == "400"
    assert by_name["fa fa-upload"]["loaded"] and by_name["fa fa-upload"]["weight"] == "900"


def test_is_the_folder_listing_served_without_internet(page, voila_server):
    outside = block_outside(page.context, voila_server.base_url)
    response = page.goto(voila_server.base_url + "/")
    assert response.status == 200
    expect(page.get_by_text(NOTEBOOKS[0], exact=True)).to_be_visible()
    page.evaluate("document.fonts.ready")
    assert outside == [], f"the folder listing tried to reach outside the server: {outside}"
