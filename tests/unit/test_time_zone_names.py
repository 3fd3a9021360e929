"""A time zone in the reader's words (app.core.formatting.time_zone_name), from CLDR."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.core import formatting


@pytest.mark.parametrize(
    ("language", "zone", "words"),
    [
        ("en", "America/Los_Angeles", "Pacific Time (Los Angeles)"),
        ("es", "America/New_York", "hora oriental (Nueva York)"),
        ("it", "America/Chicago", "Ora centrale USA (Chicago)"),
        ("da", "Europe/Rome", "Centraleuropæisk tid (Rom)"),
        # Not Babel's location format, whose Russian form says "summer time" all year.
        ("ru", "America/Los_Angeles", "Тихоокеанское время (Лос-Анджелес)"),
        ("ru", "Pacific/Honolulu", "Соединенные Штаты (Гонолулу)"),
        ("es", "Pacific/Honolulu", "Estados Unidos (Honolulú)"),
        ("it", "UTC", "Tempo coordinato universale"),
        ("es", "US/Pacific", "hora del Pacífico (Los Ángeles)"),
        ("en", "Etc/GMT+5", "Etc/GMT+5"),
        ("es", "Pacific/Guam", "Guam"),
        ("en", "", ""),
    ],
)
def test_a_time_zone_in_words(app, language, zone, words):
    with app.test_request_context(), force_locale(language):
        assert formatting.time_zone_name(zone) == words
        assert "летнее" not in formatting.time_zone_name(zone)


def test_the_picker_keeps_the_identifier_as_value_and_marks_aliases(app):
    from app.associations.forms import time_zone_choices

    with app.test_request_context(), force_locale("es"):
        _state, united_states, elsewhere = time_zone_choices().values()
    ours = {c.value: c.label for c in united_states}
    assert ours["America/Los_Angeles"] == "hora del Pacífico (Los Ángeles)"
    others = {c.value: c.label for c in elsewhere}
    assert others["US/Pacific"] == "hora del Pacífico (Los Ángeles) · US/Pacific"
    assert others["Europe/Madrid"] == "hora de Europa central (Madrid)"
    labels = [c.label for c in elsewhere]
    assert len(labels) == len(set(labels))
