"""Documents a plan names: those it implements (its preamble's "Thực hiện …; Căn cứ …") and those its tasks cite.

A reference reads "<kind> số <number> ngày <date> của <issuer> <title>" ("Kết luận số 15-KL/TW ngày 10/3/2025
của Bộ Chính trị về …"); a law is named without a number ("Luật Phổ biến, giáo dục pháp luật năm 2012").
The title runs to the end of the clause (the next ";", or the main clause "…, UBND Thành phố ban hành kế
hoạch … như sau").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from toolkit.plan.importer.normalise import UPPER
from toolkit.vietnamese import fold

KINDS = {"Kết luận": "kl", "Chỉ thị": "ct", "Quyết định": "qd", "Kế hoạch": "kh", "Nghị quyết": "nq",
         "Nghị định": "nd", "Thông tư liên tịch": "ttlt", "Thông tư": "tt", "Công văn": "cv", "Chương trình": "ctr",
         "Đề án": "da", "Hướng dẫn": "hd", "Thông báo": "tb", "Quy định": "qdinh", "Pháp lệnh": "pl"}
_KIND = "|".join(sorted(map(re.escape, KINDS), key=len, reverse=True))
_REF = re.compile(rf"({_KIND})\s+số\s+(\d[\w./-]*\w|\d)")
# A law is named without a number: its name runs to its year ("… năm 2012"), or to a date, a number, the
# clause's end or a word that starts what is said of it ("… cho thanh niên", "… trên địa bàn").
_LAW = re.compile(rf"(Bộ luật|Luật)\s+(?=[{UPPER}])([^;:]*?)(?:\s+(năm\s+\d{{4}})|(?=\s+ngày\s|\s+số\s|\s*;|"
                  rf"\s*\.|\s*,\s+(?:[{UPPER}])|\s*$|\s+(?:đã|được|và|cho|trên|tại|trong|đến|để|nhằm|theo)\s))")
_DATE = re.compile(r"\s*ngày\s+(\d{1,2})\s*(?:tháng\s+|/|-)\s*(\d{1,2})\s*(?:năm\s+|/|-)\s*(\d{4})")
_ISSUER_END = re.compile(r"\s+(?:về|ban hành|thực hiện|hướng dẫn|quy định|phê duyệt|sửa đổi|triển khai|tiếp tục|"
                         r"tăng cường|đẩy mạnh|nâng cao|tổ chức|kiện toàn|giao|tại)\s|[;,:]|\.(?:\s|$)|$")


@dataclass
class DocumentRef:
    key: str
    kind: str
    number: str
    span: tuple[int, int]
    title: str
    day: date | None = None
    issuer: str | None = None
    cited_in: list[str] = field(default_factory=list)


def references(text: str, start: int, end: int) -> list[DocumentRef]:
    """Every document named in text[start:end], in order (a law by its name, others by number)."""
    out = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        out += _references_in(line.group(), start + line.start())
    return out


def _references_in(chunk: str, start: int) -> list[DocumentRef]:
    out = []
    for clause_start, clause in _clauses(chunk):
        found = [(m.start(), m, "ref") for m in _REF.finditer(clause)] + [(m.start(), m, "law") for m in _LAW.finditer(clause)]
        for at, m, what in sorted(found, key=lambda x: x[0]):
            if what == "ref":
                kind, number = m.group(1), m.group(2).rstrip(".")
                after = m.end()
            else:
                kind = m.group(1)
                number = f"{kind} {m.group(2)}" + (f" {m.group(3)}" if m.group(3) else "")
                after = m.end()
            day, after = _date_at(clause, after)
            issuer = None
            rest = clause[after:]
            im = re.match(r"\s*của\s+", rest)
            if im:
                em = _ISSUER_END.search(rest, im.end())
                issuer = rest[im.end():em.start()].strip() if em else rest[im.end():].strip()
                rest = rest[em.start():] if em else ""
            # The title ends with the sentence ("… năm 2012. Thời gian …" names no more of it).
            rest = re.split(rf"\.(?:\s+(?=[{UPPER}])|$)", rest, maxsplit=1)[0]
            title = rest.strip(" ,;:.").strip()
            if not title:
                title = number if what == "law" else f"{kind} số {number}"
            a = start + clause_start + at
            out.append(DocumentRef("", kind, number, (a, a + (m.end() - m.start())), title, day, issuer or None))
    return out


def _clauses(chunk: str) -> list[tuple[int, str]]:
    """The clauses of a preamble: split at ";", the main clause ("…, UBND … ban hành … như sau:") cut off."""
    out, at = [], 0
    for part in re.split(r"(;)", chunk):
        if part == ";":
            at += 1
            continue
        f = fold(part)
        cut = len(part)
        if "nhu sau" in f:
            # the last ", " before "như sau" that starts a capitalised subject
            for m in re.finditer(rf",\s+(?=[{UPPER}])", part):
                if m.start() < f.index("nhu sau"):
                    cut = m.start()
        out.append((at, part[:cut]))
        at += len(part)
    return out


def _date_at(text: str, at: int) -> tuple[date | None, int]:
    m = _DATE.match(text, at)
    if not m:
        return None, at
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1))), m.end()
    except ValueError:
        return None, m.end()


def document_key(ref: DocumentRef, taken: set[str]) -> str:
    """"kl-15" for Kết luận số 15-KL/TW; a law by its name's initials: "luat-pbgdpl-2012"."""
    if ref.kind in ("Luật", "Bộ luật"):
        words = re.findall(r"\w+", ref.number)[len(ref.kind.split()):]
        year = next((w for w in words if re.fullmatch(r"\d{4}", w)), "")
        # an acronym whole ("PBGDPL"), other words by their first letter: "Phổ biến, giáo dục pháp luật" -> "pbgdpl"
        initials = "".join(fold(w) if w.isupper() and len(w) > 1 else fold(w)[0] for w in words
                           if w.isalpha() and fold(w) != "nam")
        base = "-".join(x for x in ("luat", initials, year) if x)
    else:
        first = re.split(r"[/-]", ref.number)[0]
        base = f"{KINDS.get(ref.kind, 'vb')}-{re.sub(r'[^a-z0-9]', '', fold(first)) or 'x'}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def dedupe(refs: list[DocumentRef]) -> list[DocumentRef]:
    """One reference per document (kind and number), the fullest kept in first place."""
    out: dict[tuple[str, str], DocumentRef] = {}

    def same(r):  # a law named once with its year and once without it is one law
        return (r.kind, re.sub(r"\s+nam\s+\d{4}$", "", fold(r.number)) if r.kind in ("Luật", "Bộ luật") else fold(r.number))

    for r in refs:
        k = same(r)
        if k not in out:
            out[k] = r
        else:
            o = out[k]
            o.day = o.day or r.day
            o.issuer = o.issuer or r.issuer
            if o.title.startswith(o.kind) and not r.title.startswith(r.kind):
                o.title = r.title
            o.cited_in += [t for t in r.cited_in if t not in o.cited_in]
    return list(out.values())
