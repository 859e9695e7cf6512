"""The shape of a plan's text: header, an optional Quyết định wrapper, the plan's parts, sections and items.

Works on the normalised paragraphs (toolkit.plan.importer.normalise). A paragraph is classified by how it
starts ("II.", "1.", "1.1.", "a)", "1)", "- ", "+ ", "Thời gian thực hiện:") and the outline is built by
nesting: a marker of a kind not yet open opens a child, one already open closes what came after it, and
decimal numbers nest by their depth. Parts are read by what their heading says (mục đích, yêu cầu; tổ
chức thực hiện; kinh phí; anything else holds tasks), so Roman parts and decimal ones read alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from toolkit.plan.importer.normalise import DEADLINE_LABEL, LOWER, ROMAN, UPPER, WORD, Paragraph, Text, caps_line
from toolkit.vietnamese import fold

KINDS = {"ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "chuong trinh": "Chương trình", "de an": "Đề án",
         "huong dan": "Hướng dẫn", "chi thi": "Chỉ thị"}
NATIONAL = "cong hoa xa hoi chu nghia viet nam"
MOTTO = "doc lap - tu do - hanh phuc"
PART_ROLES = (("muc dich", "purposes"), ("yeu cau", "purposes"), ("to chuc thuc hien", "organisation"),
              ("kinh phi", "funding"))
_DATE = re.compile(r"ngày\s+(\d{1,2})\s*(?:tháng\s+|/|-)\s*(\d{1,2})\s*(?:năm\s+|/|-)\s*(\d{4})", re.IGNORECASE)
# A place is written in title case ("Hà Nội", "Đông Anh"): "KH-UBND" before it is the number's, not the place's.
_PLACE_DATE = re.compile(rf"(?<![\w/-])((?:[{UPPER}][{LOWER}.]*\s+)*[{UPPER}][{LOWER}.]*)\s*,\s*ngày\s+\d")
_NUMBER = re.compile(r"Số\s*:\s*([0-9][^\s,;]*(?:\s*/\s*[^\s,;]+)?)", re.IGNORECASE)
_CLOSING = ("tren day la", "trong qua trinh thuc hien", "trong qua trinh to chuc thuc hien")

# "PHẦN THỨ HAI." is part II, as "PHẦN II." and "II." are.
_ORDINALS = {"nhất": "I", "hai": "II", "ba": "III", "tư": "IV", "năm": "V", "sáu": "VI", "bảy": "VII"}
_PART_WORDS = re.compile(r"(?:PHẦN|Phần)\s+(?:THỨ|thứ)\s+(" + "|".join(_ORDINALS) + r")\s*[.:]?\s*", re.IGNORECASE)
_MARKERS = (
    ("roman", re.compile(rf"(?:(?:PHẦN|Phần)\s+)?({ROMAN})\.\s*")),
    ("dec", re.compile(r"(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=\S)|(\d{1,2}(?:\.\d{1,2})*)\.$")),
    ("num", re.compile(r"(\d{1,2})\)\s*")),
    ("letter", re.compile(r"([a-zđ])\)\s*")),
    ("dash", re.compile(r"([-–—•])\s+")),
    ("plus", re.compile(r"(\+)\s+")),
)


def marker(p: Paragraph) -> tuple[str, str, int] | None:
    """(kind, label, offset where the text after the marker starts) of a paragraph that opens an item."""
    if m := _PART_WORDS.match(p.text):
        return "roman", _ORDINALS[m[1].lower()], p.start + m.end()
    for kind, rx in _MARKERS:
        m = rx.match(p.text)
        if m:
            label = next(g for g in m.groups() if g is not None) if m.groups() else m.group()
            if kind == "dec" and "." not in m.group() and not re.match(r"\d+\.\d", m.group()):
                continue  # "15 năm": a number, not "1." or "1.1"
            return kind, label, p.start + m.end()
    return None


def is_deadline(p: Paragraph) -> bool:
    return bool(DEADLINE_LABEL.match(fold(p.text[:40])))


@dataclass
class Node:
    """An item of the outline: its opening paragraph, the paragraphs that follow it, and its children."""

    kind: str  # part | roman | dec | letter | num | dash | plus
    label: str
    para: Paragraph | None
    text_start: int  # where its text starts after the marker
    paras: list[Paragraph] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    level: int = 0

    @property
    def own_text(self) -> str:
        return self.para.text[self.text_start - self.para.start:] if self.para else ""

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def all_paras(self) -> list[Paragraph]:
        out = ([self.para] if self.para else []) + self.paras
        for c in self.children:
            out += c.all_paras()
        return out

    @property
    def end(self) -> int:
        return max(p.end for p in self.all_paras())


@dataclass
class Part:
    role: str  # purposes | tasks | organisation | funding
    node: Node
    title: str


@dataclass
class Field:
    value: object
    span: tuple[int, int]
    confidence: float = 0.9
    why: str | None = None


@dataclass
class Signature:
    name: Field
    title: Field
    capacity: Field | None


@dataclass
class Structure:
    layout: str  # roman | decimal
    number: Field | None
    date: Field | None
    place: Field | None
    issuer: Field | None  # the issuer's words in the header (the bodies module names the agency)
    kind: Field
    title: Field
    preamble: list[Paragraph]
    parts: list[Part]
    signature: Signature | None
    wrapper: list[Paragraph]  # a Quyết định's own paragraphs (its căn cứ, Điều 1-3), when the plan came with one
    attached_note: Field | None = None  # "(Ban hành kèm theo Quyết định số ...)"
    casing: "Casing | None" = None


# ---------------------------------------------------------------- case


class Casing:
    """How the document writes words in running text, to write a heading in capitals the same way.

    "THỰC HIỆN CHỈ THỊ SỐ 07-CT/TU CỦA THÀNH ỦY" -> "thực hiện Chỉ thị số 07-CT/TU của Thành ủy".
    """

    def __init__(self, paragraphs: list[Paragraph]):
        self.grams: dict[tuple[str, ...], Counter] = {}
        for p in paragraphs:
            if not any(ch.islower() for ch in p.text):
                continue
            words = WORD.findall(p.text)
            for n in range(1, 5):
                for k in range(1, len(words) - n + 1):  # a paragraph's first word is capitalised anyway
                    gram = tuple(words[k:k + n])
                    self.grams.setdefault(tuple(w.casefold() for w in gram), Counter())[gram] += 1

    def restore(self, text: str, first_upper: bool = True) -> str:
        if any(ch.islower() for ch in text):
            return text
        spans = [(m.start(), m.end()) for m in WORD.finditer(text)]
        words = [text[a:b] for a, b in spans]
        out, k = list(words), 0
        while k < len(words):
            for n in range(min(4, len(words) - k), 0, -1):
                key = tuple(w.casefold() for w in words[k:k + n])
                if key in self.grams:
                    # Written in lower case anywhere, the words are common ones ("phòng, chống" in a law's name).
                    ways = self.grams[key].most_common()
                    out[k:k + n] = next((w for w, _ in ways if w[0][:1].islower()), ways[0][0])
                    k += n
                    break
            else:
                out[k] = words[k].lower() if len(words[k]) > 1 or k else words[k]
                k += 1
        pieces, last = [], 0
        for (a, b), w in zip(spans, out):
            pieces += [text[last:a], w]
            last = b
        result = "".join(pieces) + text[last:]
        if first_upper and result:
            m = WORD.search(result)
            if m:
                result = result[:m.start()] + m.group()[0].upper() + result[m.start() + 1:]
        return result


# ---------------------------------------------------------------- parsing


class StructureError(ValueError):
    """The text lacks something every plan has; `offset` is where it was looked for."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset


def _kind_title(p: Paragraph) -> str | None:
    if any(ch.islower() for ch in p.text[:14]):
        return None
    f = fold(p.text)
    for k in KINDS:
        if f == k or f.startswith(k + " ") or f == k + ":":
            return k
    return None


def parse(text: Text) -> Structure:
    paras = text.paragraphs
    if not paras:
        raise StructureError("văn bản trống.")
    casing = Casing(paras)
    head = next((i for i, p in enumerate(paras[:60]) if _kind_title(p)), None)
    if head is None:
        raise StructureError("không tìm thấy tên loại văn bản (dòng “KẾ HOẠCH” hoặc “QUYẾT ĐỊNH” viết hoa) ở phần đầu.",
                             paras[0].start)
    wrapper: list[Paragraph] = []
    plan_at = head
    if _kind_title(paras[head]) == "quyet dinh":
        plan_at = next((i for i in range(head + 1, len(paras)) if _kind_title(paras[i]) == "ke hoach"), None)
        if plan_at is None:
            raise StructureError("văn bản là một Quyết định nhưng không có Kế hoạch ban hành kèm theo (dòng “KẾ HOẠCH” "
                                 "viết hoa).", paras[head].start)
        wrapper = paras[head:plan_at]
    header = paras[:head]
    number, date_, place, issuer = _header_fields(header)
    kind_key = _kind_title(paras[plan_at])
    kind = Field(KINDS[kind_key], (paras[plan_at].start, paras[plan_at].start + len(kind_key.split()) * 3), 0.95)
    title, k = _title(paras, plan_at, casing)
    attached = None
    if k < len(paras) and paras[k].text.startswith("(") and "kem theo" in fold(paras[k].text):
        attached = Field(paras[k].text.strip("()"), (paras[k].start, paras[k].end), 0.9)
        k += 1
    if wrapper and (number is None or date_ is None):
        # The plan's own header (after the Quyết định) may carry what the first one lacked.
        n2, d2, p2, i2 = _header_fields(paras[head + 1:plan_at])
        number, date_, place, issuer = number or n2, date_ or d2, place or p2, issuer or i2
    body_end = _body_end(paras, k)
    parts, preamble, layout = _parts(paras, k, body_end)
    signature = _signature(paras[body_end:], casing) or _signature(wrapper, casing)
    return Structure(layout, number, date_, place, issuer, kind, title, preamble, parts, signature, wrapper,
                     attached, casing)


def _header_fields(header: list[Paragraph]):
    number = date_ = place = issuer = None
    issuer_paras: list[Paragraph] = []
    national_seen = False
    for p in header:
        f = fold(p.text)
        if NATIONAL in f:
            at = f.index(NATIONAL)
            if at > 0 and not national_seen:
                issuer_paras.append(Paragraph(p.index, p.start, p.start + at, p.text[:at].rstrip(" |")))
            national_seen = True
        m = _NUMBER.search(p.text)
        if m and number is None:
            value = re.sub(r"\s+", "", m.group(1)).rstrip(".")
            number = Field(value, (p.start + m.start(1), p.start + m.end(1)), 0.95)
        m = _DATE.search(p.text)
        if m and date_ is None:
            try:
                day = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                day = None
            if day:
                date_ = Field(day, (p.start + m.start(), p.start + m.end()), 0.95)
                before = p.text[:m.start()]
                pm = _PLACE_DATE.search(_drop_motto(before) + "ngày 1")
                if pm:
                    value = pm.group(1).strip()
                    at = p.text.find(value)
                    place = Field(value, (p.start + max(at, 0), p.start + max(at, 0) + len(value)), 0.9)
        if not national_seen and not m and not _NUMBER.search(p.text) and NATIONAL not in f and MOTTO not in f:
            issuer_paras.append(p)
    if issuer_paras:
        first, last = issuer_paras[0], issuer_paras[-1]
        issuer = Field(" ".join(p.text for p in issuer_paras), (first.start, last.end), 0.9)
    return number, date_, place, issuer


def _drop_motto(text: str) -> str:
    f = fold(text)
    at = f.rfind(MOTTO)
    return text[at + len(MOTTO):] if at >= 0 else text


def _title(paras: list[Paragraph], at: int, casing: Casing) -> tuple[Field, int]:
    """The trích yếu: the capitals after "KẾ HOẠCH" (or a subtitle line in running case), as a sentence."""
    p = paras[at]
    kind_key = _kind_title(p)
    m = re.match(r"\s*(?:\S+\s+){%d}\S+\s*" % (len(kind_key.split()) - 1), p.text)
    rest, start, end, k = p.text[m.end():], p.start + m.end(), p.end, at + 1
    if not rest.strip() and k < len(paras) and not _starts_body(paras[k]):
        rest, start, end, k = paras[k].text, paras[k].start, paras[k].end, k + 1
    rest, kind = rest.strip(), KINDS[kind_key]
    if not rest:
        return Field(kind, (p.start, p.end), 0.4, "Không thấy trích yếu sau tên loại văn bản."), k
    restored = casing.restore(rest, first_upper=False)
    if restored[:1].isupper() and not restored[1:2].isupper() and restored.split(" ", 1)[0].casefold() in (
            "phổ", "thực", "triển", "tăng", "tổ", "về", "tuyên", "công", "đẩy", "nâng"):
        restored = restored[:1].lower() + restored[1:]  # a verb or "về" after "Kế hoạch" is not capitalised
    why = ("Trích yếu viết hoa trong văn bản; chữ hoa, chữ thường được khôi phục theo cách văn bản viết các từ đó "
           "ở nơi khác." if restored != rest else None)
    return Field(f"{kind} {restored}", (start, end), 0.8 if why else 0.9, why), k


def _starts_body(p: Paragraph) -> bool:
    f = fold(p.text)
    return bool(marker(p)) or f.startswith(("thuc hien ", "can cu ", "nham ", "de ", "trien khai ", "(")) or \
        bool(re.match(rf"{ROMAN}\.", p.text))


def _body_end(paras: list[Paragraph], k: int) -> int:
    for i in range(k, len(paras)):
        f = fold(paras[i].text)
        if f.startswith("noi nhan"):
            return i
    return len(paras)


def _part_role(title: str) -> str:
    f = fold(title)
    for words, role in PART_ROLES:
        if words in f:
            return role
    return "tasks"


def _parts(paras: list[Paragraph], k: int, end: int) -> tuple[list[Part], list[Paragraph], str]:
    body = paras[k:end]
    romans = [i for i, p in enumerate(body) if (m := marker(p)) and m[0] == "roman"]
    layout = "roman" if romans else "decimal"
    if layout == "roman":
        heads = romans
    else:
        heads = [i for i, p in enumerate(body) if (m := marker(p)) and m[0] == "dec" and "." not in m[1] and (
            caps_line(p.text[m[2] - p.start:]) or _part_role(p.text) != "tasks" or _tasks_heading(p.text))]
    if not heads:
        raise StructureError("không tìm thấy các phần của Kế hoạch (“I. MỤC ĐÍCH, YÊU CẦU”, “II. NHIỆM VỤ…” hoặc "
                             "“1. …”, “2. …”).", body[0].start if body else (paras[-1].start if paras else 0))
    preamble = body[:heads[0]]
    # The closing sentence ("… triển khai thực hiện Kế hoạch này./.") and what follows are no item's.
    stop = len(body)
    for i in range(heads[-1], len(body)):
        p, f = body[i], fold(body[i].text)
        if f.startswith(_CLOSING) or (p.text.rstrip().endswith("./.") and not marker(p)):
            stop = i
            break
        if p.text.rstrip().endswith("./."):
            stop = i + 1
            break
    parts = []
    for n, h in enumerate(heads):
        nxt = heads[n + 1] if n + 1 < len(heads) else stop
        head_para = body[h]
        kind, label, text_start = marker(head_para)
        node = Node("part", label, head_para, text_start)
        _outline(node, body[h + 1:min(nxt, stop)])
        title = head_para.text[text_start - head_para.start:].strip().rstrip(":")
        parts.append(Part(_part_role(title), node, title))
    return parts, preamble, layout


def _tasks_heading(text: str) -> bool:
    f = fold(text)
    return any(w in f for w in ("nhiem vu", "giai phap", "noi dung"))


def _outline(root: Node, paras: list[Paragraph]) -> None:
    stack = [root]
    for p in paras:
        m = marker(p) if not is_deadline(p) else None
        if m is None or m[0] == "roman":
            stack[-1].paras.append(p)
            continue
        kind, label, text_start = m
        level = label.count(".") + 1 if kind == "dec" else 0
        node = Node(kind, label, p, text_start, level=level)
        if kind == "dec":
            while len(stack) > 1 and not (stack[-1].kind == "dec" and stack[-1].level < level):
                stack.pop()
        elif any(n.kind == kind for n in stack[1:]):
            while stack[-1].kind != kind:
                stack.pop()
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)


def _signature(paras: list[Paragraph], casing: Casing) -> Signature | None:
    """The last signature block in `paras`: TM./KT. lines, the signer's title in capitals, then the name."""
    blocks: list[dict] = []
    for p in paras:
        capacity = re.match(r"(?:TM|KT|TL|TUQ|Q)\.\s", p.text)
        if capacity or (caps_line(p.text) and len(p.text) < 50 and not fold(p.text).startswith(("noi nhan", "luu"))):
            if not blocks or blocks[-1]["name"] is not None:
                blocks.append({"caps": [], "title": None, "name": None})
            blocks[-1]["caps" if capacity else "title"] = (blocks[-1]["caps"] + [p]) if capacity else p
            continue
        if blocks and blocks[-1]["name"] is None and _person_name(p.text):
            blocks[-1]["name"] = p
    done = [b for b in blocks if b["name"] is not None]
    if not done:
        return None
    b = done[-1]
    # Offices and bodies in a signature are written in sentence case ("TM. Ủy ban nhân dân", "KT. Chủ tịch"),
    # not as the words happen to be written elsewhere.
    caps = []
    for c in b["caps"]:
        m = re.match(r"(TM|KT|TL|TUQ|Q)\.\s*(.*)", c.text)
        caps.append(f"{m.group(1)}. {_sentence_case(m.group(2).lower())}")
    title_p = b["title"] or (b["caps"][-1] if b["caps"] else None)
    if title_p is None:
        return None
    title_text = re.sub(r"^(?:TM|KT|TL|TUQ|Q)\.\s*", "", title_p.text).lower()
    name = Field(b["name"].text, (b["name"].start, b["name"].end), 0.85)
    title_text = _sentence_case(title_text)
    if title_text.startswith("Phó ") and len(title_text) > 4:  # "Phó Chủ tịch", "Phó Giám đốc": the office keeps its capital
        title_text = "Phó " + title_text[4].upper() + title_text[5:]
    title = Field(title_text, (title_p.start, title_p.end), 0.8,
                  "Chức vụ người ký đọc từ dòng viết hoa ngay trên họ tên.")
    capacity = Field(", ".join(caps), (b["caps"][0].start, b["caps"][-1].end), 0.8) if caps else None
    return Signature(name, title, capacity)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _person_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)
