"""rules that hold: issued letters keep their bytes; minutes is no subject kind yet

Revision ID: c9a1e5d7f309
Revises: a440857856a8
Create Date: 2026-12-02 06:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9a1e5d7f309'
down_revision = 'a440857856a8'
branch_labels = None
depends_on = None

MESSAGE = "issued letters keep their pdf, sha256 and page_count"
# 'minutes' is refused until the meetings package registers it as a subject kind.
SUBJECT_TABLES = ("approval_requests", "approval_thresholds")
KINDS_BEFORE = "subject_type IN ('budget', 'contract', 'fine', 'minutes')"
KINDS_NOW = "subject_type IN ('budget', 'contract', 'fine')"


def _subject_types(check):
    # PostgreSQL only: on SQLite a changed CHECK means rebuilding approval_requests, and
    # dropping it would cascade to its voters and votes. There the application refuses.
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SUBJECT_TABLES:
        name = op.f(f"ck_{table}_subject_type")
        op.drop_constraint(name, table, type_="check")
        op.create_check_constraint(name, table, check)


def upgrade():
    _subject_types(KINDS_NOW)
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
    _subject_types(KINDS_BEFORE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS compliance_letters_keep_issued_bytes ON compliance_letters")
        op.execute("DROP FUNCTION IF EXISTS compliance_letters_keep_issued_bytes()")
    else:
        op.execute("DROP TRIGGER IF EXISTS compliance_letters_keep_issued_bytes")
