"""rules that hold: issued letters keep their bytes; minutes is no subject kind yet

Revision ID: c9a1e5d7f309
Revises: 1136a47ec44a
Create Date: 2026-12-02 06:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9a1e5d7f309'
down_revision = '1136a47ec44a'
branch_labels = None
depends_on = None

MESSAGE = "issued letters keep their pdf, sha256 and page_count"


def upgrade():
    # An issued letter's bytes never change, whoever writes (the ORM refuses too). On SQLite a
    # later batch migration that recreates compliance_letters must create this trigger again.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION compliance_letters_keep_issued_bytes() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW.sha256 IS DISTINCT FROM OLD.sha256 "
            "OR NEW.page_count IS DISTINCT FROM OLD.page_count THEN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; "
            "END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER compliance_letters_keep_issued_bytes BEFORE UPDATE OF pdf, sha256, "
            "page_count ON compliance_letters "
            "FOR EACH ROW EXECUTE FUNCTION compliance_letters_keep_issued_bytes()"
        )
    else:
        op.execute(
            "CREATE TRIGGER compliance_letters_keep_issued_bytes "
            "BEFORE UPDATE OF pdf, sha256, page_count ON compliance_letters FOR EACH ROW "
            "WHEN NEW.pdf IS NOT OLD.pdf OR NEW.sha256 IS NOT OLD.sha256 "
            "OR NEW.page_count IS NOT OLD.page_count "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS compliance_letters_keep_issued_bytes ON compliance_letters")
        op.execute("DROP FUNCTION IF EXISTS compliance_letters_keep_issued_bytes()")
    else:
        op.execute("DROP TRIGGER IF EXISTS compliance_letters_keep_issued_bytes")
