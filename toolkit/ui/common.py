"""Pieces every app shares: guarded callbacks, escaping, download links and page CSS.

VOILA.md: an exception in a widget callback sends its full traceback, source lines included,
to the browser. `guarded` keeps it in the log and shows a Vietnamese sentence instead.
"""

from __future__ import annotations

import base64
import functools
import html
import logging
import sys
from typing import Callable, TypeVar

import ipywidgets as widgets

from toolkit.quiz.formats import OTHER_UNIT, OTHER_UNIT_NAME

log = logging.getLogger("toolkit.ui")
T = TypeVar("T")


def _keep_logs_out_of_the_page() -> None:
    """Send kernel-side logs to the kernel process's own stderr (the server's log), not to the page.

    In a kernel, sys.stderr is a stream published to the browser, and Python's last-resort log
    handler writes there: a logged traceback (ours, or the "Comm" logger's when a crafted widget
    message is rejected) would reach the websocket. With a handler of our own on sys.__stderr__,
    the last resort is never used. Records still propagate, so test log capture keeps working.
    """
    for name in ("toolkit", "Comm"):
        logger = logging.getLogger(name)
        if not any(getattr(h, "pbgdpl_server_log", False) for h in logger.handlers):
            handler = logging.StreamHandler(sys.__stderr__)
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
            handler.pbgdpl_server_log = True
            logger.addHandler(handler)


_keep_logs_out_of_the_page()

MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv;charset=utf-8",
    "png": "image/png",
    "html": "text/html;charset=utf-8",
    "json": "application/json;charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def esc(text: object) -> str:
    """Text from data or from the user, safe inside HTML (names could contain `<`)."""
    return html.escape(str(text), quote=True)


def alert(text: object) -> str:
    """A Vietnamese message for the person at the screen, as escaped HTML."""
    return f'<div class="pbgdpl-alert" role="alert">{esc(text)}</div>'


def error_box() -> widgets.HTML:
    """Where a guarded callback reports a failure; empty (and invisible) while all is well."""
    return widgets.HTML("", layout=widgets.Layout(width="auto")).add_class("pbgdpl-error")


def error_html(action: str) -> str:
    return (f'<div class="pbgdpl-alert" role="alert">Không thể {esc(action)} do có lỗi trong chương trình. '
            "Vui lòng thử lại; nếu lỗi lặp lại, hãy báo cho người quản trị.</div>")


def guarded(action: str):
    """Decorate an app method used as a callback: log any exception, show a Vietnamese message.

    `action` completes the sentence "Không thể …", e.g. "hiển thị danh sách nhiệm vụ".
    The app must have an `error` HTML widget (see `error_box`). A successful call clears it.
    The exception text is never shown: it may hold data or paths the page should not reveal.
    """
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                result = method(self, *args, **kwargs)
            except Exception:
                log.exception("Callback %s failed", method.__qualname__)
                self.error.value = error_html(action)
                return None
            self.error.value = ""
            return result
        return wrapper
    return decorate


def stacked(w: widgets.Widget) -> widgets.Widget:
    """The widget with its label above it, not beside it (the `.stacked` rules of `page_style`): room on a phone."""
    return w.add_class("stacked")


def download_link(data: bytes, filename: str, fmt: str, label: str) -> str:
    """An `<a download>` holding the file itself, so no server route is needed."""
    payload = base64.b64encode(data).decode("ascii")
    return (f'<a class="pbgdpl-download" download="{esc(filename)}" '
            f'href="data:{MIME[fmt]};base64,{payload}">{esc(label)}</a>')


def built_before_the_request(build: Callable[..., T], wanted: Callable[[], dict]) -> T:
    """A page built for its request: in a preheated kernel, before the request, as most requests want it.

    A preheated kernel runs what comes before the request while it waits in the pool, so what the
    participant waits for after arriving is only what their request changes (issue 16). `wanted()`
    reads the request (`toolkit.serving.request`) and gives `build`'s arguments for it, {} for the
    default page. If the page built ahead is not that one, its widgets are closed, so the browser is
    not sent their state, and the page is built again. An ordinary kernel knows its request from the
    start and builds once.
    """
    from ipywidgets.widgets.widget import _instances

    from toolkit.serving.request import preheated

    if not preheated():
        return build(**wanted())
    before = set(_instances)
    page = build()
    arguments = wanted()
    if not arguments:
        return page
    for model_id in set(_instances) - before:
        widget = _instances.get(model_id)  # closing one may have closed others
        if widget is not None:
            widget.close()
    return build(**arguments)


def page_style(root_class: str) -> str:
    """CSS for one app, scoped to the class on its root widget so apps do not restyle each other.

    Selectors that override ipywidgets' own rules repeat enough of ipywidgets' selector to win
    (e.g. `.jupyter-widgets.jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab`).
    """
    r = f".{root_class}"
    tab = f"{r} .jupyter-widgets.jupyter-widget-tab"
    return f"""<style>
{r} {{ font-size: 16px; line-height: 1.5; color: #111827; max-width: 1100px; }}
{r} .widget-html-content {{ font-size: 16px; line-height: 1.5; overflow-wrap: break-word; white-space: normal; }}
{r} h2 {{ font-size: 1.45em; margin: 0.3em 0; line-height: 1.25; }}
{r} h3 {{ font-size: 1.15em; margin: 1em 0 0.4em; line-height: 1.3; color: #1e3a8a; }}
{r} a {{ color: #1d4ed8; }}
{r} .pbgdpl-alert {{ background: #fef2f2; border: 1px solid #fca5a5; color: #991b1b;
  padding: 0.6em 0.8em; border-radius: 6px; margin: 0.4em 0; }}
{r} .muted {{ color: #4b5563; font-size: 0.93em; }}
/* Labels above inputs: side-by-side labels leave no room for the input on a phone. */
{r} .stacked.widget-inline-hbox {{ flex-direction: column; align-items: stretch; height: auto;
  margin-bottom: 0.6em; }}
{r} .stacked > .widget-label {{ display: block; width: auto; color: var(--jp-widgets-label-color); max-width: none; text-align: left;
  font-weight: 600; font-size: 15px; line-height: 1.4; height: auto; margin: 0 0 3px 0; white-space: normal; }}
/* 16 px text stops phones zooming in on focus; 2.6em is a comfortable touch target. */
{r} .stacked.widget-inline-hbox > select, {r} .stacked.widget-inline-hbox > input {{ flex: 0 0 auto;
  width: 100%; height: 2.6em; font-size: 16px; }}
/* Text boxes in the page's font: Chromium's default for textarea is a monospace face that draws
   Vietnamese marks apart from their letters ("kê ́hoạch", seen in a screenshot). */
{r} textarea, {r} input {{ font-family: inherit; }}
{r} .widget-checkbox {{ width: auto; height: auto; line-height: 1.4; }}
{r} .widget-checkbox .widget-label-basic {{ white-space: normal; overflow: visible; line-height: 1.4;
  font-size: 15px; display: flex; align-items: flex-start; padding: 0.3em 0; }}
{r} .widget-checkbox .widget-label-basic input {{ margin-top: 0.2em; }}
{r} .widget-button, {r} .widget-toggle-button {{ font-size: 15px; height: auto; min-height: 2.6em;
  white-space: normal; }}
{r} .widget-image {{ margin: 0; max-width: 100%; }}
{r} .pbgdpl-download {{ display: inline-block; padding: 0.5em 0.9em; margin: 0.3em 0;
  background: #1d4ed8; color: #fff; border-radius: 6px; text-decoration: none; }}
/* Tab titles wrap onto a second row instead of being cut off on a 375 px phone. */
{tab} > .lm-TabBar {{ min-height: 0; }}
{tab} > .lm-TabBar > .lm-TabBar-content {{ flex-wrap: wrap; }}
{tab} > .lm-TabBar .lm-TabBar-tab {{ flex: 1 1 auto; min-width: 0; line-height: 1.3; font-size: 15px;
  padding: 0.55em 0.7em; }}
{tab} > .lm-TabBar .lm-TabBar-tabLabel {{ white-space: normal; overflow: visible; }}
{tab} > .widget-tab-contents {{ padding: 0.9em; }}
@media (max-width: 600px) {{
  {tab} > .widget-tab-contents {{ padding: 0.6em 0.4em; }}
}}
</style>"""


class PasscodeLocked:
    """Mixin for protected pages: a passcode field, and nothing else, until the kernel accepts it.

    VOILA.md: every synced trait of every displayed widget reaches the browser, so before unlocking
    no widget holding data exists; the page builds it in `on_unlocked`. Handlers that act on data
    are decorated with `unlocked_only`: the browser can fire any callback it knows, locked or not.
    """

    def _init_lock(self, intro_html: str, gate) -> None:
        self.gate = gate
        self.error = error_box()
        self.passcode = widgets.Password(description="Mã truy cập", placeholder="Mã do máy chủ in ra khi khởi động",
                                         continuous_update=False,
                                         layout=widgets.Layout(width="100%")).add_class("stacked")
        self.unlock = widgets.Button(description="Mở trang", button_style="primary", icon="unlock")
        self.unlock.on_click(self.on_unlock)
        self.gate_message = widgets.HTML("")
        self.gate_box = widgets.VBox([widgets.HTML(intro_html), self.passcode, self.unlock,
                                      self.gate_message]).add_class("gate")
        self.body = widgets.VBox([self.gate_box])

    @property
    def unlocked(self) -> bool:
        return self.gate.unlocked

    @guarded("kiểm tra mã truy cập")
    def on_unlock(self, _=None) -> None:
        if self.gate.unlocked:
            return
        typed, self.passcode.value = self.passcode.value, ""  # the typed code does not stay in widget state
        ok, message = self.gate.check(typed)
        if not ok:
            self.gate_message.value = alert(message)
            return
        self.gate_message.value = ""
        self.on_unlocked()

    def on_unlocked(self) -> None:
        raise NotImplementedError


def unlocked_only(method):
    """Refuse an action on a protected page while it is locked (see PasscodeLocked)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if not self.gate.unlocked:
            self.gate_message.value = alert("Trang đang khóa: nhập đúng mã truy cập trước.")
            return None
        return method(self, *args, **kwargs)
    return wrapper


# ---------------------------------------------------------------- finding one's unit

PICKER_TEXT = {
    "vi": {"find": "Tìm đơn vị", "find_hint": "Gõ tên xã, phường, sở… (có dấu hoặc không dấu)",
           "choose": "— Chọn đơn vị —", "other": OTHER_UNIT_NAME,
           "until": "đến", "found": "{n} đơn vị khớp “{q}”; chọn đơn vị của bạn trong danh sách.",
           "none": "Không có đơn vị nào khớp “{q}”. Hãy gõ tên khác (tên xã, phường cũ cũng được), hoặc chọn "
                   "“Đơn vị khác”."},
    "en": {"find": "Find your unit", "find_hint": "Type a commune, ward or department (diacritics optional)",
           "choose": "— Choose your unit —", "other": "Other unit (not listed)",
           "until": "until", "found": "{n} units match “{q}”; choose yours in the list.",
           "none": "No unit matches “{q}”. Try another name (a former ward or commune works too), or choose "
                   "“Other unit”."},
}


class UnitPicker:
    """Finding one's unit among the city's ~175: a search box above the list it narrows.

    The box matches with or without diacritics, and a former ward's or commune's name finds the unit it
    became (`Plan.find_units`, which says why: “Phường Hàng Bạc → Phường Hoàn Kiếm”). With nothing typed
    the list holds the units of `on` in Vietnamese alphabetical order, then, if `former`, the units that
    ended before it, each with its last day; a page with its own list (the self-assessment page: the
    units of a year) passes `rows`, which the search narrows the same way. `unit` is the list: its value
    is the unit's key.
    """

    def __init__(self, plan, on, description: str, lang: str = "vi", former: bool = True, other: bool = True,
                 layout: widgets.Layout | None = None, rows=None, prompt: str | None = None):
        self.plan, self.on, self.lang, self.former, self.other = plan, on, lang, former, other
        self.rows = rows or self.default_rows  # () -> [(label, key)], the list with nothing typed
        self.prompt = prompt
        t = PICKER_TEXT[lang]
        # Live: it narrows the list as one types, and no button reads it.
        self.search = stacked(widgets.Text(description=t["find"], placeholder=t["find_hint"], continuous_update=True,
                                           layout=layout or widgets.Layout(width="100%")))
        # index=0, not value=None: ipywidgets shows a blank box for value None, not the “— Chọn —” label.
        self.unit = stacked(widgets.Dropdown(description=description, options=self.options(), index=0,
                                             layout=layout or widgets.Layout(width="100%")))
        self.hint = widgets.HTML("")
        self._why: dict[str, str] = {}  # why the last search listed a unit it did not find by its own name
        self.unit.observe(self._show_why, "value")
        self.search.observe(self._on_search, "value")
        self.box = widgets.VBox([self.search, self.unit, self.hint]).add_class("unit-picker")

    def label(self, unit) -> str:
        if unit.active_on(self.on):
            return unit.name
        return f"{unit.name} ({PICKER_TEXT[self.lang]['until']} {unit.valid_to:%d/%m/%Y})"

    def default_rows(self) -> list[tuple[str, str]]:
        now = self.plan.units_on(self.on)
        rows = [(self.label(u), u.key) for u in now]
        if self.former:
            keys = {u.key for u in now}
            rows += [(self.label(u), u.key) for u in self.plan.units_on(None)
                     if u.key not in keys and u.valid_from <= self.on]
        return rows

    def options(self, query: str = "") -> list[tuple[str, str | None]]:
        """(label, key): the prompt (None), the rows the query finds, best first (all if none), then “other”."""
        t = PICKER_TEXT[self.lang]
        rows = self.rows()
        if query.strip():
            listed = dict((key, label) for label, key in rows)
            found, self._why = [], {}
            for m in self.plan.find_units(query):
                if m.unit.key not in listed:
                    continue
                why = m.explanation
                if why:
                    self._why.setdefault(m.unit.key, why)
                found.append((listed[m.unit.key] + (f" — {why}" if why else ""), m.unit.key))
            rows = found
        return [(self.prompt or t["choose"], None), *rows, *([(t["other"], OTHER_UNIT)] if self.other else [])]

    def refresh(self) -> None:
        """The list again, after the rows changed (another year), as the search box narrows it."""
        self._on_search()

    def _on_search(self, change=None) -> None:
        query = self.search.value
        keep = self.unit.value
        options = self.options(query)
        self.unit.options = options
        found = [key for _label, key in options if key not in (None, OTHER_UNIT)]
        if keep in found:
            self.unit.value = keep
        elif len(found) == 1:
            self.unit.value = found[0]
        else:
            self.unit.index = 0
        self._show_why()

    def _show_why(self, change=None) -> None:
        """The count of matches, and for the unit chosen through a former name, the whole “A → B”: on a
        phone the list's own label is cut off."""
        query = self.search.value
        t = PICKER_TEXT[self.lang]
        found = sum(1 for _label, key in self.unit.options if key not in (None, OTHER_UNIT))
        q = esc(" ".join(query.split()))
        why = self._why.get(self.unit.value) if query.strip() else None
        self.hint.value = ("" if not query.strip() else
                           f'<div class="muted" role="status">{t["found"].format(n=found, q=q)}'
                           + (f'<br><b>{esc(why)}</b>' if why else "") + "</div>" if found
                           else f'<div class="muted" role="status">{t["none"].format(q=q)}</div>')

    def select(self, key: str | None) -> bool:
        """Choose a unit by key (from `?unit=`), clearing the search; False if the list cannot hold it."""
        if key not in dict(self.options()).values() or key is None:
            return False
        self.search.value = ""
        self.unit.value = key
        return True

    def set_language(self, lang: str, description: str) -> None:
        self.lang = lang
        t = PICKER_TEXT[lang]
        self.search.description, self.search.placeholder, self.unit.description = t["find"], t["find_hint"], description
        self._on_search()


# ---------------------------------------------------------------- choosing a plan


class PlanPicker:
    """Choosing the plan a page is about among the published ones (toolkit.plan.catalogue), newest first.

    With one plan there is nothing to choose: `shown` is False, the page leaves `box` out and looks as it did
    before there were others. Choosing another plan calls `on_change(plan)`, with which the page rebuilds what
    it shows of the plan; a page opened with `?plan=<key>` starts on that plan (`catalogue.opening`). Only
    published plans are options, and the browser cannot set a value that is not an option, so a draft is
    never shown.
    """

    def __init__(self, plans, value, on_change=None, layout: widgets.Layout | None = None):
        from toolkit.plan.catalogue import key_of
        from toolkit.plan.naming import plan_dated

        listed = list(plans) if any(p is value for p in plans) else [value, *plans]
        self.plans = {key_of(p): p for p in listed}
        self.on_change = on_change
        self.plan = stacked(widgets.Dropdown(
            description="Kế hoạch", options=[(plan_dated(p), k) for k, p in self.plans.items()], value=key_of(value),
            layout=layout or widgets.Layout(width="100%", max_width="640px"))).add_class("pbgdpl-plan-choice")
        self.about = widgets.HTML(self._about(), layout=widgets.Layout(width="auto"))
        self.box = widgets.VBox([self.plan, self.about] if self.shown else [],
                                layout=widgets.Layout(width="auto")).add_class("plan-picker")
        self.plan.observe(self._changed, "value")

    @property
    def shown(self) -> bool:
        return len(self.plans) > 1

    @property
    def chosen(self):
        return self.plans[self.plan.value]

    def select(self, key: str | None) -> bool:
        """Choose a plan by key; False (nothing changes) if it is not one of the published plans."""
        if key not in self.plans:
            return False
        self.plan.value = key
        return True

    def _about(self) -> str:
        return f'<p class="muted">{esc(self.chosen.info.title)}</p>' if self.shown else ""

    def _changed(self, change=None) -> None:
        self.about.value = self._about()
        if self.on_change is not None:
            self.on_change(self.chosen)
