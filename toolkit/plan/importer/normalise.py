"""Mending a plan's text: NFC, hard line breaks rejoined into paragraphs, header tables flattened, words mended.

Documents copied from web pages, PDFs and scans arrive with a line break every few words ("ỦY\\nBAN NHÂN
DÂN"), syllables cut in two ("trách nhi\\nệm"), words run together ("PHÁPLUẬT", "Banhành"), decomposed
(NFD) accents and header tables flattened cell by cell. `normalise` returns one paragraph a line, in NFC.

Words are mended only with the document's own words (and the registry's names, `known_words`): two pieces
are glued where the glued word occurs elsewhere in the document and a piece does not, and a run-together
token that cannot be one Vietnamese syllable is split where each part is a syllable the document uses.
No word list is built in.

Every character of the result remembers the raw offset it came from (`Text.origin`); `soft_breaks` are the
offsets where a raw line break was read as a space.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from toolkit.vietnamese import fold

# ---------------------------------------------------------------- syllables

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"  # onset
    r"[ou]?"  # the glide of hoa, quê, tuy
    r"(?:iê|yê|ia|ya|uô|ua|ươ|ưa|[aăâeêioôơuưy])"  # nucleus
    r"(?:ch|ng|nh|[cmnpt]|[iyou])?")  # coda
WORD = re.compile(r"[^\W\d_]+")


def _alphabet() -> tuple[str, str]:
    """Every Vietnamese letter, with each tone, in lower and in upper case (for regex classes: a range such
    as "À-Ỹ" would take lower-case letters too)."""
    marks = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    low = {c for b in "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz" for t in marks
           if len(c := unicodedata.normalize("NFC", b + t)) == 1}
    return "".join(sorted(low)), "".join(sorted(c.upper() for c in low))


LOWER, UPPER = _alphabet()


def toneless(word: str) -> tuple[str, int]:
    """The word lower-cased without its tone marks (vowel shapes kept: ă, â, ê, ô, ơ, ư, đ), and how many it had."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    tones = sum(ch in _TONES for ch in decomposed)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES)), tones


def is_syllable(word: str) -> bool:
    """Can `word` be one Vietnamese syllable (an onset, a rhyme, at most one tone mark)?

    >>> [is_syllable(w) for w in ("người", "khuyến", "nghiêng", "gì", "PHÁPLUẬT", "Banhành", "UBND")]
    [True, True, True, True, False, False, False]
    """
    base, tones = toneless(word)
    return tones <= 1 and _SYLLABLE.fullmatch(base) is not None


@dataclass
class Vocabulary:
    """How often the document uses each word (case-folded): inside a line, and anywhere."""

    interior: Counter = field(default_factory=Counter)
    anywhere: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, lines: Iterable[str], known_words: Iterable[str] = ()) -> "Vocabulary":
        v = cls()
        for line in lines:
            words = [w.casefold() for w in WORD.findall(line)]
            v.anywhere.update(words)
            v.interior.update(words[1:-1])  # a line's first and last word may be a broken piece
        for w in known_words:
            for part in WORD.findall(w):
                v.interior[part.casefold()] += 1
                v.anywhere[part.casefold()] += 1
        return v

    def seen(self, word: str) -> int:
        return self.interior[word.casefold()]

    def glue(self, left: str, right: str) -> bool:
        """Are these the two halves of one word cut by a line break ("nhi" + "ệm")?"""
        return bool(self.seen(left + right)) and not (self.seen(left) and self.seen(right))

    def split(self, token: str) -> list[str] | None:
        """The document's syllables a run-together token is made of ("Banhành" -> ["Ban", "hành"]), or None.

        Only a token that cannot be one syllable is split, into two or three syllables the document uses
        elsewhere; the most frequent split wins.
        """
        if len(token) < 3 or is_syllable(token) or not token.isalpha() or re.fullmatch(r"[IVXLCDM]+", token):
            return None  # a Roman numeral ("III") is not "I" + "II"
        def seen(w: str) -> int:  # a line's last word counts here: a whole word, not a piece of one
            return self.anywhere[w.casefold()]

        best, score = None, (0, 0)
        for cut in range(1, len(token)):
            left, right = token[:cut], token[cut:]
            if not (is_syllable(left) and seen(left)):
                continue
            rights = [[right]] if is_syllable(right) and seen(right) else []
            if not rights:
                more = self.split(right) if len(right) >= 3 else None
                rights = [more] if more and len(more) == 2 else []
            for r in rights:
                # fewer parts first ("phối" + "hợp", not "phố" + "i" + "hợp"), then the commoner words
                s = (-len(r), min(seen(p) for p in [left, *r]))
                if best is None or s > score:
                    best, score = [left, *r], s
        return best


# ---------------------------------------------------------------- the text


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Text:
    """The normalised text, one paragraph a line, and where each character came from in the raw text."""

    text: str
    origin: tuple[int, ...]
    soft_breaks: frozenset[int]

    def raw_offset(self, offset: int) -> int:
        if not self.origin:
            return 0
        return self.origin[max(0, min(offset, len(self.origin) - 1))]

    @property
    def paragraphs(self) -> list[Paragraph]:
        out, start = [], 0
        for i, line in enumerate(self.text.split("\n")):
            if line:
                out.append(Paragraph(len(out), start, start + len(line), line))
            start += len(line) + 1
        return out


class _Run:
    """A piece of text with the raw offset of each of its characters."""

    __slots__ = ("text", "src")

    def __init__(self, text: str = "", src: list[int] | None = None):
        self.text, self.src = text, list(src or [])

    def __getitem__(self, s: slice) -> "_Run":
        return _Run(self.text[s], self.src[s])

    def __add__(self, other: "_Run") -> "_Run":
        return _Run(self.text + other.text, self.src + other.src)


_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_NEWLINES = frozenset("\n\f\v\u2028\u2029\x85")


def _clean(raw: str) -> _Run:
    """NFC cluster by cluster (a base letter and its marks), one kind of space and of line break."""
    chars, src, i, n = [], [], 0, len(raw)
    while i < n:
        if raw[i] == "\r":
            if i + 1 < n and raw[i + 1] == "\n":
                i += 1
                continue
            chars.append("\n")
            src.append(i)
            i += 1
            continue
        j = i + 1
        while j < n and unicodedata.combining(raw[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", raw[i:j]):
            if ch in _DROP:
                continue
            if ch in _NEWLINES:
                ch = "\n"
            elif ch.isspace():
                ch = " "
            chars.append(ch)
            src.append(i)
        i = j
    return _Run("".join(chars), src)


def _squeeze(run: _Run) -> _Run:
    """Spaces trimmed at both ends and collapsed inside."""
    keep = [k for k, ch in enumerate(run.text) if ch != " " or (k > 0 and run.text[k - 1] != " ")]
    out = _Run("".join(run.text[k] for k in keep), [run.src[k] for k in keep])
    a, b = 0, len(out.text)
    while a < b and out.text[a] == " ":
        a += 1
    while b > a and out.text[b - 1] == " ":
        b -= 1
    return out[a:b]


def _split_lines(run: _Run) -> list[_Run]:
    out, start = [], 0
    for k, ch in enumerate(run.text + "\n"):
        if ch == "\n":
            out.append(_squeeze(run[start:k]))
            start = k + 1
    return out


_MD_HEADING = re.compile(r"#{1,6}\s+")
_MD_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?")


def _markdown(lines: list[_Run]) -> list[_Run | None]:
    """Markdown marks away: headings become paragraphs of their own (None is a paragraph break)."""
    out: list[_Run | None] = []
    for line in lines:
        t = line.text
        if _MD_RULE.fullmatch(t) and "-" in t:
            out.append(None)
            continue
        m = _MD_HEADING.match(t)
        if m:
            out += [None, _strip_emphasis(line[m.end():]), None]
            continue
        if t.startswith("> "):
            line = line[2:]
        if re.match(r"\*\s", line.text):
            line = _Run("-", line.src[:1]) + line[1:]
        out.append(_strip_emphasis(line))
    return out


def _strip_emphasis(line: _Run) -> _Run:
    keep = [k for k in range(len(line.text)) if not (line.text[k] in "*_" and (
        line.text[k:k + 2] in ("**", "__") or line.text[k - 1:k + 1] in ("**", "__")))]
    return _Run("".join(line.text[k] for k in keep), [line.src[k] for k in keep])


# ---------------------------------------------------------------- paragraphs

ROMAN = r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)"
MARKER = re.compile(
    rf"(?:{ROMAN}\.(?:\s|$)"  # I. II. (parts)
    r"|\d{1,2}(?:\.\d{1,2})*\.(?:\s|$)"  # 1.  1.1.  2.1.3.
    r"|\d{1,2}(?:\.\d{1,2})+(?:\s|$)"  # 1.1 without its last dot
    r"|\d{1,2}\)(?:\s|$)"  # 1)
    r"|[a-zđ]\)(?:\s|$)"  # a) đ)
    r"|[-–—•+]\s"  # bullets
    r"|\((?=\s*(?:[Bb]an\s+hành|[Kk]èm\s+theo))"  # (Ban hành kèm theo ...)
    r"|Điều\s+\d+"
    r"|Nơi\s+nhận"
    r"|(?:TM|KT|TL|TUQ|Q)\.\s"
    r"|Số\s*:"
    r"|Căn\s+cứ\s"
    r"|Thực\s+hiện\s"
    r")")
MARKER_ONLY = re.compile(rf"(?:{ROMAN}\.|\d{{1,2}}(?:\.\d{{1,2}})*\.?|\d{{1,2}}\)|[a-zđ]\)|[-–—•+])")
# "Thời gian thực hiện:", "Thời hạn:" ... read without accents, so a typo in an accent still counts.
DEADLINE_LABEL = re.compile(r"(?:thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: thuc hien| hoan thanh)?)\s*:")
_LABEL_END = re.compile(r"(?:Số|Thời gian[^:]*|Thời hạn[^:]*)\s*:$", re.IGNORECASE)
# A line that is only a signer's title ("PHÓ CHỦ TỊCH", "GIÁM ĐỐC") stands alone in a signature block.
_TITLE_LINE = re.compile(r"(?:pho )?(?:chu tich|giam doc|truong ban|chanh van phong|bi thu|truong phong|thu truong|"
                         r"chanh an|vien truong|tong giam doc|cuc truong|chi cuc truong)")
_MOTTO = "doc lap - tu do - hanh phuc"
_CONNECTIVES = frozenset("và với của cho các những hoặc cùng tại về theo là".split())


def is_marker(text: str) -> bool:
    return bool(MARKER.match(text)) or bool(DEADLINE_LABEL.match(fold(text[:40])))


def _has_lower(text: str) -> bool:
    return any(ch.islower() for ch in text)


def caps_line(text: str) -> bool:
    """A line in capitals of at least two words ("KẾ HOẠCH", "II. NHIỆM VỤ"): a heading, not an acronym."""
    words = WORD.findall(text)
    return len(words) >= 2 and not _has_lower(text)


def _starts_upper(text: str) -> bool:
    m = WORD.search(text)
    return bool(m) and m.start() < 3 and m.group()[0].isupper()


def _breaks(para: str, prev: str, nxt: str) -> bool:
    """Does a new paragraph start at `nxt`, after the line `prev` of the paragraph `para`?"""
    if MARKER_ONLY.fullmatch(para) or _LABEL_END.search(para):
        return False  # "II." or "Thời gian thực hiện:" alone: its text is on the next line
    if is_marker(nxt):
        # "kinh tế\n- xã hội": a dash between two words, not a bullet
        return not (nxt[:1] in "-–—" and nxt[2:3].islower() and prev[-1:] not in ".;:")
    fp, fn = fold(prev), fold(nxt)
    if _TITLE_LINE.fullmatch(fp) or _TITLE_LINE.fullmatch(fn):
        return True
    if para.startswith("(") and prev.endswith(")"):
        return True
    if fp.endswith(_MOTTO):
        return True
    if prev[-1:] in ".;:!?":
        return not nxt[:1].islower()
    if caps_line(prev) and _has_lower(nxt) and _starts_upper(nxt):
        return True
    if _has_lower(prev) and caps_line(nxt):
        return True
    # "...công tác PBGDPL\nCác sở, ban, ngành ...": "Các" in capitals starts a sentence.
    if re.match(r"(?:Các|Những)\s", nxt) and not prev.endswith(",") and prev.rsplit(" ", 1)[-1] not in _CONNECTIVES:
        return True
    return False


def _glue(para: _Run, line: _Run, vocab: Vocabulary, soft: list[int]) -> _Run:
    """The paragraph with the next line added: by a space, or glued where a word was cut by the break."""
    prev, nxt = para.text, line.text
    if re.search(r"\w-$", prev) and (m := re.match(r"\w+", nxt)):
        left = re.search(r"(\w+)-$", prev).group(1)
        if vocab.seen(left + m.group()) and not vocab.seen(f"{left}-{m.group()}"):
            return para[:-1] + line  # "bi-\nến" -> "biến"
        return para + line  # "QĐ-\nTTg"
    a, b = re.search(r"[^\W\d_]+$", prev), re.match(r"[^\W\d_]+", nxt)
    if a and b and vocab.glue(a.group(), b.group()):
        return para + line
    soft.append(len(para.text))
    return para + _Run(" ", line.src[:1]) + line


def _split_words(para: _Run, vocab: Vocabulary) -> _Run:
    out, last = _Run(), 0
    for m in WORD.finditer(para.text):
        parts = vocab.split(m.group())
        if not parts:
            continue
        out = out + para[last:m.start()]
        at = m.start()
        for k, p in enumerate(parts):
            if k:
                out = out + _Run(" ", para.src[at:at + 1])
            out = out + para[at:at + len(p)]
            at += len(p)
        last = m.end()
    return out + para[last:] if last else para


_HEADER_WORDS = ("cong hoa xa hoi", "doc lap", "noi nhan", "so:", ", ngay", "tm.", "kt.", "uy ban", "ubnd")


def _table_rows(lines: list[_Run]) -> list[list[_Run]]:
    rows = []
    for line in lines:
        cells, start = [], 0
        for k, ch in enumerate(line.text + "|"):
            if ch == "|":
                cells.append(_squeeze(line[start:k]))
                start = k + 1
        if cells and not cells[0].text:
            cells = cells[1:]
        if cells and not cells[-1].text:
            cells = cells[:-1]
        rows.append(cells)
    return rows


def _blocks(lines: list[_Run | None]) -> list[list[_Run]]:
    """Lines between hard breaks: blank lines, "|" cell ends, rules ("-------"); tables flattened."""
    blocks: list[list[_Run]] = [[]]
    i, seen = 0, 0
    while i < len(lines):
        line = lines[i]
        if line is None or not line.text or re.fullmatch(r"\|+", line.text) or re.fullmatch(r"[-_=*·.•~]{3,}", line.text):
            blocks.append([])
            i += 1
            continue
        if "|" in line.text:
            j = i
            while j < len(lines) and lines[j] is not None and "|" in lines[j].text and not re.fullmatch(r"\|+", lines[j].text):
                j += 1
            rows = _table_rows(lines[i:j])
            header = seen < 15 or any(w in fold(c.text) for r in rows for c in r for w in _HEADER_WORDS)
            if header:  # a header or signature table: each column is read top to bottom
                for col in range(max(len(r) for r in rows)):
                    blocks.append([r[col] for r in rows if col < len(r) and r[col].text])
                    blocks.append([])
            else:  # any other table: a row a paragraph, cells kept apart by " | "
                for r in rows:
                    joined = _Run()
                    for k, c in enumerate(r):
                        joined = joined + (_Run(" | ", c.src[:1] * 3) if k else _Run()) + c
                    blocks += [[joined], []]
            seen += j - i
            i = j
            continue
        blocks[-1].append(line)
        seen += 1
        i += 1
    return [b for b in blocks if b]


def normalise(raw: str, *, markdown: bool = False, known_words: Iterable[str] = ()) -> Text:
    """The raw text mended, one paragraph a line.

    >>> normalise("ỦY\\nBAN NHÂN DÂN\\n|\\nSố: 12/KH-UBND").text
    'ỦY BAN NHÂN DÂN\\nSố: 12/KH-UBND'
    """
    lines: list[_Run | None] = _split_lines(_clean(raw))
    if markdown:
        lines = _markdown(lines)
    vocab = Vocabulary.of((ln.text for ln in lines if ln is not None), known_words)
    paras: list[_Run] = []
    soft_at: list[tuple[int, list[int]]] = []
    for block in _blocks(lines):
        para, prev, soft = block[0], block[0].text, []
        for line in block[1:]:
            if _breaks(para.text, prev, line.text):
                paras.append(para)
                soft_at.append((len(paras) - 1, soft))
                para, soft = line, []
            else:
                para = _glue(para, line, vocab, soft)
            prev = line.text
        paras.append(para)
        soft_at.append((len(paras) - 1, soft))
    # Splitting run-together words shifts offsets: soft breaks are found again by their raw offsets.
    soft_src = {paras[i].src[k] if k < len(paras[i].src) else None for i, ks in soft_at for k in ks}
    text, origin, soft_breaks = [], [], set()
    for para in paras:
        para = _squeeze(_split_words(para, vocab))
        if not para.text:
            continue
        if text:
            text.append("\n")
            origin.append(para.src[0])
        base = sum(len(t) for t in text)
        for k, ch in enumerate(para.text):
            if ch == " " and para.src[k] in soft_src:
                soft_breaks.add(base + k)
        text.append(para.text)
        origin.extend(para.src)
    return Text("".join(text), tuple(origin), frozenset(soft_breaks))
