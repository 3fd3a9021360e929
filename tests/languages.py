"""Tiny complete catalogs for the languages tests: only the strings the tests look at.

The real catalogs (app/translations) are not complete yet, so the application offers
English only; a test that needs the other languages compiles these into a temporary
directory (through the same ``compile_catalogs`` as ``make setup``) and points the app at it.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from app.core.catalogs import compile_catalogs, compiled_languages

INVITATION = "The invitation expires on %(date)s. Nothing changes until you accept."
WORDS = {
    "es": {
        "Choose en, es, it, da or ru.": "Elija en, es, it, da o ru.",
        "Language": "Idioma",
        "Sign in": "Iniciar sesión",
        "Your account": "Su cuenta",
        "Some fields are not valid.": "Algunos campos no son válidos.",
        "Hello %(name)s,": "Hola, %(name)s:",
        "Reset your HOA Manager password": "Restablezca su contraseña de HOA Manager",
        INVITATION: "La invitación vence el %(date)s. Nada cambia hasta que la acepte.",
        "Dear %(name)s,": "Estimado/a %(name)s:",
        "Page %(page)s of %(pages)s": "Página %(page)s de %(pages)s",
        "Prepared %(date)s": "Preparado el %(date)s",
        "%(association)s published a notice on %(date)s:": (
            "%(association)s publicó un aviso el %(date)s:"
        ),
    },
    "it": {
        "Choose en, es, it, da or ru.": "Scegli en, es, it, da o ru.",
        "Language": "Lingua",
        "Sign in": "Accedi",
        "Your account": "Il tuo account",
        "Send a valid API token: Authorization: Bearer <token>.": (
            "Invia un token API valido: Authorization: Bearer <token>."
        ),
        "Some fields are not valid.": "Alcuni campi non sono validi.",
        INVITATION: "L'invito scade il %(date)s. Nulla cambia finché non lo accetti.",
    },
    "da": {
        "Choose en, es, it, da or ru.": "Vælg en, es, it, da eller ru.",
        "Language": "Sprog",
        "Sign in": "Log ind",
        "Your account": "Din konto",
        "Some fields are not valid.": "Nogle felter er ikke gyldige.",
        INVITATION: "Invitationen udløber den %(date)s. Intet ændres, før du accepterer.",
    },
    "ru": {
        "Choose en, es, it, da or ru.": "Выберите en, es, it, da или ru.",
        "Language": "Язык",
        "Sign in": "Вход",
        "Your account": "Ваша учётная запись",
        "Some fields are not valid.": "Некоторые поля заполнены неверно.",
        "Hello %(name)s,": "Здравствуйте, %(name)s!",
        "Reset your HOA Manager password": "Сброс пароля HOA Manager",
        "Page %(page)s of %(pages)s": "Страница %(page)s из %(pages)s",
        INVITATION: (
            "Приглашение действует до %(date)s. Пока вы не примете его, ничего не меняется."
        ),
    },
}


def write_catalogs(directory: Path, words: dict[str, dict] = WORDS) -> None:
    """Write a messages.po per language under ``directory`` (a plural entry is keyed by its
    (singular, plural) pair and holds a tuple of forms)."""
    for language, entries in words.items():
        catalog = Catalog(locale=language)
        for msgid, msgstr in entries.items():
            text = msgid[0] if isinstance(msgid, tuple) else msgid
            catalog.add(msgid, msgstr, flags=("python-format",) if "%(" in text else ())
        target = directory / language / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        with open(target / "messages.po", "wb") as handle:
            write_po(handle, catalog)


@contextmanager
def speaking(app, directory: Path, words: dict[str, dict] = WORDS):
    """Let the app offer the tiny catalogs' languages while inside."""
    write_catalogs(directory, words)
    compile_catalogs(directory)
    babel = app.extensions["babel"]
    saved = (babel.translation_directories, app.config["LANGUAGES"])
    babel.translation_directories = [str(directory)]
    app.config["LANGUAGES"] = compiled_languages([directory])
    _forget_translations(app)
    try:
        yield app.config["LANGUAGES"]
    finally:
        babel.translation_directories, app.config["LANGUAGES"] = saved
        _forget_translations(app)


def _forget_translations(app) -> None:
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()
