"""Vietnamese text helpers: NFC checks and diacritic-insensitive matching."""

import functools
import re
import unicodedata

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
