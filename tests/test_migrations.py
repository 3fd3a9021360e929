"""The migrations build exactly the schema the models describe, and undo it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app.extensions import db


def test_upgrade_matches_the_models_and_downgrade_empties(app):
    with app.app_context():
        db.session.remove()
        db.drop_all()
        try:
            upgrade()
            assert _letter_triggers() == {"compliance_letters_keep_issued_bytes"}
            downgrade(revision="1136a47ec44a")
            assert _letter_triggers() == set()
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "render_as_batch": True}
                )
                differences = compare_metadata(context, db.metadata)
            assert differences == []
            downgrade(revision="base")
            tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert tables == set()
        finally:
            db.session.remove()
            db.drop_all()
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.create_all()


def _letter_triggers() -> set[str]:
    """Return the triggers that guard issued letters in the database."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'compliance_letters'::regclass"
            query += " AND NOT tgisinternal"
        else:
            query = (
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'compliance_letters'"
            )
        return set(connection.execute(text(query)).scalars())
