"""Vietnamese conventions: NFC text, diacritic-insensitive matching, Vietnam time, decimal commas."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from datetime import datetime, timedelta, timezone

_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space: 'a \\n b' -> 'a b'."""
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=8192)  # the same names and summaries are folded over and over
def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse spaces, so "Sở Tư pháp" and "so tu phap" match.

    'đ' is a letter of its own in Unicode (not d + a mark), so it is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return squash(bare.casefold())


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def search(query: str, folded_docs: dict[str, str]) -> list[str]:
    """Keys of the documents that match a query, ignoring case and diacritics.

    The query is first read as a phrase starting at a word ("so tu phap" finds "Sở Tư pháp" but not
    "cơ sở ... tư ... pháp luật"). If no document has the phrase, every word must start a word
    somewhere in the document, in any order ("bo tu lenh de an").

    >>> search("so tu phap", {"a": fold("Sở Tư pháp chủ trì"), "b": fold("ở cơ sở, tư vấn pháp luật")})
    ['a']
    """
    words = fold(query).split()
    if not words:
        return list(folded_docs)
    phrase = re.compile(r"(?<!\w)" + re.escape(" ".join(words)))
    hits = [k for k, doc in folded_docs.items() if phrase.search(doc)]
    if hits or len(words) == 1:
        return hits
    starts = [re.compile(r"(?<!\w)" + re.escape(w)) for w in words]
    return [k for k, doc in folded_docs.items() if all(rx.search(doc) for rx in starts)]


def match_rank(folded_query: str, folded_text: str) -> int | None:
    """How well a folded query matches one folded name, for ranking: lower is better, None is no match.

    0 the whole name, 1 its beginning, 2 a phrase starting at a word, 3 every word starts a word (as `search`).

    >>> [match_rank(fold(q), fold("Phường Hàng Bạc")) for q in ("phuong hang bac", "Phường Hàng", "hang b", "bac hang", "x")]
    [0, 1, 2, 3, None]
    """
    if not folded_query:
        return None
    if folded_text == folded_query:
        return 0
    if folded_text.startswith(folded_query):
        return 1
    # Plain substring tests first: a search box calls this for every name on every keystroke.
    if folded_query in folded_text and re.search(r"(?<!\w)" + re.escape(folded_query), folded_text):
        return 2
    words = folded_query.split()
    if len(words) > 1 and all(w in folded_text for w in words) and all(
            re.search(r"(?<!\w)" + re.escape(w), folded_text) for w in words):
        return 3
    return None


# The alphabet's own order: ă, â after a, đ after d, ê after e, ô, ơ after o, ư after u (f, j, w, z
# for foreign names). Tones weigh less than letters, in dictionary order: ngang, huyền, hỏi, ngã,
# sắc, nặng. Code-point order would put "Ủy ban" after "Viện" and "Đoàn" after "Hội".
_LETTERS = {ch: i for i, ch in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(text: str) -> tuple:
    """A key that sorts Vietnamese text in alphabetical order (letters first, then tones, then case).

    >>> sorted(["Ủy ban", "Viện", "Đoàn", "Hội", "Ban", "Các sở"], key=sort_key)
    ['Ban', 'Các sở', 'Đoàn', 'Hội', 'Ủy ban', 'Viện']
    >>> sorted(["ma", "mạ", "má", "mà", "mả", "mã", "mă"], key=sort_key)
    ['ma', 'mà', 'mả', 'mã', 'má', 'mạ', 'mă']
    """
    letters, tones = [], []
    for ch in unicodedata.normalize("NFC", text).casefold():
        base, *marks = unicodedata.normalize("NFD", ch)
        shape = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in _TONES))
        # Spaces, digits and punctuation sort before letters, so "Sở Y" comes before "Sởi".
        letters.append(1000 + _LETTERS[shape] if shape in _LETTERS else ord(shape[0]) % 1000)
        tones.append(max((_TONES[m] for m in marks if m in _TONES), default=0))
    return tuple(letters), tuple(tones), text

# ---------------------------------------------------------------- conventions: time and numbers

VIETNAM = timezone(timedelta(hours=7), "ICT")  # Việt Nam has no daylight saving time


def local_time(value: datetime | None, fmt: str = "%H:%M %d/%m/%Y") -> str:
    """A stored time (UTC; naive values are read as UTC) in Vietnam time, "" when there is none.

    >>> local_time(datetime(2026, 12, 1, 3, 5, tzinfo=timezone.utc))
    '10:05 01/12/2026'
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(VIETNAM).strftime(fmt)


def number(x: float | None, digits: int = 2) -> str:
    """A number as Vietnamese writes it: decimal comma, at most `digits` decimals, a dash for none.

    >>> number(12.5), number(3.0), number(1.8333), number(None), number(float("nan"))
    ('12,5', '3', '1,83', '—', '—')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{round(float(x), digits):g}".replace(".", ",")


def whole(n: int) -> str:
    """A count as Vietnamese writes it, thousands grouped with dots.

    >>> whole(6773), whole(1234567), whole(12)
    ('6.773', '1.234.567', '12')
    """
    return f"{int(n):,}".replace(",", ".")


def percent(share: float | None) -> str:
    """A share in 0..1 as a whole percentage: 0.7 -> '70%'.

    >>> percent(0.7), percent(None)
    ('70%', '—')
    """
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{100 * share:.0f}%"


def score_text(points: float, max_points: float) -> str:
    """Points of a maximum, as every page writes a score.

    >>> score_text(1.8333, 5), score_text(7.5, 14.5)
    ('1,83/5', '7,5/14,5')
    """
    return f"{number(points)}/{number(max_points)}"


MB = 1_000_000  # decimal megabytes, as file sizes are stated to users and limits are set


def megabytes(size: int) -> str:
    """A size in MB, rounded up so a file over a limit never reads as equal to it.

    >>> megabytes(20_000_000), megabytes(5_000_001), megabytes(11_268)
    ('20', '5,01', '0,02')
    """
    return number(math.ceil(size / (MB / 100)) / 100)
