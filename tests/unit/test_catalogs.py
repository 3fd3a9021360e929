"""The catalog check: every catalog under app/translations is complete (nothing untranslated
or fuzzy, the same placeholders as the English, every plural form), except those still being
translated, listed in WORK_IN_PROGRESS.

When translators finish a catalog, remove it from WORK_IN_PROGRESS: from then on any
incomplete entry fails the build (and `make setup` compiles it, so the application offers
the language). A listed catalog that has become complete fails too, as a reminder to remove
it. A new string (`make messages`) comes into every catalog untranslated, so it fails the
build until it is translated in every language that is not listed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from app.core.catalogs import (
    catalog_paths,
    compile_catalogs,
    placeholders,
    problems_of,
    read_catalog,
)

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"

# The one place that says which catalogs are not finished yet (issue 15).
WORK_IN_PROGRESS: set[str] = set()

CATALOGS = catalog_paths(TRANSLATIONS)
# `pytest -rx tests/unit/test_catalogs.py` or `make catalogs` shows what each still lacks.


def test_the_languages_of_issue_15_have_catalogs():
    assert {"es", "it", "da", "ru"} <= set(CATALOGS)
    assert set(CATALOGS) >= WORK_IN_PROGRESS, "WORK_IN_PROGRESS names a catalog that is gone"


@pytest.mark.parametrize(
    "language",
    [
        pytest.param(
            language,
            marks=pytest.mark.xfail(
                reason="being translated (WORK_IN_PROGRESS); remove it once complete",
                strict=True,
            ),
        )
        if language in WORK_IN_PROGRESS
        else language
        for language in sorted(CATALOGS)
    ],
)
def test_catalog_is_complete(language):
    catalog = read_catalog(CATALOGS[language])
    template = read_catalog(TRANSLATIONS / "messages.pot")
    missing = sorted(str(m.id) for m in template if m.id and catalog.get(m.id, m.context) is None)
    found = problems_of(catalog) + [f"not in the catalog: {m!r}" for m in missing]
    assert not found, f"{language}: {len(found)} problems, first: " + "; ".join(found[:10])


# --- the check itself ------------------------------------------------------------------------


def _catalog(language="da") -> Catalog:
    return Catalog(locale=language)


def test_placeholders_are_read_by_name_and_by_position():
    assert placeholders("%(name)s owes %(amount)s, 100%% due") == ({"name", "amount"}, ())
    assert placeholders("%s of %d") == (frozenset(), ("s", "d"))
    assert placeholders("%(n)5.2f and %-3d") == ({"n"}, ("d",))


def test_a_complete_catalog_has_no_problems():
    catalog = _catalog()
    catalog.add("Hello %(name)s,", "Hej %(name)s,", flags=["python-format"])
    catalog.add(("%(num)d unit", "%(num)d units"), ("%(num)d bolig", "%(num)d boliger"))
    assert problems_of(catalog) == []


@pytest.mark.parametrize(
    ("msgid", "msgstr", "flags", "problem"),
    [
        ("Board", "", (), "untranslated: 'Board'"),
        ("Board", "Junta", ("fuzzy",), "fuzzy: 'Board'"),
        (
            "Hello %(name)s,",
            "Hola, %(nombre)s:",
            ("python-format",),
            "placeholders: 'Hello %(name)s,' uses ['nombre'], the original ['name']",
        ),
        (
            "Due %(date)s for %(unit)s",
            "Vence el %(date)s",
            ("python-format",),
            "placeholders: 'Due %(date)s for %(unit)s' uses ['date'], the original "
            "['date', 'unit']",
        ),
        (
            "%s of %d",
            "%d de %s",
            ("python-format",),
            "placeholders: '%s of %d' uses ['d', 's'] positional, the original ['s', 'd']",
        ),
    ],
)
def test_each_kind_of_problem_is_named(msgid, msgstr, flags, problem):
    catalog = _catalog()
    catalog.add(msgid, msgstr, flags=flags)
    assert problems_of(catalog) == [problem]


def test_every_plural_form_is_checked():
    catalog = _catalog("ru")
    assert catalog.num_plurals == 3
    catalog.add(("%(num)d unit", "%(num)d units"), ("%(num)d дом", "%(num)d дома", ""))
    assert problems_of(catalog) == ["untranslated: '%(num)d unit'"]
    catalog = _catalog("ru")
    catalog.add(("%(num)d unit", "%(num)d units"), ("%(num)d дом", "дома", "%(num)d домов"))
    assert problems_of(catalog) == [
        "placeholders: form 1 of '%(num)d unit' uses [], the original ['num']"
    ]
    catalog = _catalog("ru")
    catalog.add(("%(num)d unit", "%(num)d units"), ("%(num)d дом", "%(num)d домов"))
    assert problems_of(catalog) == ["plural forms: '%(num)d unit' has 2, the language has 3"]


def test_a_form_for_one_alone_may_leave_the_count_out():
    """Danish form 0 is n = 1 only: "this warning" needs no number. Russian form 0 is also
    21, 31 …: it must carry it."""
    original = ("Submit with this warning", "Submit with these %(num)d warnings")
    catalog = _catalog("da")
    catalog.add(original, ("Indsend med denne advarsel", "Indsend med disse %(num)d advarsler"))
    assert problems_of(catalog) == []
    catalog = _catalog("ru")
    catalog.add(
        original,
        (
            "Отправить с этим предупреждением",
            "Отправить с %(num)d предупреждениями",
            "Отправить с %(num)d предупреждениями",
        ),
    )
    assert problems_of(catalog) == [
        "placeholders: form 0 of 'Submit with this warning' uses [], the original ['num']"
    ]


def test_only_complete_catalogs_are_compiled(tmp_path):
    from babel.messages.pofile import write_po

    for language, msgstr in (("es", "Junta"), ("it", "")):
        catalog = Catalog(locale=language)
        catalog.add("Board", msgstr)
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.po", "wb") as handle:
            write_po(handle, catalog)
    (tmp_path / "it" / "LC_MESSAGES" / "messages.mo").write_bytes(b"stale")
    assert compile_catalogs(tmp_path) == {"es": [], "it": ["untranslated: 'Board'"]}
    assert (tmp_path / "es" / "LC_MESSAGES" / "messages.mo").exists()
    assert not (tmp_path / "it" / "LC_MESSAGES" / "messages.mo").exists()
    assert compile_catalogs(tmp_path / "none") == {}
