"""Does the package keep its layers (ARCHITECTURE.md: ui -> domain <- cli), with no import cycles?

Every module of toolkit/ is read with `ast`, lazy imports inside functions included, so a rule broken
by an import at call time is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from toolkit.paths import CODE_DIR

DOMAIN = ("toolkit.plan", "toolkit.quiz", "toolkit.review", "toolkit.assessment", "toolkit.storage", "toolkit.privacy")
SHARED = ("toolkit.paths", "toolkit.vietnamese", "toolkit.datafile", "toolkit.datacache", "toolkit.exports")
OUTER = ("toolkit.ui", "toolkit.serving", "toolkit.cli")
WIDGETS = ("ipywidgets", "IPython")


def _name(path: Path) -> str:
    parts = path.relative_to(CODE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(CODE_DIR.rglob("*.py"))}


def _imports(module: str) -> set[str]:
    """Every module this one imports, resolved to a toolkit module where it is one."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
    return found


def _internal(module: str) -> set[str]:
    out = set()
    for name in _imports(module):
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            out.add(name)
    return out


def _under(module: str, roots) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


@pytest.mark.parametrize("module", [m for m in MODULES if _under(m, DOMAIN + SHARED)])
def test_does_domain_code_stay_clear_of_widgets_ui_serving_and_cli(module):
    imported = _imports(module)
    assert not [n for n in imported if n.split(".")[0] in WIDGETS], f"{module} imports widget code"
    assert not [n for n in imported if _under(n, OUTER)], f"{module} imports {sorted(n for n in imported if _under(n, OUTER))}"


@pytest.mark.parametrize("module", [m for m in MODULES if _under(m, ("toolkit.ui",))])
def test_does_the_ui_stay_clear_of_the_cli(module):
    assert not [n for n in _imports(module) if _under(n, ("toolkit.cli",))]


@pytest.mark.parametrize("module", [m for m in MODULES if _under(m, ("toolkit.serving", "toolkit.cli"))])
def test_do_serving_and_cli_stay_clear_of_widgets(module):
    """The CLI and the server start without ipywidgets; `toolkit serve` never imports a page."""
    imported = _imports(module)
    assert not [n for n in imported if n.split(".")[0] in WIDGETS or _under(n, ("toolkit.ui",))]


def test_are_there_no_import_cycles():
    graph = {m: {n for n in _internal(m) if not m.startswith(n + ".")} for m in MODULES}
    state: dict[str, int] = {}
    cycles = []

    def visit(m, trail):
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append(trail[trail.index(n):] + [n])
            elif n not in state:
                visit(n, trail + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, " ; ".join(" -> ".join(c) for c in cycles)


def test_is_every_module_in_a_layer():
    """A new top-level module must be placed in a layer here, so the rules above cover it."""
    assert [m for m in MODULES if not _under(m, DOMAIN + SHARED + OUTER + ("toolkit",))] == []
    assert [m for m in MODULES if m.count(".") == 1 and not _under(m, DOMAIN + SHARED + OUTER)] == []


def test_does_the_checker_see_a_lazy_import(tmp_path):
    """The rules read imports inside functions too (a check that could not fail would prove nothing)."""
    assert "toolkit.storage.store" in _imports("toolkit.quiz.attempt") | _imports("toolkit.quiz.workshop")
