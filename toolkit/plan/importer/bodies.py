"""Bodies a plan names: matched to the city registry by their names and aliases only, the rest proposed as new.

A mention is a registry agency when its words, read without case and accents (toolkit.vietnamese.fold),
are one of that agency's name, short name or aliases, allowing only what writes the same name another
way: the standard abbreviations (UBND for Ủy ban nhân dân, ...), a plural "các" in front, spacing around
hyphens and commas, and a title in front of the body ("Thủ trưởng", "Chủ tịch"). Nothing is matched for
being close. A registry name followed by more of a name ("Sở Tư pháp tỉnh Bắc Ninh") is not that agency,
and a name no registry agency has is proposed as a new agency, never matched to a near one.

Groups ("các sở, ban, ngành", "UBND các xã, phường") are recognised by their shape: a plural or a list of
the kinds of body, or UBND of an administrative level. Named bodies by a head noun (Sở, Ban, Cục, Hội ...)
followed by the capitalised words of their name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.datafile import DataError, read_yaml
from toolkit.plan.importer.errors import ImportFailure
from toolkit.plan.model import Agency
from toolkit.vietnamese import fold

# The same name written short: each pair is read as one word, both ways.
ABBREVIATIONS = (
    ("uy ban nhan dan", "ubnd"), ("hoi dong nhan dan", "hdnd"), ("mat tran to quoc", "mttq"),
    ("thong tan xa viet nam", "ttxvn"), ("viet nam", "vn"), ("pho bien, giao duc phap luat", "pbgdpl"),
    ("thanh pho", "tp"),
)
PLURALS = ("cac", "nhung", "moi")
TITLES = (("pho", "chu", "tich"), ("chu", "tich"), ("thu", "truong"), ("giam", "doc"), ("pho", "giam", "doc"),
          ("lanh", "dao"), ("nguoi", "dung", "dau"), ("truong", "ban"), ("chanh", "van", "phong"))
# Words of a name written in lower case ("Tòa án nhân dân", "Bảo hiểm xã hội", "các cấp").
NAME_PHRASES = (("nhan", "dan"), ("xa", "hoi"), ("nong", "thon"), ("do", "thi"), ("cac", "cap"), ("cap", "tinh"),
                ("cap", "huyen"), ("cap", "xa"), ("phan", "xa"))
# Head nouns of a named body; the name's capitalised words follow.
HEADS = tuple(tuple(h.split()) for h in (
    "so", "ban", "uy ban", "ubnd", "hdnd", "hoi dong", "van phong", "cong an", "bo tu lenh", "bo chi huy", "bo",
    "cuc", "chi cuc", "tong cuc", "dai", "bao", "tap chi", "thong tan xa", "hoi", "lien doan", "lien hiep", "doan",
    "thanh doan", "tinh doan", "vien", "toa an", "truong", "trung tam", "phong", "thanh tra", "kho bac", "ngan hang",
    "bao hiem xa hoi", "quy", "hoc vien", "dai hoc", "benh vien", "mat tran", "thanh uy", "tinh uy", "quan uy",
    "huyen uy", "dang uy", "cong ty", "tong cong ty", "hiep hoi", "nha xuat ban", "co quan", "chi nhanh"))
# The kinds of body a group is made of ("các sở, ban, ngành", "cơ quan, đơn vị liên quan").
GROUP_NOUNS = tuple(tuple(n.split()) for n in (
    "co quan bao chi", "co quan", "don vi", "to chuc", "doan the", "dia phuong", "doanh nghiep", "hiep hoi", "hoi",
    "so", "ban", "nganh", "truong", "co so", "phong", "ca nhan", "cap", "luc luong", "quan", "huyen", "thi xa", "xa",
    "phuong", "thi tran", "tinh", "thanh pho"))
LEVELS = tuple(tuple(n.split()) for n in ("thi tran", "thi xa", "thanh pho", "xa", "phuong", "quan", "huyen", "tinh"))
GROUP_TAILS = tuple(tuple(n.split()) for n in ("co lien quan", "lien quan", "truc thuoc", "cac cap", "cap xa",
                                                "cap huyen", "cap tinh"))
RELATED = (("lien", "quan"), ("co", "lien", "quan"))
# A body's kind from its head noun (the schema's kinds); anything else is a department-like "so".
KIND_OF_HEAD = {"ubnd": "ubnd", "uy ban": "ubnd", "cong an": "luc_luong_vu_trang", "bo tu lenh": "luc_luong_vu_trang",
                "bo chi huy": "luc_luong_vu_trang", "dai": "co_quan_bao_chi", "bao": "co_quan_bao_chi",
                "tap chi": "co_quan_bao_chi", "thong tan xa": "co_quan_bao_chi", "hoi dong": "hoi_dong",
                "hdnd": "hoi_dong", "toa an": "co_quan_tu_phap", "vien": "co_quan_tu_phap", "mat tran": "mat_tran",
                "hoi": "to_chuc_xa_hoi_nghe_nghiep", "hiep hoi": "to_chuc_xa_hoi_nghe_nghiep",
                "doan": "to_chuc_xa_hoi_nghe_nghiep", "lien doan": "mat_tran", "thanh doan": "mat_tran",
                "tinh doan": "mat_tran"}


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    text: str
    folded: str
    start: int
    end: int

    @property
    def word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()


_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(text: str, offset: int = 0) -> list[Token]:
    """Words and punctuation marks of `text`, with offsets (`offset` added) and their folded forms."""
    return [Token(m.group(), fold(m.group()), m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(text)]


def _seq(text: str) -> tuple[str, ...]:
    return tuple(t.folded for t in tokens(text))


_ABBREVIATED: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
_SPACING = frozenset(",-–—")


def _canonical(words: tuple[str, ...]) -> tuple[str, ...]:
    """Long forms read as their abbreviation, leading plurals dropped: both sides of a match are read so."""
    if not _ABBREVIATED:
        _ABBREVIATED.extend((tuple(w for w in _seq(long) if w not in _SPACING), _seq(short))
                            for long, short in ABBREVIATIONS)
    # Commas and hyphens are spacing, not words: "các sở, ban ngành" is written "các sở, ban, ngành" too.
    out = [w for w in words if w not in _SPACING]
    for ls, ss in _ABBREVIATED:
        i = 0
        while i <= len(out) - len(ls):
            if tuple(out[i:i + len(ls)]) == ls:
                out[i:i + len(ls)] = list(ss)
            i += 1
    while out and out[0] in PLURALS:
        out.pop(0)
    return tuple(out)


# ---------------------------------------------------------------- the registry


def names_of(agency: Agency) -> tuple[str, ...]:
    """Every way the registry names an agency: its name, short name and aliases."""
    return tuple(dict.fromkeys((agency.name, agency.short, *agency.aliases)))


@dataclass
class Registry:
    """The city's agencies and how each may be named (its name, short name and aliases, canonically)."""

    agencies: dict[str, Agency]
    file: Path | None = None
    patterns: dict[tuple[str, ...], str] = field(default_factory=dict)
    ambiguous: set[tuple[str, ...]] = field(default_factory=set)

    def __post_init__(self):
        for a in self.agencies.values():
            for n in names_of(a):
                p = _canonical(_seq(n))
                if not p:
                    continue
                if self.patterns.setdefault(p, a.key) != a.key:
                    self.ambiguous.add(p)  # two agencies answer to it: neither is matched by it
        self.longest = max((len(p) for p in self.patterns), default=0)
        # "UBND xã, phường, thị trấn": a local government named by its levels, read by the set of them.
        self.by_levels: dict[tuple[str, ...], dict[frozenset, set[str]]] = {}
        for p, key in self.patterns.items():
            head, levels = _levels_of(p)
            if head and p not in self.ambiguous:
                self.by_levels.setdefault(head, {}).setdefault(levels, set()).add(key)

    @classmethod
    def from_file(cls, path: Path) -> "Registry":
        try:
            doc = read_yaml(path)
        except DataError as exc:
            raise ImportFailure(path.name, "không đọc được danh mục cơ quan của Thành phố: " +
                                "; ".join(p.message for p in exc.problems)) from None
        agencies = {}
        for a in (doc.data or {}).get("agencies") or ():
            agencies[a["key"]] = Agency(a["key"], a["name"], a["short"], a["kind"], tuple(a.get("aliases") or ()),
                                        tuple(a.get("member_of") or ()))
        return cls(agencies, path)

    def words(self) -> list[str]:
        """Every name and alias: the importer reads their words as words the document may use."""
        return [n for a in self.agencies.values() for n in names_of(a)]

    def key_of(self, words: tuple[str, ...]) -> str | None:
        p = _canonical(words)
        return None if p in self.ambiguous else self.patterns.get(p)

    def names_of(self, key: str) -> tuple[str, ...]:
        return names_of(self.agencies[key])

    def level_key(self, words: tuple[str, ...]) -> str | None:
        """The one agency named by a superset of these levels ("UBND các xã, phường" is the body the registry
        calls "UBND xã, phường, thị trấn"): None when no agency, or more than one, is."""
        plural = any(w in PLURALS for w in words[1:2])
        head, levels = _levels_of(_canonical(words))
        # "UBND xã" alone may be one commune (the plan's own issuer): only "các …" or two levels name the group.
        if not head or not (plural or len(levels) > 1):
            return None
        keys = {k for named, ks in self.by_levels.get(head, {}).items() if levels <= named for k in ks}
        return keys.pop() if len(keys) == 1 else None


LEVEL_HEADS = (("ubnd",), ("hdnd",))


def _levels_of(words: tuple[str, ...]) -> tuple[tuple[str, ...] | None, frozenset]:
    """("ubnd", "xa", "phuong") -> (("ubnd",), {xa, phuong}); (None, ∅) unless every word after the head is a level."""
    for head in LEVEL_HEADS:
        if words[:len(head)] != head:
            continue
        rest, levels = list(words[len(head):]), set()
        while rest and rest[0] in PLURALS:  # "UBND các xã, phường"
            rest.pop(0)
        while rest:
            level = next((lv for lv in LEVELS if tuple(rest[:len(lv)]) == lv), None)
            if level is None:
                return None, frozenset()
            levels.add(level)
            del rest[:len(level)]
        return (head, frozenset(levels)) if levels else (None, frozenset())
    return None, frozenset()


def city_agencies_file(city_dir: Path) -> Path:
    """The city registry's agencies.yaml (the layout of data/<city>/)."""
    return Path(city_dir) / "agencies.yaml"


# ---------------------------------------------------------------- mentions


@dataclass
class Mention:
    """A body named at [start, end) of the text: a registry agency (`key`) or a proposed one (`key` None)."""

    start: int
    end: int
    text: str  # the words that name it, without a title or a plural in front
    key: str | None = None
    kind: str = "so"
    group: bool = False
    why: str | None = None
    near: str | None = None  # a registry name the words resemble (said in the review, never matched)


@dataclass
class BodyReader:
    """Reads lists of bodies ("Sở Tư pháp, Sở Nội vụ và các sở, ngành liên quan") at a place in a clause."""

    registry: Registry
    text: str  # the whole normalised text (offsets are into it)
    soft_breaks: frozenset[int] = frozenset()
    skipped: list[str] = field(default_factory=list)  # common nouns read past inside lists ("đơn vị")

    def read_list(self, toks: list[Token], i: int) -> tuple[list[Mention], int]:
        """The bodies listed from token i on, and the index of the first token after the list."""
        found, j = [], i
        while True:
            m, k = self.read_one(toks, j)
            if m is None:
                break
            found.append(m)
            j = k
            sep = self._separator(toks, j)
            if sep is None:
                break
            nxt, _ = self.read_one(toks, sep)
            if nxt is None:
                # "Các sở, ban, ngành, đơn vị, UBND quận …": a bare common noun between bodies names none.
                noun = next((n for n in GROUP_NOUNS if _words_at(toks, sep, n)), None)
                after = self._separator(toks, sep + len(noun)) if noun else None
                if after is None or self.read_one(toks, after)[0] is None:
                    break
                self.skipped.append(self.text[toks[sep].start:toks[sep + len(noun) - 1].end])
                sep = after
            j = sep
        if found:
            j = self._related_tail(toks, j, found)
        return found, j

    def _separator(self, toks, j) -> int | None:
        if j < len(toks) and toks[j].folded in (",", ";"):
            j += 1
            if j < len(toks) and toks[j].folded == "va":
                j += 1
            return j
        if j < len(toks) and toks[j].folded in ("va", "cung"):
            return j + 1
        return None

    def _related_tail(self, toks, j, found) -> int:
        """"các sở, ngành, đoàn thể ... liên quan": the last words qualify the list; a group that has a
        registry name with "liên quan" is read as that one."""
        for tail in RELATED:
            if tuple(t.folded for t in toks[j:j + len(tail)]) == tail:
                for m in found:
                    if m.group or m.key is None:
                        key = self.registry.key_of(_seq(m.text) + ("lien", "quan"))
                        if key:
                            m.key, m.kind, m.group = key, self.registry.agencies[key].kind, True
                            m.text = m.text + " liên quan"
                            m.end = toks[j + len(tail) - 1].end
                return j + len(tail)
        return j

    def read_one(self, toks: list[Token], i: int) -> tuple[Mention | None, int]:
        """One body from token i (a title or plural in front allowed), or (None, i)."""
        start = i
        title = next((t for t in sorted(TITLES, key=len, reverse=True) if _words_at(toks, i, t)), None)
        if title:
            i += len(title)
        lead = i
        if i < len(toks) and toks[i].folded in PLURALS:
            i += 1
        m = self._registry_at(toks, lead, i)
        if m is None:
            m = self._unknown_at(toks, lead, i)
        if m is None and lead != start:
            return None, start
        return (m, self._end_index(toks, m)) if m else (None, start)

    @staticmethod
    def _end_index(toks, m) -> int:
        return next((k for k, t in enumerate(toks) if t.start >= m.end), len(toks))

    def _registry_at(self, toks, lead, i) -> Mention | None:
        best, a = None, lead
        for n in range(min(4 * self.registry.longest, len(toks) - a), 0, -1):
            if not toks[a + n - 1].word:
                continue  # a name ends with a word: "Sở Tư pháp," is "Sở Tư pháp" and then the list goes on
            words = tuple(t.folded for t in toks[a:a + n])
            key = self.registry.key_of(words)
            by_levels = key is None and (key := self.registry.level_key(words)) is not None
            if key:
                best = (a + n, key)
                break
        if best is None:
            return None
        b, key = best
        if self._continues(toks, b):
            return None
        if by_levels and b + 1 < len(toks) and toks[b].text == "," and any(_words_at(toks, b + 1, lv) for lv in LEVELS):
            return None  # "UBND các xã, quận": more levels follow, which the one agency does not name
        end = toks[b - 1].end
        # "Sở Tư pháp Thành phố": the city's level said again is the same body.
        if b + 1 < len(toks) and (toks[b].folded, toks[b + 1].folded) == ("thanh", "pho") and toks[b].capital \
                and not self._continues(toks, b + 2):
            end = toks[b + 1].end
        agency = self.registry.agencies[key]
        why = (f"Đọc là “{agency.name}” vì các cấp được nêu đều thuộc tên đó trong danh mục; cần người duyệt xác "
               "nhận." if by_levels else None)
        return Mention(toks[a].start, end, self.text[toks[i].start:end], key, agency.kind, agency.is_group, why)

    def _continues(self, toks, b) -> bool:
        """Does the name go on after token b-1 (so the registry name is only the beginning of another name)?"""
        if b >= len(toks) or not toks[b].word:
            return False
        if self._soft_break_before(toks[b]) and toks[b].capital:
            return False  # a heading's body, then the sentence after it
        for level in LEVELS:
            if _words_at(toks, b, level) and b + len(level) < len(toks) and toks[b + len(level)].capital \
                    and toks[b + len(level)].word:
                return True
        # "… Thành phố" with no place after it is the city's level said again: the same body.
        return toks[b].capital and toks[b].folded not in ("thanh", "tinh")

    def _soft_break_before(self, tok: Token) -> bool:
        return (tok.start - 1) in self.soft_breaks

    def _unknown_at(self, toks, lead, i) -> Mention | None:
        return self._ubnd_group(toks, lead, i) or self._group(toks, lead, i) or self._named(toks, i)

    def _ubnd_group(self, toks, lead, i) -> Mention | None:
        """"UBND các xã, phường", "Ủy ban nhân dân cấp huyện", "UBND phường Hoàn Kiếm"."""
        j = i
        if _words_at(toks, j, ("ubnd",)):
            j += 1
        elif _words_at(toks, j, ("uy", "ban", "nhan", "dan")):
            j += 4
        else:
            return None
        if j < len(toks) and toks[j].folded in PLURALS:
            j += 1
        if _words_at(toks, j, ("cap",)) and j + 1 < len(toks) and toks[j + 1].folded in ("xa", "huyen", "tinh"):
            return self._mention(toks, lead, j + 2, group=True, kind=_level_kind(toks[j + 1].folded))
        levels, k = [], j
        while True:
            lv = next((lv for lv in LEVELS if _words_at(toks, k, lv)), None)
            if lv is None:
                break
            levels.append(" ".join(lv))
            k += len(lv)
            if k < len(toks) and toks[k].folded == "," and any(_words_at(toks, k + 1, lv2) for lv2 in LEVELS):
                k += 1
                continue
            if any(_words_at(toks, k, lv2) for lv2 in LEVELS) and not (k + 1 < len(toks) and toks[k + 1].capital):
                continue  # "UBND các xã phường": a comma left out
            break
        if not levels:
            return None
        if len(levels) == 1 and k < len(toks) and toks[k].capital and toks[k].word:  # one named place
            k = _name_end(toks, k)
            return self._mention(toks, lead, k, group=False, kind=_level_kind(levels[0].split()[-1]))
        return self._mention(toks, lead, k, group=True, kind=_level_kind(levels[0].split()[-1]))

    def _group(self, toks, lead, i) -> Mention | None:
        """"các cơ quan, đơn vị liên quan", "cơ quan, tổ chức, cá nhân": kinds of body, not one body."""
        plural = i > lead or (lead < len(toks) and toks[lead].folded in PLURALS)
        j, nouns = i, 0
        while True:
            noun = next((n for n in GROUP_NOUNS if _words_at(toks, j, n)), None)
            if noun is None:
                break
            nouns += 1
            j += len(noun)
            if j < len(toks) and toks[j].folded == "," and any(_words_at(toks, j + 1, n) for n in GROUP_NOUNS):
                j += 1
                continue
            break
        if not nouns or not (plural or nouns >= 2):
            return None
        tail = next((t for t in GROUP_TAILS if _words_at(toks, j, t)), None)
        if tail:
            j += len(tail)
        generic = tail in (("co", "lien", "quan"), ("lien", "quan"))
        return self._mention(toks, lead, j, group=True, kind="generic" if generic else "group")

    def _named(self, toks, i) -> Mention | None:
        """A head noun and the capitalised words of a name ("Sở Y tế", "Hội Nông dân Thành phố")."""
        head = next((h for h in sorted(HEADS, key=len, reverse=True) if _words_at(toks, i, h)), None)
        if head is None or not (toks[i].capital or head == ("co", "quan")):
            return None
        j = i + len(head)
        if j >= len(toks) or not toks[j].capital or not toks[j].word or self._soft_break_before(toks[j]):
            return None
        k = _name_end(toks, j, self._soft_break_before)
        return self._mention(toks, i, k, group=False, kind=KIND_OF_HEAD.get(" ".join(head), "so"))

    def _mention(self, toks, a, b, *, group: bool, kind: str) -> Mention:
        first = next((k for k in range(a, b) if toks[k].folded not in PLURALS), a)
        text = self.text[toks[first].start:toks[b - 1].end]
        return Mention(toks[a].start, toks[b - 1].end, text, None, kind, group)


def _words_at(toks, i, words) -> bool:
    return tuple(t.folded for t in toks[i:i + len(words)]) == tuple(words)


def _level_kind(level: str) -> str:
    return {"xa": "ubnd_cap_xa", "phuong": "ubnd_cap_xa", "tran": "ubnd_cap_xa", "quan": "ubnd_cap_huyen",
            "huyen": "ubnd_cap_huyen"}.get(level, "ubnd")


# First syllables of the verbs and words that follow a body's name, never part of it ("Sở Y tế chủ trì").
_NOT_NAME_WORDS = frozenset("va cac chu phoi tham thuc to trien chi huong co chiu duoc can phai xay ban ra kiem "
                            "theo ve tai trong cho voi la de khi".split())


def _name_end(toks, j, soft_break_before=lambda t: False) -> int:
    """Past the words of a name from token j: a capitalised word and at most one lower-case syllable after
    it, "và"/"-" before another capitalised word, lower-case name words ("nhân dân"), a place after its level."""
    k = j
    while k < len(toks):
        t = toks[k]
        if t.word and t.capital and (k == j or not soft_break_before(t)):
            k += 1
            # "Tư pháp", "Y tế": a capitalised word's second syllable; not after a place's "Bắc Ninh".
            first_of_chain = k - 1 == j or not toks[k - 2].capital
            if first_of_chain and k < len(toks) and toks[k].word and not toks[k].capital and not any(
                    _words_at(toks, k, p) for p in NAME_PHRASES) and toks[k].folded not in _NOT_NAME_WORDS and not any(
                    _words_at(toks, k, lv) for lv in LEVELS):
                k += 1
            continue
        phrase = next((p for p in NAME_PHRASES if _words_at(toks, k, p)), None)
        if phrase:
            k += len(phrase)
            continue
        level = next((lv for lv in LEVELS if _words_at(toks, k, lv)), None)
        if level and k + len(level) < len(toks) and toks[k + len(level)].capital and toks[k + len(level)].word:
            k += len(level)
            continue
        if t.folded in ("va", "-") and k + 1 < len(toks) and toks[k + 1].capital and toks[k + 1].word and not any(
                _words_at(toks, k + 1, h) for h in HEADS):  # "và Sở Nội vụ": the next body of a list
            k += 1
            continue
        tail = _lower_tail(toks, k) if k > j else None
        if tail:
            k = tail
            continue
        break
    return k


def _lower_tail(toks, k) -> int | None:
    """"Ban Quản lý | các khu công nghiệp và chế xuất Hà Nội,": words in lower case that a name goes on with,
    when a capitalised place ends them right before the list goes on (",", ";", ":") or the text ends."""
    if k >= len(toks) or toks[k].folded == "va" or not toks[k].word or toks[k].capital:
        return None
    end = k
    while end < len(toks) and end - k < 10 and toks[end].word and not toks[end].capital:
        if toks[end].folded in _NOT_NAME_WORDS and toks[end].folded not in ("va", "cac"):
            return None
        end += 1
    if end == k or end >= len(toks) or not (toks[end].capital and toks[end].word):
        return None
    place = end
    while place < len(toks) and toks[place].word and toks[place].capital:
        place += 1
    if place - end < 2:  # a place is named in at least two capitalised syllables ("Hà Nội", "Thành phố")
        return None
    return place if place >= len(toks) or toks[place].folded in (",", ";", ":", ".") else None


# ---------------------------------------------------------------- proposing agencies


def agency_key(name: str, taken: set[str]) -> str:
    """A key for a proposed agency from its name: "Sở Y tế" -> "so_y_te", never one already taken."""
    base = re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_") or "co_quan"
    if not base[0].isalpha():
        base = "co_quan_" + base
    key, n = base[:60], 2
    while key in taken:
        key = f"{base[:56]}_{n}"
        n += 1
    return key


def near_name(registry: Registry, text: str) -> str | None:
    """A registry name written almost like `text` ("Sở Tư páp" - "Sở Tư pháp"): said to the reviewer, never matched."""
    from difflib import SequenceMatcher

    words = " ".join(_canonical(_seq(text)))
    best, score = None, 0.0
    for a in registry.agencies.values():
        for n in names_of(a):
            s = SequenceMatcher(None, words, " ".join(_canonical(_seq(n)))).ratio()
            if s > score:
                best, score = n, s
    return best if score >= 0.85 else None
