"""Reading YAML data files with line numbers, and checking them against their JSON Schema.

Every problem is reported in Vietnamese with the file and line, so the person editing the YAML
can go straight to it. Nothing here builds models: loaders call `read_yaml` and `check_schema`,
then do their own semantic checks with the same `Problem` type.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.vietnamese import is_nfc

Path_ = tuple  # a path into the data: ("tasks", 3, "lead", 0)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class DataError(Exception):
    """Data that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# libyaml parses about ten times faster than pure-Python PyYAML; every page load reads these files.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader that keeps dates as text: the schemas describe dates as ISO strings."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDoc:
    """Parsed YAML plus the line of every node, keyed by its path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """Line of the node at path, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.file, self.line(path), message)



@dataclass
class JoinedDoc:
    """One list read from several files (a city's registry, then a plan's own), as one document.

    `data` is the last part's, with `key` holding every part's list in order; a problem at
    (key, i, ...) names the file and line the i-th item came from.
    """

    parts: tuple[YamlDoc, ...]
    key: str

    @property
    def file(self) -> str:
        return self.parts[-1].file

    @functools.cached_property
    def data(self) -> Any:
        return {**self.parts[-1].data, self.key: [x for d in self.parts for x in d.data.get(self.key) or ()]}

    def _locate(self, path: Path_) -> tuple[YamlDoc, tuple]:
        path = tuple(path)
        if len(path) > 1 and path[0] == self.key and isinstance(path[1], int):
            i = path[1]
            for doc in self.parts:
                n = len(doc.data.get(self.key) or ())
                if i < n:
                    return doc, (self.key, i) + path[2:]
                i -= n
        return self.parts[-1], path

    def line(self, path: Path_) -> int | None:
        doc, path = self._locate(path)
        return doc.line(path)

    def problem(self, path: Path_, message: str) -> Problem:
        doc, path = self._locate(path)
        return doc.problem(path, message)

def display_name(path: Path) -> str:
    """Path relative to the working directory when possible: shorter and clickable in editors."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_yaml(path: Path | str) -> YamlDoc:
    """Parse a YAML file; raise DataError (with line) on unreadable files, syntax errors and duplicate keys."""
    path = Path(path)
    name = display_name(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(name, None, "Không tìm thấy tệp.")]) from None
    except OSError as exc:
        raise DataError([Problem(name, None, f"Không đọc được tệp ({exc.strerror or exc}).")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(name, line, "Tệp không phải UTF-8; hãy lưu lại với mã hóa UTF-8.")]) from None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise DataError([Problem(name, line, "Lỗi cú pháp YAML — kiểm tra thụt lề, dấu ':' và dấu ngoặc kép "
                                           f"(chi tiết: {getattr(exc, 'problem', None) or exc}).")]) from None
    finally:
        loader.dispose()
    doc = YamlDoc(name, None)
    problems: list[Problem] = []
    try:
        doc.data = None if root is None else _build(loader, root, (), doc, problems)
    except yaml.YAMLError as exc:  # e.g. a lone "=" (YAML's value tag), which the safe loader cannot build
        mark = getattr(exc, "problem_mark", None)
        raise DataError([Problem(name, mark.line + 1 if mark else None,
                                 f"Lỗi cú pháp YAML — giá trị không đọc được (chi tiết: "
                                 f"{getattr(exc, 'problem', None) or exc}).")]) from None
    if problems:
        raise DataError(problems)
    return doc


def _build(loader, node, path, doc: YamlDoc, problems):
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                problems.append(Problem(doc.file, key_node.start_mark.line + 1, f"Khóa '{key}' bị lặp lại."))
                continue
            out[key] = _build(loader, value_node, path + (key,), doc, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), doc, problems) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


_SCHEMA_CACHE: dict[Path, dict] = {}


def load_schema(path: Path) -> dict:
    path = Path(path)
    if path not in _SCHEMA_CACHE:
        _SCHEMA_CACHE[path] = json.loads(path.read_text(encoding="utf-8"))
    return _SCHEMA_CACHE[path]


def _import_jsonschema():
    """Import jsonschema without rfc3987_syntax, which compiles a grammar at import (1.2-1.9 s measured).

    It only backs the "iri"/"uri" format checkers, which these schemas do not use; jsonschema
    skips them when the import fails. Every Voila page loads the plan, so this is per-page cost.
    """
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # makes `import rfc3987_syntax` raise ImportError
        try:
            import jsonschema
        finally:
            del sys.modules["rfc3987_syntax"]
    import jsonschema

    return jsonschema


@dataclass(frozen=True)
class SchemaError:
    """One way data breaks a JSON Schema: where (a path into the data), what, in Vietnamese without the where.

    `keys` names the keys concerned when it is about keys: the ones not allowed (additionalProperties) or
    the one missing (required), so a caller can point at each of them.
    """

    path: Path_
    message: str
    validator: str
    keys: tuple[str, ...] = ()


def schema_errors(data: Any, schema: dict) -> list[SchemaError]:
    """Every way `data` breaks `schema`; `check_schema` turns them into file-and-line problems."""
    jsonschema = _import_jsonschema()
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in validator.iter_errors(data):
        # For a missing key or a wrong type inside a list of alternatives, the deepest cause reads best.
        best = jsonschema.exceptions.best_match([err])
        out.append(SchemaError(tuple(best.absolute_path), _describe(best), best.validator, _keys(best)))
    return out


def check_schema(doc: YamlDoc, schema: dict) -> list[Problem]:
    """Problems of doc against a JSON Schema, in Vietnamese, sorted by line."""
    problems = [doc.problem(e.path, f"{_where(e.path)}: {e.message}") for e in schema_errors(doc.data, schema)]
    return sorted(set(problems), key=lambda p: (p.line or 0, p.message))


def _where(path: Path_) -> str:
    if not path:
        return "Tệp"
    parts = []
    for p in path:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else f".{p}" if parts else str(p))
    return "Trường '" + "".join(parts) + "'"


_TYPES = {"string": "chuỗi văn bản", "integer": "số nguyên", "boolean": "true/false", "array": "danh sách",
          "object": "bảng khóa-giá trị", "null": "rỗng", "number": "số"}


def _keys(err) -> tuple[str, ...]:
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})]
        return tuple(missing[:1])
    if err.validator == "additionalProperties":
        return tuple(sorted(set(err.instance) - set(err.schema.get("properties", {}))))
    return ()


def _shown(value) -> str:
    """A value in a message: its repr, cut short (a wrong type may be a whole list of a large file)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _describe(err) -> str:
    v = err.validator
    if v == "required":
        missing = _keys(err)
        return f"thiếu trường bắt buộc '{missing[0] if missing else err.validator_value}'."
    if v == "additionalProperties":
        return f"trường không được phép: {', '.join(repr(x) for x in _keys(err))}."
    if v == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        return f"sai kiểu, cần {' hoặc '.join(_TYPES.get(t, t) for t in wanted)}, gặp {_shown(err.instance)}."
    if v == "enum":
        allowed = ", ".join("null" if x is None else str(x) for x in err.validator_value)
        return f"giá trị {_shown(err.instance)} không hợp lệ; cho phép: {allowed}."
    if v == "const":
        return f"phải là {err.validator_value!r}, gặp {_shown(err.instance)}."
    if v == "pattern":
        return f"giá trị {_shown(err.instance)} sai định dạng (mẫu {err.validator_value})."
    if v == "minItems":
        return f"danh sách phải có ít nhất {err.validator_value} phần tử."
    if v == "maxItems":
        return f"danh sách quá dài ({len(err.instance)} phần tử; tối đa {err.validator_value})."
    if v == "minLength":
        return "không được để trống."
    if v == "uniqueItems":
        return "danh sách có phần tử lặp lại."
    if v in ("minimum", "maximum"):
        return f"giá trị {_shown(err.instance)} nằm ngoài khoảng cho phép."
    return f"dữ liệu không hợp lệ ({err.message[:200]})."


def non_nfc_strings(doc: YamlDoc) -> list[Problem]:
    """Text not in Unicode NFC looks identical but breaks search and comparison."""
    found = []

    def walk(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))
        elif isinstance(value, str) and not is_nfc(value):
            found.append(doc.problem(path, f"{_where(path)}: văn bản chưa chuẩn hóa Unicode NFC "
                                           "(dấu tiếng Việt gõ dạng tổ hợp); hãy chuyển sang dạng dựng sẵn."))

    walk(doc.data, ())
    return found


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never half of it."""
    import os
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
