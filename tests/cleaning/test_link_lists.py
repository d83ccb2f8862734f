"""Link lists anywhere in the text: after a marker, and without one when the corpus knows them."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ingest import CleanOptions, Document, OptionsError, clean, learn_boilerplate

INTRO = "The council met on Tuesday to discuss the budget for next year."
OUTRO = "The mayor said the plan would be published next week."


@pytest.mark.parametrize(
    ("marker", "headlines"),
    [
        (
            "Leggi anche:",
            ["Scuola, il nuovo calendario", "Mense: il prezzo del pasto aumenta a gennaio"],
        ),
        (
            "Leia também:",
            ["Escolas reabrem na segunda", "Cantinas: preço da refeição sobe em janeiro"],
        ),
        ("Lesen Sie auch:", ["Schulen öffnen am Montag", "Kantinen: Preis steigt im Januar"]),
        ("Lire aussi :", ["Les écoles rouvrent lundi", "Cantines : le prix du repas augmente"]),
        ("Lees ook:", ["Scholen weer open", "Kantines: prijs van maaltijd stijgt in januari"]),
        ("Czytaj także:", ["Szkoły otwarte od poniedziałku", "Stołówki: cena obiadu rośnie"]),
        ("Related:", ["Schools reopen on Monday", "Canteens: meal price rises in January"]),
    ],
)
@pytest.mark.parametrize("spacing", ["\n", "\n\n"])
def test_a_marked_block_of_bare_headlines_goes_whole(
    marker: str, headlines: list[str], spacing: str
) -> None:
    text = spacing.join([INTRO, marker, *headlines, OUTRO]) + "\n"
    assert clean(text).text == spacing.join([INTRO, OUTRO]) + "\n"


def test_a_short_label_after_the_headlines_is_a_subheading() -> None:
    text = "\n".join(
        [INTRO, "Read also:", "Rail strike called off after pay deal", "Bus fares rise", OUTRO]
    )
    kept = clean(text).text.splitlines()
    assert kept == [INTRO, "Bus fares rise", OUTRO]


def test_a_colon_marker_needs_one_item_a_heading_like_marker_two() -> None:
    assert clean(f"{INTRO}\nRelated:\n- Schools reopen on Monday\n{OUTRO}\n").text == (
        f"{INTRO}\n{OUTRO}\n"
    )
    unchanged = f"{INTRO}\nRelated\n- Schools reopen on Monday\n{OUTRO}\n"
    assert clean(unchanged).text == unchanged


def test_a_lone_line_between_a_marker_and_a_paragraph_is_a_subheading() -> None:
    # As on a real gardening page whose "Read Next" links the extractor dropped.
    text = (
        "Gardening is a rewarding hobby.\nRead Next\nPick the Right Location\n"
        "Picking a good location for your garden is key.\n"
    )
    assert clean(text).text == (
        "Gardening is a rewarding hobby.\nPick the Right Location\n"
        "Picking a good location for your garden is key.\n"
    )


def test_a_marker_without_items_goes_only_at_the_end_or_among_other_lists() -> None:
    # Its links were lost; between two paragraphs it is part of the article's flow,
    # as on an Italian page whose annotators kept "Leggi anche" between paragraphs.
    inside = f"{INTRO}\nLeggi anche\n{OUTRO}\n"
    assert clean(inside).text == inside
    # Over a headline that may be a subheading, the marker goes and the headline stays.
    assert clean(f"{INTRO}\nRead Next\nPick the Right Location\n{OUTRO}\n").text == (
        f"{INTRO}\nPick the Right Location\n{OUTRO}\n"
    )
    assert clean(f"{INTRO}\n{OUTRO}\nLeggi anche\n").text == f"{INTRO}\n{OUTRO}\n"
    among = f"{INTRO}\nRead also\nMost read\n- Bus fares rise in April\n- Ferry strike ends\n"
    assert clean(among).text == f"{INTRO}\n"


def test_a_headline_may_open_with_a_quotation_that_words_follow() -> None:
    text = (
        f"{INTRO}\nÀ lire aussi :\n« Nous ne céderons pas » : le maire répond aux syndicats\n"
        f"Stationnement : ce qui change en avril\n{OUTRO}\n"
    )
    assert clean(text).text == f"{INTRO}\n{OUTRO}\n"
    # Quoted to its end, the line is a quotation: the list ends before it.
    quoted = f'{INTRO}\nRead also:\n- Bus fares rise in April\n"We will not give in"\n{OUTRO}\n'
    assert clean(quoted).text == f'{INTRO}\n"We will not give in"\n{OUTRO}\n'


def test_a_link_list_is_numbered_from_one() -> None:
    sections = f"{INTRO}\nRelated Posts\n4. Xero\n5. Wave\n{OUTRO}\n"
    assert clean(sections).text == sections
    ranked = f"{INTRO}\nRelated Posts\n1. Xero raises prices\n2. Wave adds payroll\n{OUTRO}\n"
    assert clean(ranked).text == f"{INTRO}\n{OUTRO}\n"


def test_read_more_alone_continues_a_teaser_and_with_a_colon_opens_a_list() -> None:
    teaser = f"{INTRO}\nRead more\nBus fares rise in April\n{OUTRO}\n"
    assert clean(teaser).text == f"{INTRO}\nBus fares rise in April\n{OUTRO}\n"
    listed = f"{INTRO}\nRead more:\nBus fares rise in April\nFerry strike ends\n{OUTRO}\n"
    assert clean(listed).text == f"{INTRO}\n{OUTRO}\n"
    bulleted = f"{INTRO}\nLeia mais\n- Tarifa de ônibus sobe em abril\n- Greve termina\n{OUTRO}\n"
    assert clean(bulleted).text == f"{INTRO}\n{OUTRO}\n"
    assert clean(f"{INTRO}\nRead more\n").text == f"{INTRO}\n"


def test_a_question_is_a_headline_and_a_short_one_before_the_text_may_be_its_own() -> None:
    inside = f"{INTRO}\nRead also:\nIs the strike over?\nBus fares rise in April\n{OUTRO}\n"
    assert clean(inside).text == f"{INTRO}\n{OUTRO}\n"
    last = (
        f"{INTRO}\nRead also:\nBus fares rise in April\nWill the strike end this week?\n{OUTRO}\n"
    )
    assert clean(last).text == f"{INTRO}\n{OUTRO}\n"
    short = f"{INTRO}\nRead also:\nBus fares rise again in April\nWhat next?\n{OUTRO}\n"
    assert clean(short).text == f"{INTRO}\nWhat next?\n{OUTRO}\n"
    aggressive = CleanOptions(aggressiveness="aggressive")
    assert clean(short, aggressive).text == f"{INTRO}\n{OUTRO}\n"


# -- link lists without a marker ----------------------------------------------------------

LINKS = (
    "Council approves new cycle lanes",
    "Bus fares to rise in April",
    "Harbour bridge closed for repairs",
    "Library opens on Sundays",
)


def _story(i: int, first: str, second: str) -> str:
    return (
        f"Story {i} about the town\nThe mayor spoke on day {i} about the roads.\n"
        f"{first}\n{second}\nShe said work would start in district {i}.\n"
    )


def _site() -> list[str]:
    pairs = [(0, 1), (2, 3), (1, 2), (3, 0), (0, 2), (1, 3), (2, 0), (3, 1)]
    return [_story(i, LINKS[a], LINKS[b]) for i, (a, b) in enumerate(pairs)]


def test_headlines_other_documents_carry_go_as_a_list_without_a_marker() -> None:
    docs = _site()
    model = learn_boilerplate(docs)
    assert model.headline_count(LINKS[0]) == 4
    assert model.headline_count("Story 0 about the town") == 0
    result = clean(docs[0], corpus=model)
    assert result.text == (
        "Story 0 about the town\nThe mayor spoke on day 0 about the roads.\n"
        "She said work would start in district 0.\n"
    )
    span = result.removed[0]
    assert (span.start, span.end, span.rule, span.group) == (3, 4, "known-headlines", "corpus")
    assert span.reason == (
        "link list without a marker: 2 headlines in a row that other documents of this "
        "source also carry (each in 4 of 8 documents)"
    )


def test_a_single_known_headline_stays() -> None:
    docs = _site()
    model = learn_boilerplate(docs)
    text = f"{INTRO}\n{LINKS[0]}\n{OUTRO}\n"
    assert clean(text, corpus=model).text == text


def test_a_copy_of_another_document_keeps_its_headlines_with_a_note() -> None:
    copy = f"{LINKS[0]}\n{LINKS[1]}\nOne line of text.\n"
    model = learn_boilerplate([copy, copy, "Other story.\nMore text."] * 1)
    result = clean(copy, corpus=model)
    assert result.text == copy
    assert result.notes[0].startswith("known-headlines rule skipped: 2 of 3 non-blank lines")


def test_known_headlines_pickle_and_respect_the_corpus_group() -> None:
    model = learn_boilerplate(_site())
    assert pickle.loads(pickle.dumps(model)) == model  # noqa: S301 (our own bytes)
    docs = _site()
    assert clean(docs[0], CleanOptions(groups={"link-lists"}), corpus=model).text == docs[0]


def test_the_headline_threshold_is_checked() -> None:
    with pytest.raises(OptionsError, match=r"corpus_headline_documents must be an integer from 2"):
        CleanOptions(corpus_headline_documents=1)
    model = learn_boilerplate(_site(), CleanOptions(corpus_headline_documents=5))
    assert model.headline_count(LINKS[0]) == 0


@pytest.mark.parametrize(
    "marker", ["See also:", "Voir aussi :", "Zie ook:", "Смотрите также:", "ΔΕΙΤΕ ΕΠΙΣΗΣ:"]
)
def test_see_also_with_a_colon_opens_a_list(marker: str) -> None:
    text = f"{INTRO}\n{marker}\n- Schools reopen on Monday\n- Bus fares rise in April\n{OUTRO}\n"
    assert clean(text).text == f"{INTRO}\n{OUTRO}\n"


def test_see_also_without_a_colon_is_a_section_heading() -> None:
    text = (
        "Run the playbook with the check flag first.\nSee also\n- Playbook syntax\n"
        "- Selecting hosts with patterns\n"
    )
    assert clean(text).text == text


def test_a_rule_file_flag_must_be_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[rule]]\nname = "x"\ngroup = "g"\nkind = "block"\nreason = "r"\ncolon = "yes"\n'
        'patterns.en = ["a"]\n',
        encoding="utf-8",
    )
    with pytest.raises(OptionsError, match=r"rule 'x': 'colon' must be true or false, got 'yes'"):
        CleanOptions(rule_files=[str(path)])


def test_a_short_headline_is_still_a_headline_and_spacing_binds_it_to_the_list() -> None:
    text = f"{INTRO}\nLesen Sie auch:\nStreik bei der Bahn\nNeue Preise\n{OUTRO}\n"
    assert clean(text).text == f"{INTRO}\n{OUTRO}\n"
    spaced = f"{INTRO}\n\nRead also:\n\nRail strike called off\nWhat Comes Next\n\n{OUTRO}\n"
    assert clean(spaced).text == f"{INTRO}\n\n{OUTRO}\n"


# -- a list of headlines that is the text itself -------------------------------------------

LATEST = [
    "Latest News",
    "Beats headphones gain new colour options",
    "Marko Z. 1 month ago",
    "New firmware available for the Max headphones",
    "Andrew O. 3 months ago",
    "Sonos aims for the top of the market with rumoured headphones",
]


def test_a_section_list_beside_an_article_goes() -> None:
    text = "\n".join([INTRO, OUTRO, *LATEST]) + "\n"
    result = clean(text)
    assert result.text == f"{INTRO}\n{OUTRO}\n"
    assert [span.rule for span in result.removed] == ["link-list-section"]


def test_a_section_list_that_is_the_whole_text_stays_with_a_note() -> None:
    text = "\n".join(LATEST) + "\n"
    result = clean(text)
    assert result.text == text
    assert result.removed == ()
    [note] = result.notes
    assert note.startswith("link-list-section skipped: its link lists would be the whole text")


@pytest.mark.parametrize(
    ("page_type", "kept"), [("listing", True), ("collection", True), ("article", False)]
)
def test_on_listing_pages_a_heading_over_headlines_is_content(
    page_type: str,
    kept: bool,  # noqa: FBT001 -- drawn by pytest
) -> None:
    text = "\n".join([INTRO, OUTRO, *LATEST]) + "\n"
    doc = Document("page.html", text, meta={"page_type": page_type})
    result = clean(doc)
    assert (result.text == text) is kept


def test_on_listing_pages_an_explicit_marker_still_opens_a_list() -> None:
    text = "\n".join([INTRO, "Read also:", *LATEST[1::2], OUTRO]) + "\n"
    doc = Document("page.html", text, meta={"page_type": "listing"})
    assert clean(doc).text == f"{INTRO}\n{OUTRO}\n"
