"""Home page: what the toolkit is for and a link to every page, built from `toolkit.ui.pages`."""

from __future__ import annotations

import ipywidgets as widgets

from toolkit.serving.pages import PAGES
from toolkit.ui.common import esc, page_style

ROOT_CLASS = "pbgdpl-home"

CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} ul.pages {{ list-style: none; padding: 0; margin: 0.8em 0; }}
.{ROOT_CLASS} ul.pages li {{ border: 1px solid #d1d5db; border-radius: 8px; padding: 0.7em 0.9em;
  margin: 0.6em 0; background: #fff; }}
.{ROOT_CLASS} ul.pages li.soon {{ background: #f9fafb; color: #4b5563; }}
.{ROOT_CLASS} ul.pages a {{ font-size: 1.1em; font-weight: 700; }}
.{ROOT_CLASS} .soon-title {{ font-size: 1.1em; font-weight: 700; }}
.{ROOT_CLASS} .badge {{ display: inline-block; font-size: 0.8em; padding: 0 0.45em; border-radius: 4px;
  background: #e5e7eb; color: #374151; margin-left: 0.4em; vertical-align: middle; }}
.{ROOT_CLASS} ul.pages p {{ margin: 0.25em 0 0; }}
</style>"""

def intro(plans) -> str:
    """What the toolkit is for, naming the published plans (newest first) by their own metadata."""
    from toolkit.plan.naming import plan_label

    if not plans:
        named, it = "các kế hoạch của Thành phố", "kế hoạch"
    elif len(plans) == 1:
        named, it = plan_label(plans[0]), "Kế hoạch"
    else:
        named, it = f"từng kế hoạch ({'; '.join(plan_label(p) for p in plans)})", "kế hoạch"
    return (f"Bộ công cụ giúp cán bộ làm công tác phổ biến, giáo dục pháp luật (PBGDPL) ở Hà Nội nắm chắc {named}: "
            f"cơ quan, đơn vị nào chủ trì, phối hợp nhiệm vụ gì, thời hạn đến khi nào, và {it} viết nguyên văn ra "
            f"sao. Mỗi nhiệm vụ đều kèm nguyên văn {it} để đối chiếu; câu tóm tắt và ghi chú biên soạn là của người "
            "biên soạn, không phải lời văn bản.")


class HomeApp:
    def __init__(self, pages=PAGES, plans=None):
        if plans is None:
            from toolkit.plan import catalogue

            plans = catalogue.published()
        items = []
        for page in pages:
            if page.notebook:
                # Relative link: Voila serves every page under the same /voila/render/ folder.
                items.append(f'<li><a href="{esc(page.notebook)}">{esc(page.title)}</a>'
                             f"<p>{esc(page.intro)}</p></li>")
            else:
                items.append(f'<li class="soon"><span class="soon-title">{esc(page.title)}</span>'
                             f'<span class="badge">sắp có</span><p>{esc(page.intro)}</p></li>')
        self.widget = widgets.VBox([
            widgets.HTML(CSS),
            # The notebook's Markdown cell shows HOME.title; repeating it here would print it twice.
            widgets.HTML(f"<p>{esc(intro(plans))}</p><h3>Các trang</h3>"
                         f'<ul class="pages">{"".join(items)}</ul>', layout=widgets.Layout(width="auto")),
        ], layout=widgets.Layout(width="auto")).add_class(ROOT_CLASS)

    @classmethod
    def from_environment(cls) -> "HomeApp":
        return cls()
