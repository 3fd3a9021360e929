"""The message catalogs under app/translations: which are complete, and compiling them.

A catalog is served only once it is complete: every entry translated (every plural form),
none fuzzy, and each translation using the same placeholders as its English original
(``%(name)s`` names, and the ``%s``/``%d`` positional ones in order). ``compile_catalogs``
writes ``messages.mo`` for the complete catalogs and removes it from the others, so a
half-translated language never reaches an owner as a mix of two languages; the languages the
application offers are English plus those with a ``messages.mo`` (``compiled_languages``).
"""

from __future__ import annotations

import re
from pathlib import Path

FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[a-zA-Z%])"
)


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Return the named placeholders of a python-format string, and its positional ones in
    order (by conversion type); ``%%`` is neither."""
    names: set[str] = set()
    positional: list[str] = []
    for match in FORMAT.finditer(text or ""):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            names.add(match["name"])
        else:
            positional.append(match["type"])
    return frozenset(names), tuple(positional)


def _label(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    return f"{msgid!r}" + (f" ({where})" if where else "")


def singular_forms(catalog) -> set[int]:
    """Return the plural forms of a catalog used for n = 1 only (English "one"): those may
    say "a warning" instead of "%(num)d warnings", the others must carry the count."""
    import gettext

    choose = gettext.c2py(catalog.plural_expr)
    uses: dict[int, set[int]] = {}
    for n in range(1000):
        uses.setdefault(choose(n), set()).add(n)
    return {form for form, ns in uses.items() if ns == {1}}


def problems_of(catalog) -> list[str]:
    """Return what keeps a catalog (a babel ``Catalog``) from being complete, one line each."""
    found: list[str] = []
    singular = singular_forms(catalog)
    for message in catalog:
        if not message.id:
            continue  # the header
        label = _label(message)
        if message.fuzzy:
            found.append(f"fuzzy: {label}")
        if isinstance(message.id, tuple):
            originals = [o for o in message.id if o]
            forms = list(message.string) if isinstance(message.string, tuple) else [message.string]
            if len(forms) != catalog.num_plurals:
                found.append(
                    f"plural forms: {label} has {len(forms)}, the language has "
                    f"{catalog.num_plurals}"
                )
        else:
            originals = [message.id]
            forms = [message.string]
        if not all(forms):
            found.append(f"untranslated: {label}")
            continue
        if message.python_format or any(FORMAT.search(o) for o in originals):
            names = frozenset().union(*(placeholders(o)[0] for o in originals))
            positional = placeholders(originals[-1])[1]
            # Only in the plural original ("%(num)d warnings" beside "this warning"): a form
            # for n = 1 alone may leave it out.
            count_only = names - placeholders(originals[0])[0] if len(originals) > 1 else set()
            for index, form in enumerate(forms):
                form_names, form_positional = placeholders(form)
                which = f"form {index} of " if len(forms) > 1 else ""
                if index in singular and len(forms) > 1:
                    form_names = form_names | (count_only & names)
                if form_names != names:
                    found.append(
                        f"placeholders: {which}{label} uses {sorted(form_names)}, the original "
                        f"{sorted(names)}"
                    )
                if form_positional != positional:
                    found.append(
                        f"placeholders: {which}{label} uses {list(form_positional)} positional, "
                        f"the original {list(positional)}"
                    )
    return found


def read_catalog(path: Path):
    """Read a .po file."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        return read_po(handle)


def catalog_paths(directory: Path) -> dict[str, Path]:
    """Return each language's messages.po under a translations directory."""
    return {
        path.parent.parent.name: path
        for path in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po"))
    }


def compiled_languages(directories) -> list[str]:
    """Return English and every language with a compiled catalog, English first."""
    found: set[str] = set()
    for directory in directories:
        found.update(
            path.parent.parent.name for path in Path(directory).glob("*/LC_MESSAGES/messages.mo")
        )
    found.discard("en")
    return ["en", *sorted(found)]


def compile_catalogs(directory: Path) -> dict[str, list[str]]:
    """Compile every complete catalog under ``directory`` and remove the compiled file of
    every other one; return each language's problems (empty: compiled)."""
    from babel.messages.mofile import write_mo

    result: dict[str, list[str]] = {}
    for language, path in catalog_paths(directory).items():
        catalog = read_catalog(path)
        found = problems_of(catalog)
        target = path.with_suffix(".mo")
        if found:
            target.unlink(missing_ok=True)
        else:
            with open(target, "wb") as handle:
                write_mo(handle, catalog)
        result[language] = found
    return result
