"""Does every text box on every page send what is on screen when its button is tapped?

Sent per key (ipywidgets' default), a box's later keys wait while the kernel's reply to an earlier one
is outstanding, and a tap on the button after it is sent at once: the kernel read a shortened value
(tests/browser/test_quiz_page.py reproduces it). Sent when the box loses focus, which a tap on the
button does first, the value goes before the click. Only a box with no button after it may update live.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXT_WIDGETS = {"Text", "Textarea", "Password", "Combobox"}
# Search boxes that narrow a list as one types; no button reads them.
LIVE = {("toolkit/ui/study.py", "query"), ("toolkit/ui/common.py", "search")}


def text_boxes(source: str):
    """(attribute assigned, continuous_update keyword or None) for each text widget built in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assign):
            continue
        for call in ast.walk(node.value):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in TEXT_WIDGETS:
                target = node.targets[0]
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "?")
                kw = next((k.value for k in call.keywords if k.arg == "continuous_update"), None)
                found.append((name, None if kw is None else ast.literal_eval(kw)))
    return found


def test_every_text_box_sends_its_value_before_the_click():
    seen = 0
    for path in sorted((ROOT / "toolkit" / "ui").glob("*.py")):
        rel = str(path.relative_to(ROOT))
        for name, live in text_boxes(path.read_text(encoding="utf-8")):
            seen += 1
            expected = (rel, name) in LIVE
            assert live is expected, f"{rel}: {name} needs continuous_update={expected}"
    assert seen >= 10  # the check read the pages' boxes


def test_does_the_check_see_a_box_left_at_the_default():
    assert text_boxes("self.x = stacked(widgets.Text(description='a'))") == [("x", None)]
    assert text_boxes("self.y = widgets.Textarea(continuous_update=False)") == [("y", False)]
