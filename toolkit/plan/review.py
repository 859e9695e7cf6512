"""Reviewing an imported draft plan before anything is taught: its review marks, corrections, and publishing.

A draft is a plan folder (toolkit.plan.load reads it) plus ``review.yaml``: one item per field the importer
drafted, each with the span of the plan's text it came from, how sure the importer was and whether a person
has accepted or corrected it (PLANS-CONTRACT.md). This module is what the review page and the CLI call:

- `Draft` lists the items task by task with their text, accepts an item (`accept`), corrects a task's
  lead, coordinating, addressed_to, requested, deadline, duties, source or summary (`correct`,
  `correct_task`), or replaces a proposed new agency by one of the city's (`replace_agency`);
- `publish` copies a fully reviewed draft into the data folder, where the catalogue finds it.

Every change is checked before it lands: the changed files are written into a scratch copy of the folder
beside it (so the registry's relative paths still resolve), the copy is validated, and only then is each
file replaced atomically (temp file + os.replace). A change that would make the folder invalid is refused
with the validator's Vietnamese messages, naming the draft's own files, and nothing is written. Who did
what, and when, is kept in review.yaml's ``trail``.

YAML files are edited in place, value by value (the rest of the file, comments included, stays as it
was): people who review in git read the diff.

    draft = Draft(drafts_dir() / "ke-hoach-15-2026")
    draft.correct("II.1.b", "lead", ["so_ban_nganh", "ubnd_cap_xa"], by="Nguyễn Thị Lan")
    publish(draft.directory)          # -> data/ke-hoach-15-2026/
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

try:
    import fcntl
except ImportError:  # not on Windows: one reviewer per draft there
    fcntl = None

from toolkit.datafile import DataError, Problem, display_name, read_yaml
from toolkit.paths import var_dir
from toolkit.plan.catalogue import DRAFT, PUBLISHED, REVIEW_FILE, REVIEWED
from toolkit.plan.model import Deadline, Plan, Task, parse_deadline
from toolkit.vietnamese import VIETNAM, fold, sort_key, squash

STATUSES = ("unreviewed", *REVIEWED)
# Below this the page marks an item as one the importer was unsure of (with its `why`, if it gave one).
UNSURE_BELOW = 0.8
# A published plan's folder name: what stored answers, sessions and assessments name the plan by.
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

AGENCY_FIELDS = ("lead", "coordinating", "addressed_to")
TASK_FIELDS = (*AGENCY_FIELDS, "requested", "deadline", "duties", "source", "summary")
# Every task field that names agencies, for replace_agency.
_ROLE_FIELDS = (*AGENCY_FIELDS, "works_with", "also_true_for")

# Fields of the plan, its sections and documents (plan.yaml) that correct_general changes.
GENERAL_FIELDS = {"plan": ("number", "date", "place", "kind", "title", "issuer", "period", "signer"),
                  "section": ("title",), "document": ("number", "title")}

FIELD_LABELS = {
    "lead": "Cơ quan chủ trì, thực hiện",
    "coordinating": "Cơ quan phối hợp",
    "addressed_to": "Cơ quan được giao",
    "requested": "Chỉ đạo hay đề nghị",
    "deadline": "Thời hạn",
    "duties": "Nội dung nhiệm vụ",
    "source": "Trích dẫn nguyên văn",
    "summary": "Tóm tắt",
    "number": "Số và ký hiệu",
    "date": "Ngày ban hành",
    "issuer": "Cơ quan ban hành",
    "title": "Trích yếu",
    "signer": "Người ký",
    "name": "Tên cơ quan",
    "kind": "Loại",
    "period": "Thời kỳ",
    "place": "Địa danh",
}


class ReviewError(Exception):
    """A change or a publication refused, with what to tell the reviewer (Vietnamese) and the problems found."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        self.message = message
        self.problems = list(problems)
        super().__init__("\n".join([message, *(str(p) for p in self.problems)]))


# ---------------------------------------------------------------- items


@dataclass(frozen=True)
class ReviewItem:
    """One drafted field: `ref` is "plan", "task:<id>", "agency:<key>", "section:<id>" or "document:<key>"."""

    index: int  # its place in review.yaml's items (with ref and field, how accept() finds it again)
    ref: str
    field: str
    status: str
    confidence: float | None = None
    span: tuple[int, int] | None = None
    why: str | None = None

    @property
    def kind(self) -> str:
        return self.ref.split(":", 1)[0]

    @property
    def target(self) -> str | None:
        """The task id, agency key... the item is about (None for "plan")."""
        return self.ref.split(":", 1)[1] if ":" in self.ref else None

    @property
    def reviewed(self) -> bool:
        return self.status != "unreviewed"

    @property
    def unsure(self) -> bool:
        """Should the page draw the reviewer's eye to it? The importer said why, or was not sure enough."""
        return bool(self.why) or (self.confidence is not None and self.confidence < UNSURE_BELOW)

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def label(self) -> str:
        """"Nhiệm vụ II.1.a — Cơ quan chủ trì, thực hiện": how messages name the item."""
        return f"{ref_label(self.ref)} — {self.field_label}"


def ref_label(ref: str) -> str:
    kind, _, target = ref.partition(":")
    return {"plan": "Thông tin chung", "task": f"Nhiệm vụ {target}", "agency": f"Cơ quan đề xuất “{target}”",
            "section": f"Mục {target}", "document": f"Văn bản “{target}”"}.get(kind, ref)


@dataclass(frozen=True)
class Excerpt:
    """A stretch of the plan's text, cut into pieces, each with the item whose span covers it (or None).

    Where spans overlap the smallest one names the piece: a task's lead inside the task's own source.
    """

    start: int
    end: int
    segments: tuple[tuple[str, ReviewItem | None], ...]

    @property
    def text(self) -> str:
        return "".join(s for s, _ in self.segments)


@dataclass(frozen=True)
class TaskReview:
    """A drafted task beside its text: what the page shows for one task."""

    task: Task
    items: tuple[ReviewItem, ...]
    excerpt: Excerpt | None

    @property
    def reviewed(self) -> int:
        return sum(i.reviewed for i in self.items)


@dataclass(frozen=True)
class TrailEntry:
    at: str
    by: str
    action: str  # accepted | corrected | reopened | replaced | published
    ref: str | None = None
    field: str | None = None
    value: Any = None
    was: Any = None


# ---------------------------------------------------------------- the draft


class Draft:
    """An imported plan folder under review. Reads its files afresh whenever asked; writes only through
    `_commit`, which validates first."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        if not (self.directory / REVIEW_FILE).exists():
            raise ReviewError(f"Thư mục “{display_name(self.directory)}” không có {REVIEW_FILE}: không phải bản "
                              "nháp nhập từ văn bản.")

    @property
    def key(self) -> str:
        return self.directory.name

    # -- reading
    def _review(self) -> dict:
        try:
            return read_yaml(self.directory / REVIEW_FILE).data or {}
        except DataError as exc:
            raise ReviewError(f"Không đọc được {REVIEW_FILE} của bản nháp.", exc.problems) from None

    @property
    def status(self) -> str:
        return self._review().get("status", DRAFT)

    @property
    def imported(self) -> Mapping[str, Any]:
        return self._review().get("imported") or {}

    @property
    def items(self) -> tuple[ReviewItem, ...]:
        return tuple(_item(i, raw) for i, raw in enumerate(self._review().get("items") or ()))

    @property
    def trail(self) -> tuple[TrailEntry, ...]:
        fields = TrailEntry.__dataclass_fields__
        return tuple(TrailEntry(**{k: v for k, v in e.items() if k in fields})
                     for e in self._review().get("trail") or ())

    @property
    def progress(self) -> tuple[int, int]:
        """(items reviewed, items): "12/27 mục đã duyệt"."""
        items = self.items
        return sum(i.reviewed for i in items), len(items)

    @property
    def unreviewed(self) -> tuple[ReviewItem, ...]:
        return tuple(i for i in self.items if not i.reviewed)

    @property
    def published_to(self) -> str | None:
        """Where the draft was last published (the folder), from the trail; None if it never was."""
        done = [e for e in self.trail if e.action == "published"]
        return str(done[-1].value) if done else None

    def items_of(self, ref: str) -> tuple[ReviewItem, ...]:
        return tuple(i for i in self.items if i.ref == ref)

    @property
    def text_path(self) -> Path:
        """The normalised text the importer read (review.yaml's `text`); spans are offsets into it."""
        named = self._review().get("text")
        if named:
            return self.directory / named
        from toolkit.plan.load import source_file

        return source_file(self.directory) or self.directory / "van-ban" / "missing.txt"

    @property
    def text(self) -> str:
        try:
            return self.text_path.read_text(encoding="utf-8")
        except OSError:
            return ""

    def span_text(self, item: ReviewItem) -> str:
        if item.span is None:
            return ""
        return self.text[item.span[0]:item.span[1]]

    def plan(self) -> Plan:
        """The draft as a Plan, read afresh (load_plan keeps one Plan per folder for the process's life)."""
        from toolkit.plan.load import read_plan

        return read_plan(self.directory)

    def proposed_agencies(self) -> tuple[str, ...]:
        """Keys of the agencies the draft proposes (its own agencies.yaml), not the city registry's."""
        data = _read_data(self.directory / "agencies.yaml")
        return tuple(a["key"] for a in data.get("agencies") or ())

    def agency_keys(self) -> set[str]:
        """Every agency key a correction may name: the city registry's (units.yaml, registry.agencies) and
        the draft's proposed ones."""
        keys = set(self.proposed_agencies())
        city = ((_read_data(self.directory / "units.yaml").get("registry") or {}).get("agencies") or {}).get("file")
        if city:
            keys |= {a["key"] for a in _read_data(self.directory / city).get("agencies") or ()}
        return keys

    def agency_choices(self, plan: Plan | None = None) -> list[tuple[str, str]]:
        """(label, key) of every agency a correction may name: the city registry's and the proposed ones,
        in Vietnamese alphabetical order, proposed ones marked."""
        plan = plan or self.plan()
        proposed = set(self.proposed_agencies())
        rows = [(f"{a.short} (đề xuất mới)" if a.key in proposed else a.short, a.key) for a in plan.agencies.values()]
        return sorted(rows, key=lambda r: sort_key(r[0]))

    def task_reviews(self, plan: Plan | None = None) -> list[TaskReview]:
        """Every task with its items and its stretch of the text, in the draft's order."""
        plan = plan or self.plan()
        items, text = self.items, self.text
        out = []
        for task in plan.tasks:
            own = tuple(i for i in items if i.ref == f"task:{task.id}")
            out.append(TaskReview(task, own, excerpt(text, own)))
        return out

    def other_items(self) -> tuple[ReviewItem, ...]:
        """Items about the plan as a whole, its sections, documents and proposed agencies."""
        return tuple(i for i in self.items if i.kind != "task")

    # -- changing
    def accept(self, item: ReviewItem, *, by: str) -> None:
        """Mark an item accepted as drafted (accepting an agency item accepts the proposed agency)."""
        self._set_status([item], "accepted", by)

    def accept_many(self, items: Iterable[ReviewItem], *, by: str) -> None:
        """Accept several items in one write (a task's remaining items): all of them or, if one has moved, none."""
        self._set_status(list(items), "accepted", by)

    def reopen(self, item: ReviewItem, *, by: str) -> None:
        """Put an item back to unreviewed (a click on “Chấp nhận” by mistake)."""
        self._set_status([item], "unreviewed", by, action="reopened")

    def _set_status(self, items: list[ReviewItem], status: str, by: str, action: str | None = None) -> None:
        by = _reviewer(by)
        with self._locked():
            edit = _YamlEdit((self.directory / REVIEW_FILE).read_text(encoding="utf-8"))
            current = edit.expected.get("items") or []
            for item in items:
                _check_same(item, current)
            items = [i for i in items if current[i.index].get("status") != status]
            if not items:
                return
            for item in items:
                edit.set(("items", item.index, "status"), status)
                edit.append("trail", {"at": _now(), "by": by, "action": action or status, "ref": item.ref,
                                      "field": item.field})
            self._commit({REVIEW_FILE: edit.text()})

    def correct(self, task_id: str, field: str, value: Any, *, by: str) -> None:
        """Correct one field of a task; see `correct_task`."""
        self.correct_task(task_id, {field: value}, by=by)

    def correct_task(self, task_id: str, changes: Mapping[str, Any], *, by: str) -> None:
        """Correct several fields of one task at once and mark their items corrected.

        Fields: lead, coordinating, addressed_to (lists of agency keys, the city registry's or the draft's
        proposed ones), requested (True for “Đề nghị …”), deadline (the text as written, parsed here; or a
        mapping with `text` whose kind, year and quarter must be what the text says), duties and source
        (lists of the plan's words), summary. Several at once because some only make sense together (a new
        lead is also who the task is addressed to). Raises ReviewError, writing nothing, when a value is
        wrong or the folder would not validate.
        """
        by = _reviewer(by)
        if not changes:
            raise ReviewError("Chưa có gì để sửa.")
        with self._locked():
            tasks_text = (self.directory / "tasks.yaml").read_text(encoding="utf-8")
            tasks = (_parse(tasks_text) or {}).get("tasks") or []
            index = next((i for i, t in enumerate(tasks) if str(t.get("id")) == task_id), None)
            if index is None:
                raise ReviewError(f"Không có nhiệm vụ “{task_id}” trong bản nháp.")
            task = tasks[index]
            allowed = self.agency_keys() if set(changes) & set(AGENCY_FIELDS) else set()
            new: dict[str, Any] = {}
            for field, value in changes.items():
                clean = _clean(field, value, allowed, task_id)
                if clean != task.get(field, _MISSING if field != "addressed_to" else task.get("lead")):
                    new[field] = clean
            if "deadline" in new:
                _check_deadline_in_source(new["deadline"], new.get("source", task.get("source") or ()), task_id)
            if not new:
                raise ReviewError(f"Nhiệm vụ {task_id}: giá trị mới giống giá trị đang có, không có gì để sửa. Nếu "
                                  "giá trị đúng, bấm “Chấp nhận”.")
            tasks_edit = _YamlEdit(tasks_text)
            review = _YamlEdit((self.directory / REVIEW_FILE).read_text(encoding="utf-8"))
            items = review.expected.get("items") or []
            for field, value in new.items():
                tasks_edit.set(("tasks", index, field), value)
                for i, raw in enumerate(items):
                    if raw.get("ref") == f"task:{task_id}" and raw.get("field") == field:
                        review.set(("items", i, "status"), "corrected")
                review.append("trail", _trail_entry({"at": _now(), "by": by, "action": "corrected",
                                                     "ref": f"task:{task_id}", "field": field, "value": value,
                                                     "was": task.get(field)}))
            self._commit({"tasks.yaml": tasks_edit.text(), REVIEW_FILE: review.text()})

    def correct_general(self, ref: str, field: str, value: Any, *, by: str) -> None:
        """Correct a field of the plan as a whole, a section or a document (plan.yaml) and mark its items.

        What can be corrected here (GENERAL_FIELDS): the plan's number, place, kind, title (text), date
        (dd/mm/yyyy or yyyy-mm-dd), issuer (an agency key), period ("2026" or "2026–2030"), signer (a mapping
        of name, title, capacity); a section's title; a document's number and title. ReviewError, writing
        nothing, otherwise or when the folder would not validate.
        """
        by = _reviewer(by)
        kind, _, target = ref.partition(":")
        if field not in GENERAL_FIELDS.get(kind, ()):
            raise ReviewError(f"{ref_label(ref)}: không sửa được “{FIELD_LABELS.get(field, field)}” ở trang duyệt "
                              "(sửa trực tiếp tệp plan.yaml).")
        with self._locked():
            text = (self.directory / "plan.yaml").read_text(encoding="utf-8")
            data = yaml.load(text, Loader=_SAFE) or {}
            if kind == "plan":
                path: tuple = ("plan", field)
                was = (data.get("plan") or {}).get(field)
            elif kind == "section":
                index = next((i for i, x in enumerate(data.get("sections") or ()) if str(x.get("id")) == target), None)
                if index is None:
                    raise ReviewError(f"Không có mục “{target}” trong plan.yaml.")
                path, was = ("sections", index, field), data["sections"][index].get(field)
            else:
                docs = data.get("documents") or {}
                found = [(group, i) for group in ("implements", "cites")
                         for i, x in enumerate(docs.get(group) or ()) if x.get("key") == target]
                if not found:
                    raise ReviewError(f"Không có văn bản “{target}” trong plan.yaml.")
                group, i = found[0]
                path, was = ("documents", group, i, field), docs[group][i].get(field)
            clean = _clean_general(field, value, was, self.agency_keys() if field == "issuer" else set(),
                                   ref_label(ref))
            if clean == _plain(was):
                raise ReviewError(f"{ref_label(ref)}: giá trị mới giống giá trị đang có, không có gì để sửa. Nếu giá "
                                  "trị đúng, bấm “Chấp nhận”.")
            text = _yaml_set(text, path, clean)
            review_text = (self.directory / REVIEW_FILE).read_text(encoding="utf-8")
            for i, raw in enumerate((_parse(review_text) or {}).get("items") or []):
                if raw.get("ref") == ref and raw.get("field") == field:
                    review_text = _yaml_set(review_text, ("items", i, "status"), "corrected")
            review_text = _append_trail(review_text, {"at": _now(), "by": by, "action": "corrected", "ref": ref,
                                                      "field": field, "value": clean, "was": _plain(was)})
            self._commit({"plan.yaml": text, REVIEW_FILE: review_text})

    def replace_agency(self, proposed: str, registry_key: str, *, by: str) -> None:
        """The importer proposed a new agency that is in fact one the draft already knows: name that one
        wherever the proposed one was named, drop the proposed one, and mark its items corrected."""
        by = _reviewer(by)
        with self._locked():
            own = self.proposed_agencies()
            if proposed not in own:
                raise ReviewError(f"“{proposed}” không phải cơ quan mới do bản nháp đề xuất.")
            known = self.agency_keys()
            if registry_key == proposed or registry_key not in known:
                raise ReviewError(f"Mã cơ quan “{registry_key}” không có trong danh mục Thành phố hay các cơ quan "
                                  "mới đề xuất của bản nháp.")
            writes = {}

            def swap(keys):
                return list(dict.fromkeys(registry_key if k == proposed else k for k in keys))

            text = (self.directory / "tasks.yaml").read_text(encoding="utf-8")
            for i, t in enumerate((_parse(text) or {}).get("tasks") or []):
                for field in _ROLE_FIELDS:
                    if proposed in (t.get(field) or ()):
                        text = _yaml_set(text, ("tasks", i, field), swap(t[field]))
            writes["tasks.yaml"] = text
            text = (self.directory / "plan.yaml").read_text(encoding="utf-8")
            if ((_parse(text) or {}).get("plan") or {}).get("issuer") == proposed:
                text = _yaml_set(text, ("plan", "issuer"), registry_key)
            writes["plan.yaml"] = text
            text = (self.directory / "units.yaml").read_text(encoding="utf-8")
            for i, u in enumerate((_parse(text) or {}).get("units") or []):
                if u.get("agency") == proposed:
                    text = _yaml_set(text, ("units", i, "agency"), registry_key)
                if proposed in (u.get("groups") or ()):
                    text = _yaml_set(text, ("units", i, "groups"), swap(u["groups"]))
            writes["units.yaml"] = text
            text = (self.directory / "agencies.yaml").read_text(encoding="utf-8")
            data = _parse(text) or {}
            kept = [a for a in data.get("agencies") or () if a.get("key") != proposed]
            for a in kept:
                if proposed in (a.get("member_of") or ()):
                    a["member_of"] = swap(a["member_of"])
            text = _yaml_set(text, ("agencies",), _plain(kept))
            for i, o in enumerate(data.get("overlaps") or ()):
                if proposed in (o.get("agencies") or ()):
                    text = _yaml_set(text, ("overlaps", i, "agencies"), swap(o["agencies"]))
            writes["agencies.yaml"] = text
            review_text = (self.directory / REVIEW_FILE).read_text(encoding="utf-8")
            for i, raw in enumerate((_parse(review_text) or {}).get("items") or []):
                if raw.get("ref") == f"agency:{proposed}":
                    review_text = _yaml_set(review_text, ("items", i, "status"), "corrected")
            review_text = _append_trail(review_text, {"at": _now(), "by": by, "action": "replaced",
                                                      "ref": f"agency:{proposed}", "value": registry_key})
            writes[REVIEW_FILE] = review_text
            self._commit({name: t for name, t in writes.items()
                          if t != (self.directory / name).read_text(encoding="utf-8")})

    # -- writing
    @contextlib.contextmanager
    def _locked(self):
        """One change at a time per draft: two reviewers' kernels must not each write over the other's.

        The lock is on the folder itself (its inode never changes, unlike files replaced by os.replace),
        so no lock file is left in a plan folder that lives in git.
        """
        if fcntl is None:
            yield
            return
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _commit(self, writes: Mapping[str, str]) -> None:
        """Validate the folder as it would be with `writes`, then write each file atomically (review.yaml last).

        When only review.yaml changes (an item accepted) the plan's own files are as they were, already valid:
        only review.yaml is checked again.
        """
        problems = check_folder(self.directory, writes, plan=set(writes) != {REVIEW_FILE})
        if problems:
            raise ReviewError("Không lưu được: thay đổi này làm dữ liệu bản nháp không hợp lệ.", problems)
        for name in sorted(writes, key=lambda n: n == REVIEW_FILE):
            write_atomic(self.directory / name, writes[name])


def drafts_dir() -> Path:
    """Where the review page keeps the drafts it imports: the var folder's drafts/, one folder per draft."""
    return var_dir() / "drafts"


def draft_key(filename: str, taken: Iterable[str] = ()) -> str:
    """A key (folder name) for a draft imported from `filename`, unlike those `taken`.

    >>> draft_key("Kế hoạch số 15 (2026).docx", ["ke-hoach-so-15-2026"])
    'ke-hoach-so-15-2026-2'
    """
    stem = Path(str(filename).replace("\\", "/")).name.rsplit(".", 1)[0]
    base = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")[:48].strip("-") or "ke-hoach"
    taken, key, n = set(taken), base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def list_drafts(folder: Path | str | None = None) -> list[Draft]:
    """The drafts in a folder (by default drafts_dir()), newest import first."""
    folder = Path(folder) if folder is not None else drafts_dir()
    if not folder.is_dir():
        return []
    found = [Draft(p) for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
             and (p / REVIEW_FILE).exists()]
    return sorted(found, key=lambda d: (str(d.imported.get("at") or ""), d.key), reverse=True)


_MISSING = object()


def _item(index: int, raw: Mapping[str, Any]) -> ReviewItem:
    span = raw.get("span")
    return ReviewItem(index=index, ref=str(raw.get("ref")), field=str(raw.get("field")),
                      status=str(raw.get("status") or "unreviewed"), confidence=raw.get("confidence"),
                      span=(int(span[0]), int(span[1])) if span else None, why=raw.get("why"))


def _check_same(item: ReviewItem, current: list) -> None:
    """The item is still where the page saw it (the file may have changed since, in git or another tab)."""
    if not (0 <= item.index < len(current)) or (current[item.index].get("ref"), current[item.index].get("field")) != (
            item.ref, item.field):
        raise ReviewError(f"Mục “{item.label}” không còn ở chỗ cũ trong {REVIEW_FILE} (tệp vừa được sửa ở nơi "
                          "khác). Hãy tải lại danh sách.")


def _reviewer(by: str) -> str:
    name = unicodedata.normalize("NFC", " ".join((by or "").split()))
    if not name:
        raise ReviewError("Hãy ghi họ tên người duyệt: mỗi lần chấp nhận hay sửa đều được ghi lại kèm tên người "
                          "làm.")
    return name


def _now() -> str:
    return datetime.now(VIETNAM).isoformat(timespec="seconds")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _clean(field: str, value: Any, allowed: set[str], task_id: str) -> Any:
    """The value as it goes into tasks.yaml, or ReviewError saying in Vietnamese what is wrong with it."""
    where = f"Nhiệm vụ {task_id}, {FIELD_LABELS.get(field, field).lower()}"
    if field not in TASK_FIELDS:
        raise ReviewError(f"Không sửa được trường “{field}” ở trang duyệt; các trường sửa được: "
                          f"{', '.join(TASK_FIELDS)}.")
    if field in AGENCY_FIELDS:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ReviewError(f"{where}: cần một danh sách mã cơ quan.")
        keys = list(dict.fromkeys(str(k).strip() for k in value if str(k).strip()))
        unknown = [k for k in keys if k not in allowed]
        if unknown:
            raise ReviewError(f"{where}: mã cơ quan {', '.join(f'“{k}”' for k in unknown)} không có trong danh mục "
                              "Thành phố hay các cơ quan mới đề xuất của bản nháp.")
        return keys
    if field == "requested":
        if not isinstance(value, bool):
            raise ReviewError(f"{where}: chỉ nhận đúng hoặc sai (văn bản viết “Đề nghị …” hay không).")
        return value
    if field == "deadline":
        return _deadline_value(value, where)
    if field in ("duties", "source"):
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ReviewError(f"{where}: cần một danh sách đoạn văn.")
        parts = [_nfc(squash(str(v))) for v in value]
        parts = [p for p in parts if p]
        if not parts:
            raise ReviewError(f"{where}: cần ít nhất một đoạn, chép nguyên văn từ văn bản.")
        return parts
    text = _nfc(squash(str(value or "")))  # summary
    if not text:
        raise ReviewError(f"{where}: không được để trống.")
    return text


def _clean_general(field: str, value: Any, was: Any, agencies: set[str], where: str) -> Any:
    """A plan.yaml value from what the reviewer typed, or ReviewError in Vietnamese."""
    where = f"{where}, {FIELD_LABELS.get(field, field).lower()}"
    if field == "signer":
        if not isinstance(value, Mapping) or not str(value.get("name") or "").strip() or not str(
                value.get("title") or "").strip():
            raise ReviewError(f"{where}: cần họ tên (name) và chức vụ (title) của người ký.")
        out = {k: _nfc(squash(str(value[k]))) for k in ("name", "title", "capacity") if str(value.get(k) or "").strip()}
        return out
    text = _nfc(squash(str(value if value is not None else "")))
    if not text:
        raise ReviewError(f"{where}: không được để trống.")
    if field == "date":
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text) or re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if not m:
            raise ReviewError(f"{where}: ghi ngày dạng ngày/tháng/năm, ví dụ “12/01/2026”.")
        day, month, year = (m[1], m[2], m[3]) if "/" in text else (m[3], m[2], m[1])
        try:
            return datetime(int(year), int(month), int(day)).date().isoformat()
        except ValueError:
            raise ReviewError(f"{where}: không có ngày “{text}”.") from None
    if field == "issuer":
        if text not in agencies:
            raise ReviewError(f"{where}: mã cơ quan “{text}” không có trong danh mục Thành phố hay các cơ quan mới đề "
                              "xuất của bản nháp.")
        return text
    if field == "period":
        m = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", text)
        if not m or int(m[2] or m[1]) < int(m[1]):
            raise ReviewError(f"{where}: ghi năm đầu và năm cuối, ví dụ “2026–2030” (hoặc một năm: “2026”).")
        out = {"start": int(m[1]), "end": int(m[2] or m[1])}
        if isinstance(was, Mapping) and was.get("note"):
            out["note"] = was["note"]
        return out
    return text


def _deadline_value(value: Any, where: str) -> dict:
    """A deadline as tasks.yaml writes it, from its text; refused when a year or quarter is not in that text."""
    stated = dict(value) if isinstance(value, Mapping) else {"text": value}
    text = _nfc(squash(str(stated.get("text") or "")))
    try:
        parsed = parse_deadline(text or None)
    except (ValueError, KeyError):  # KeyError: a "quý" numeral parse_deadline has no number for ("Quý V")
        raise ReviewError(f"{where}: không hiểu thời hạn “{text}”. Ghi như văn bản viết, ví dụ “Quý II năm 2026”, "
                          "“Hằng năm”, “Thường xuyên”, “Năm 2026”; để trống nếu văn bản không nêu thời hạn.") from None
    claimed = Deadline(stated.get("kind", parsed.kind), parsed.text, stated.get("year", parsed.year),
                       stated.get("quarter", parsed.quarter))
    folded = fold(text)
    missing = []
    if claimed.year is not None and str(claimed.year) not in text:
        missing.append(f"năm {claimed.year}")
    if claimed.quarter is not None and not re.search(rf"\bquy {_roman(claimed.quarter)}\b", folded):
        missing.append(f"quý {_roman(claimed.quarter).upper()}")
    if missing or claimed != parsed:
        said = ", ".join(missing) if missing else f"loại “{claimed.kind}”"
        raise ReviewError(f"{where}: lời văn thời hạn “{text}” không nói {said}. Thời hạn được đọc từ chính lời văn.")
    out: dict[str, Any] = {"kind": parsed.kind}
    if parsed.text:
        out["text"] = parsed.text
    if parsed.year is not None:
        out["year"] = parsed.year
    if parsed.quarter is not None:
        out["quarter"] = parsed.quarter
    return out


def _check_deadline_in_source(deadline: Mapping[str, Any], source: Iterable[str], task_id: str) -> None:
    """A corrected deadline's year and quarter must be ones the task's own words give: a reviewer fixes how
    the importer read the plan, not what the plan says."""
    words = fold(" ".join(squash(str(s)) for s in source))
    missing = []
    if deadline.get("year") is not None and str(deadline["year"]) not in words:
        missing.append(f"năm {deadline['year']}")
    if deadline.get("quarter") is not None and not re.search(rf"\bquy {_roman(deadline['quarter'])}\b", words):
        missing.append(f"quý {_roman(deadline['quarter']).upper()}")
    if missing:
        raise ReviewError(f"Nhiệm vụ {task_id}, thời hạn: trích dẫn nguyên văn của nhiệm vụ không có "
                          f"{' và '.join(missing)}. Thời hạn phải là thời hạn văn bản ghi cho nhiệm vụ này (sửa "
                          "trích dẫn trước nếu trích dẫn thiếu).")


def _roman(n: int) -> str:
    return {1: "i", 2: "ii", 3: "iii", 4: "iv"}.get(n, str(n))


def excerpt(text: str, items: Iterable[ReviewItem], context_lines: int = 0) -> Excerpt | None:
    """The lines of `text` that the items' spans cover, cut where spans begin and end."""
    spanned = [i for i in items if i.span is not None and 0 <= i.span[0] <= i.span[1] <= len(text)]
    if not spanned:
        return None
    start = min(i.span[0] for i in spanned)
    end = max(i.span[1] for i in spanned)
    start = text.rfind("\n", 0, start) + 1  # whole lines: the sentence a span sits in
    for _ in range(context_lines):
        start = text.rfind("\n", 0, max(start - 1, 0)) + 1
    nl = text.find("\n", end)
    end = len(text) if nl < 0 else nl
    cuts = sorted({start, end, *(max(start, i.span[0]) for i in spanned), *(min(end, i.span[1]) for i in spanned)})
    segments = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [i for i in spanned if i.span[0] <= a and b <= i.span[1]]
        best = min(covering, key=lambda i: (i.span[1] - i.span[0], i.index)) if covering else None
        if segments and segments[-1][1] is best:
            segments[-1] = (segments[-1][0] + text[a:b], best)
        else:
            segments.append((text[a:b], best))
    return Excerpt(start, end, tuple(segments))


# ---------------------------------------------------------------- checking a folder


def review_problems(directory: Path | str) -> list[Problem]:
    """What is wrong with a folder's review.yaml (none when it has none): its shape, and where it points."""
    path = Path(directory) / REVIEW_FILE
    if not path.exists():
        return []
    name = display_name(path)
    try:
        doc = read_yaml(path)
    except DataError as exc:
        return exc.problems
    data, out = doc.data, []
    if not isinstance(data, dict):
        return [Problem(name, 1, f"{REVIEW_FILE} phải là một bảng khóa: giá trị.")]
    if data.get("schema_version") != 1:
        out.append(doc.problem(("schema_version",), "schema_version phải là 1."))
    if data.get("status", DRAFT) not in (DRAFT, PUBLISHED):
        out.append(doc.problem(("status",), f"status phải là “{DRAFT}” hoặc “{PUBLISHED}”."))
    text_name = data.get("text")
    text = ""
    if text_name:
        try:
            text = (Path(directory) / text_name).read_text(encoding="utf-8")
        except OSError:
            out.append(doc.problem(("text",), f"Không tìm thấy tệp văn bản “{text_name}”."))
    items = data.get("items") or []
    if not isinstance(items, list):
        return out + [doc.problem(("items",), "items phải là một danh sách.")]
    tasks = {str(t.get("id")) for t in _read_data(Path(directory) / "tasks.yaml").get("tasks") or ()}
    for i, it in enumerate(items):
        at = ("items", i)
        if not isinstance(it, dict):
            out.append(doc.problem(at, "Mỗi mục phải có ref, field, status."))
            continue
        if it.get("status") not in STATUSES:
            out.append(doc.problem(at + ("status",), f"status phải là một trong: {', '.join(STATUSES)}."))
        if not it.get("field"):
            out.append(doc.problem(at, "Mục thiếu field."))
        ref = str(it.get("ref") or "")
        if not re.fullmatch(r"plan|(task|agency|section|document):\S+", ref):
            out.append(doc.problem(at + ("ref",), f"ref “{ref}” không đúng dạng (plan, task:<mã>, agency:<mã>, "
                                                 "section:<mã>, document:<mã>)."))
        elif ref.startswith("task:") and ref[5:] not in tasks:
            out.append(doc.problem(at + ("ref",), f"Không có nhiệm vụ “{ref[5:]}” trong tasks.yaml."))
        conf = it.get("confidence")
        if conf is not None and not (isinstance(conf, (int, float)) and 0 <= conf <= 1):
            out.append(doc.problem(at + ("confidence",), "confidence phải là số từ 0 đến 1."))
        span = it.get("span")
        if span is not None and not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)
                                     and 0 <= span[0] <= span[1] <= len(text)):
            out.append(doc.problem(at + ("span",), f"span phải là [đầu, cuối) trong văn bản (0–{len(text)})."))
    if data.get("status") == PUBLISHED:
        for i, it in enumerate(items):
            if isinstance(it, dict) and it.get("status") == "unreviewed":
                out.append(doc.problem(("items", i, "status"), "Kế hoạch đã xuất bản nhưng mục này chưa duyệt."))
    return out


def check_folder(directory: Path | str, writes: Mapping[str, str] | None = None, plan: bool = True) -> list[Problem]:
    """Every problem of a plan folder as it would be with `writes` (file name -> new text) applied.

    The folder is copied beside itself (so paths like ../hanoi/ still resolve), hard links for the files
    that do not change, and validated there; the problems name the folder's own files.
    """
    directory = Path(directory)
    scratch = Path(tempfile.mkdtemp(prefix=f".{directory.name}.check-", dir=directory.parent))
    try:
        _copy_folder(directory, scratch, link=True)
        for name, text in (writes or {}).items():
            target = scratch / name
            target.unlink(missing_ok=True)
            target.write_text(text, encoding="utf-8")
        return _problems_as(scratch, directory, plan)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _problems_as(folder: Path, shown_as: Path, plan: bool = True) -> list[Problem]:
    """The folder's problems (review.yaml's only, unless `plan`), naming its files as if it were `shown_as` (a
    scratch copy speaks for the real one)."""
    from toolkit.plan.load import validate_plan_dir

    problems = (validate_plan_dir(folder) if plan else []) + review_problems(folder)
    shown, real = display_name(folder), display_name(shown_as)
    return [Problem(real + p.file[len(shown):] if p.file.startswith(shown) else p.file, p.line,
                    p.message.replace(shown, real)) for p in problems]


def _copy_folder(source: Path, target: Path, link: bool = False) -> None:
    """Every file of a plan folder but hidden ones (locks, scratch files), keeping the layout."""
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        dest = target / rel
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if link:
            try:
                os.link(path, dest)
                continue
            except OSError:
                pass
        shutil.copy2(path, dest)


def write_atomic(path: Path, text: str) -> None:
    """Replace a file's content in one step: a reader sees the old file or the new one, never half of it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _parse(text: str) -> Any:
    """YAML as data with libyaml (pure-Python PyYAML takes about a second on a large plan's review.yaml)."""
    return yaml.load(text, Loader=_SAFE)


def _read_data(path: Path) -> dict:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE) or {}
    except (OSError, yaml.YAMLError):
        return {}


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ---------------------------------------------------------------- publishing


def publish(draft_dir: Path | str, *, data_dir: Path | str | None = None, key: str | None = None,
            by: str | None = None) -> Path:
    """Make a reviewed draft a published plan: data_dir/<key>/ with review.yaml's status "published".

    Refused (ReviewError, in Vietnamese) while any item is unreviewed, when the draft does not validate,
    when the key is not a plain folder name or is taken. The copy is built in a hidden folder inside
    data_dir and renamed into place, so a failure leaves no folder and the catalogue never sees half a plan.
    units.yaml's registry paths are rewritten to reach the same city files from the new place. A draft that
    already sits at data_dir/<key> (reviewed in git) is published where it is. Returns the plan's folder.
    """
    draft = Draft(draft_dir)
    source = draft.directory
    if data_dir is None:
        from toolkit.plan.catalogue import data_dir as default_data_dir

        data_dir = default_data_dir()
    data_dir = Path(data_dir)
    key = key or draft.key
    if not KEY_PATTERN.fullmatch(key):
        raise ReviewError(f"Mã kế hoạch “{key}” không dùng được làm tên thư mục: chỉ chữ thường không dấu, chữ số "
                          "và dấu gạch ngang, ví dụ “ke-hoach-15-2026”.")
    waiting = draft.unreviewed
    if waiting:
        shown = "; ".join(i.label for i in waiting[:10])
        more = f"; và {len(waiting) - 10} mục khác" if len(waiting) > 10 else ""
        raise ReviewError(f"Chưa xuất bản được: còn {len(waiting)} mục chưa duyệt: {shown}{more}.")
    problems = check_folder(source)
    if problems:
        raise ReviewError("Chưa xuất bản được: dữ liệu bản nháp không hợp lệ.", problems)
    target = data_dir / key
    by = " ".join((by or "").split()) or None
    entry = {"at": _now(), "by": by or "", "action": "published", "value": key}
    if target.resolve() == source.resolve():
        review_text = _yaml_set((source / REVIEW_FILE).read_text(encoding="utf-8"), ("status",), PUBLISHED)
        with draft._locked():
            draft._commit({REVIEW_FILE: _append_trail(review_text, entry)})
        return target
    if target.exists():
        raise ReviewError(f"Đã có kế hoạch mã “{key}” trong {display_name(data_dir)}: chọn mã khác.")
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{key}.publishing-", dir=data_dir))
    try:
        _copy_folder(source, scratch)
        units = scratch / "units.yaml"
        text = units.read_text(encoding="utf-8")
        for name, reg in ((_parse(text) or {}).get("registry") or {}).items():
            old = Path(reg["file"])
            city = old if old.is_absolute() else (source / old).resolve()
            text = _yaml_set(text, ("registry", name, "file"), os.path.relpath(city, target.parent.resolve() / key))
        write_atomic(units, text)
        problems = _problems_as(scratch, target)
        if problems:
            raise ReviewError("Chưa xuất bản được: bản sao trong thư mục dữ liệu không hợp lệ.", problems)
        # "published" is written last, just before the rename: until then the hidden copy reads as a draft to
        # anything that lists the data folder.
        review_text = _yaml_set((scratch / REVIEW_FILE).read_text(encoding="utf-8"), ("status",), PUBLISHED)
        write_atomic(scratch / REVIEW_FILE, _append_trail(review_text, entry))
        os.chmod(scratch, 0o755)  # mkdtemp makes it private; the published plan is read like the others
        try:
            os.rename(scratch, target)
        except OSError:
            if not target.exists():
                raise
            # another publish of the same key won the rename since the check above
            raise ReviewError(f"Đã có kế hoạch mã “{key}” trong {display_name(data_dir)}: chọn mã khác.") from None
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    with contextlib.suppress(ReviewError, OSError):  # the plan is out; the draft's own trail is a courtesy
        with draft._locked():
            draft_text = (source / REVIEW_FILE).read_text(encoding="utf-8")
            draft._commit({REVIEW_FILE: _append_trail(draft_text, {**entry, "value": str(target)})})
    return target


# ---------------------------------------------------------------- editing YAML in place
# A value is replaced where it stands, found by the marks PyYAML's composer gives each node; everything else
# in the file (comments, folded text, key order) stays byte for byte. New values are written in flow style
# (JSON-like), or as a block list where a block list stood. The result is parsed again and compared with what
# was meant; should the in-place edit ever not give it, the whole file is written out instead.


class _YamlEdit:
    """Several edits of one YAML text, checked once at the end (`text()`): a large review.yaml is parsed twice,
    not twice per edit."""

    def __init__(self, text: str):
        self.original = self._text = text
        self.expected = _parse(text) or {}
        self.in_place = True  # False once an edit could not be made in place: the whole file is written out

    def set(self, path: tuple, value: Any) -> "_YamlEdit":
        """The value at `path` (keys and list indexes) set to `value`; the last key may be new."""
        parent = self.expected
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = copy.deepcopy(value)
        if self.in_place:
            try:
                self._text = _edit(self._text, path, value)
            except (yaml.YAMLError, KeyError, IndexError, TypeError, ValueError):
                self.in_place = False
        return self

    def append(self, key: str, entry: Any) -> "_YamlEdit":
        """`entry` added at the end of the top-level list `key` (made if missing)."""
        current = self.expected.get(key)
        if not current:
            return self.set((key,), [entry])
        current.append(copy.deepcopy(entry))
        if self.in_place:
            try:
                node = _child(yaml.compose(self._text, Loader=_SAFE), key)
                if not isinstance(node, yaml.SequenceNode) or node.flow_style:
                    raise TypeError(key)
                end, col = _end(node, self._text), node.value[0].start_mark.column - 2
                self._text = self._text[:end] + "\n" + " " * col + "- " + _flow(entry) + self._text[end:]
            except (yaml.YAMLError, KeyError, IndexError, TypeError):
                self.in_place = False
        return self

    def text(self) -> str:
        if self.in_place:
            try:
                if _parse(self._text) == self.expected:
                    return self._text
            except yaml.YAMLError:
                pass
        return _header(self.original) + yaml.safe_dump(self.expected, allow_unicode=True, sort_keys=False, width=100)


def _yaml_set(text: str, path: tuple, value: Any) -> str:
    """`text` with the value at `path` set to `value` (see _YamlEdit)."""
    return _YamlEdit(text).set(path, value).text()


def _trail_entry(entry: Mapping[str, Any]) -> dict:
    return {k: v for k, v in entry.items() if v is not None}


def _append_trail(text: str, entry: Mapping[str, Any]) -> str:
    return _YamlEdit(text).append("trail", _trail_entry(entry)).text()


def _header(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _child(node, step):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == str(step):
                return v
        raise KeyError(step)
    if isinstance(node, yaml.SequenceNode):
        return node.value[step]
    raise KeyError(step)


def _end(node, text: str) -> int:
    """Where a node's own text ends: a block collection at its last child, a block scalar before its blank lines."""
    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(node, yaml.MappingNode) else last, text)
    end = node.end_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        while end > node.start_mark.index and text[end - 1] in " \t\r\n":
            end -= 1
    return end


def _edit(text: str, path: tuple, value: Any) -> str:
    root = yaml.compose(text, Loader=_SAFE)
    parent = root
    for step in path[:-1]:
        parent = _child(parent, step)
    if not isinstance(parent, yaml.MappingNode):
        raise KeyError(path)
    try:
        node = _child(parent, path[-1])
    except KeyError:
        if parent.flow_style or not parent.value:
            raise
        # A new key, after the mapping's last one and at its indentation.
        end = _end(parent.value[-1][1], text)
        col = parent.value[0][0].start_mark.column
        if isinstance(value, list) and value:  # a block list, so that appending to it keeps one line per entry
            inner = "\n" + " " * (col + 2)
            new = f"{_flow_key(path[-1])}:" + "".join(inner + "- " + _flow(v) for v in value)
        else:
            new = f"{_flow_key(path[-1])}: {_flow(value)}"
        return text[:end] + "\n" + " " * col + new + text[end:]
    start, end = node.start_mark.index, _end(node, text)
    block = isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.flow_style
    col = node.start_mark.column
    if block and isinstance(value, list) and value:
        new = ("\n" + " " * col).join("- " + _flow(v) for v in value)
    elif block and isinstance(value, dict) and value:
        new = ("\n" + " " * col).join(f"{_flow_key(k)}: {_flow(v)}" for k, v in value.items())
    else:
        new = _flow(value)
    return text[:start] + new + text[end:]


_BARE = re.compile(r"^[a-z][a-z0-9_]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _flow_key(key: Any) -> str:
    return key if isinstance(key, str) and _BARE.match(key) and key not in _YAML_WORDS else json.dumps(
        key, ensure_ascii=False)


def _flow(value: Any) -> str:
    """A value in YAML flow style (JSON's syntax is a subset of it); agency keys and such stay bare."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return value if _BARE.match(value) and value not in _YAML_WORDS else json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_flow_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    """Data as safe_load gives it, with dates back to their ISO text (the data files keep dates as text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
