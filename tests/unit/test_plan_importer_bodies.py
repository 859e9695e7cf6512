"""Does the importer match a body to the city registry only by its names and aliases, and mend words only with
the document's own?

The hard target is no wrong match: a name that is not one of a registry agency's names (written the same way
up to case, accents, abbreviations, a plural and punctuation) is proposed as new, never matched to a near one.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.plan.importer.bodies import BodyReader, Registry, _canonical, _levels_of, _seq, near_name, tokens
from toolkit.plan.importer.normalise import Vocabulary, is_syllable, normalise
from toolkit.plan.model import Agency

CITY = Path(__file__).resolve().parents[1] / "data" / "plan-import" / "city" / "agencies.yaml"
REGISTRY = Registry.from_file(CITY)


def read(text: str, registry: Registry = REGISTRY) -> list[tuple[str, str | None]]:
    mentions, _ = BodyReader(registry, text).read_list(tokens(text), 0)
    return [(m.text, m.key) for m in mentions]


def test_are_names_matched_however_the_plan_abbreviates_or_titles_them():
    assert read("Ủy ban nhân dân Thành phố, Chủ tịch UBND Thành phố chỉ đạo") == [
        ("Ủy ban nhân dân Thành phố", "ubnd_tp"), ("UBND Thành phố", "ubnd_tp")]
    assert read("Thủ trưởng các sở, ngành và Sở Tư Pháp thực hiện") == [("sở, ngành", "so_ban_nganh"),
                                                                       ("Sở Tư Pháp", "so_tu_phap")]
    assert read("Các sở, ban ngành tổ chức") == [("sở, ban ngành", "so_ban_nganh")]  # a comma left out
    assert read("Sở Tư pháp Thành phố chủ trì") == [("Sở Tư pháp Thành phố", "so_tu_phap")]


def test_is_a_registry_name_followed_by_more_of_a_name_another_body():
    assert read("Sở Tư pháp tỉnh Bắc Ninh chủ trì") == [("Sở Tư pháp tỉnh Bắc Ninh", None)]
    assert read("Sở Tư pháp Hà Nội chủ trì") == [("Sở Tư pháp Hà Nội", None)]
    assert read("Bộ Tư pháp hướng dẫn") == [("Bộ Tư pháp", None)]


def test_is_a_misspelt_name_proposed_with_the_near_name_said_not_matched():
    assert read("Sở Tư páp hướng dẫn") == [("Sở Tư páp", None)]
    assert near_name(REGISTRY, "Sở Tư páp") == "Sở Tư pháp"
    assert near_name(REGISTRY, "Sở Y tế") is None


def test_are_groups_recognised_by_their_shape():
    assert read("UBND các xã, phường tổ chức") == [("UBND các xã, phường", "ubnd_cap_xa")]  # by its levels
    found = BodyReader(REGISTRY, "UBND các xã, phường tổ chức").read_list(tokens("UBND các xã, phường tổ chức"), 0)[0]
    assert (found[0].group, found[0].kind) == (True, "group")
    text = "phối hợp với các cơ quan, đơn vị có liên quan thực hiện"
    m = BodyReader(REGISTRY, text).read_list(tokens(text), 3)[0][0]
    assert (m.text, m.key, m.kind, m.group) == ("cơ quan, đơn vị có liên quan", None, "generic", True)
    assert read("Tổ chức thực hiện kế hoạch") == [] and read("Ban hành kế hoạch") == [] and read("Hội nghị") == []


def test_does_liên_quan_after_a_list_qualify_its_groups():
    assert read("Sở Tư pháp và các sở, ngành liên quan tham mưu") == [
        ("Sở Tư pháp", "so_tu_phap"), ("sở, ngành liên quan", "so_nganh_lien_quan")]


def test_is_a_bare_common_noun_inside_a_list_read_past():
    reader = BodyReader(REGISTRY, "Các sở, ban, ngành, đơn vị, UBND xã, phường, thị trấn cần")
    found, _ = reader.read_list(tokens(reader.text), 0)
    assert [m.key for m in found] == ["so_ban_nganh", "ubnd_cap_xa"] and reader.skipped == ["đơn vị"]


def test_is_a_name_two_agencies_answer_to_matched_to_neither():
    registry = Registry({"a": Agency("a", "Ban Chỉ đạo A", "Ban A", "so", ("Ban Chỉ đạo",)),
                         "b": Agency("b", "Ban Chỉ đạo B", "Ban B", "so", ("Ban Chỉ đạo",))})
    assert read("Ban Chỉ đạo chủ trì", registry) == [("Ban Chỉ đạo", None)]
    assert read("Ban Chỉ đạo A chủ trì", registry) == [("Ban Chỉ đạo A", "a")]


# ---------------------------------------------------------------- the property

NAMES = [n for k in REGISTRY.agencies for n in REGISTRY.names_of(k)]
WORDS = ["tổ chức", "thực hiện", "phối hợp với", "chủ trì", "và", "các", "Thành phố", "tỉnh Bắc Ninh", "Hà Nội",
         "hướng dẫn", "Sở", "Ban", "UBND", "xã", "phường", "liên quan", "đơn vị", "cơ quan"]


@st.composite
def mutated_name(draw):
    """A registry name, or one changed a little: a letter dropped, doubled or replaced, a word dropped or added."""
    name = draw(st.sampled_from(NAMES))
    how = draw(st.sampled_from(["same", "drop", "double", "replace", "drop_word", "add_word"]))
    if how == "same" or len(name) < 3:
        return name
    k = draw(st.integers(1, len(name) - 1))
    if how == "drop":
        return name[:k] + name[k + 1:]
    if how == "double":
        return name[:k] + name[k] + name[k:]
    if how == "replace":
        return name[:k] + draw(st.sampled_from("aáăâeêioôơuưyđ")) + name[k + 1:]
    words = name.split()
    if how == "drop_word" and len(words) > 1:
        del words[draw(st.integers(0, len(words) - 1))]
    elif how == "add_word":
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(WORDS)))
    return " ".join(words)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(mutated_name(), st.sampled_from(WORDS)), min_size=1, max_size=6),
       st.lists(st.sampled_from([", ", " và ", " ", "; "]), min_size=6, max_size=6))
def test_is_no_agency_ever_matched_from_words_that_are_not_one_of_its_names(pieces, seps):
    """Whatever the text, a mention given a registry key reads, word for word, as one of that key's names."""
    text = "".join(p + s for p, s in zip(pieces, seps))
    reader = BodyReader(REGISTRY, text)
    toks = tokens(text)
    for start in range(len(toks)):
        found, _ = reader.read_list(toks, start)
        for m in found:
            if m.key is None:
                continue
            words = _canonical(_seq(m.text))
            if words[-1:] == ("tp",) and words[:-1] in _patterns(m.key):  # "… Thành phố": the city's level said again
                words = words[:-1]
            if words not in _patterns(m.key):  # else only by the levels of one agency's name (Registry.level_key)
                head, levels = _levels_of(words)
                named = [lv for p in _patterns(m.key) for h, lv in [_levels_of(p)] if h == head]
                assert head and (len(levels) > 1 or "cac" in _seq(m.text)) and any(levels <= n for n in named), \
                    (text, m.text, m.key)


def _patterns(key: str) -> set[tuple[str, ...]]:
    return {_canonical(_seq(n)) for n in REGISTRY.names_of(key)}


# ---------------------------------------------------------------- words


def test_does_the_syllable_check_know_vietnamese_syllables_from_run_together_words():
    assert all(is_syllable(w) for w in ("người", "khuyến", "nghiêng", "quốc", "thuở", "giữa", "hoàn", "luật", "xuân"))
    assert not any(is_syllable(w) for w in ("PHÁPLUẬT", "Banhành", "phốihợp", "UBND", "PBGDPL"))


def test_are_run_together_words_split_only_into_words_the_document_uses():
    v = Vocabulary.of(["giáo dục pháp luật ban hành kế hoạch", "phối hợp với các sở"])
    assert v.split("PHÁPLUẬT") == ["PHÁP", "LUẬT"] and v.split("Banhành") == ["Ban", "hành"]
    assert v.split("phốihợp") == ["phối", "hợp"]
    assert v.split("PBGDPL") is None and v.split("III") is None  # an acronym, a Roman numeral
    assert Vocabulary.of(["giáo dục"]).split("PHÁPLUẬT") is None  # its parts are not words of this document


def test_is_a_word_cut_by_a_line_break_glued_only_where_the_document_uses_it_whole():
    text = normalise("a) Sở Tư pháp phát huy trách nhiệm của mình, trách nhi\nệm của cơ quan\nvà trách\nnhiệm chung.").text
    assert text == "a) Sở Tư pháp phát huy trách nhiệm của mình, trách nhiệm của cơ quan và trách nhiệm chung."
