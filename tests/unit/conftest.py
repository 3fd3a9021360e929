"""Service tests run inside one application context, with the database session open."""

import pytest


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
