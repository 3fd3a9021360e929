"""One number space for every letter (violation letters and architectural decision letters),
and the English rendering kept beside a translated decision letter.

Existing architectural letters are renumbered above every letter number in use, and the
deliveries and reads that name them follow.

Revision ID: c31e7a5b9d20
Revises: f14a5ca1e0b1
Create Date: 2026-12-04 01:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c31e7a5b9d20"
down_revision = "f14a5ca1e0b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_numbers")),
    )
    with op.batch_alter_table("arc_letters") as batch:
        batch.add_column(sa.Column("pdf_en", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("sha256_en", sa.String(length=64), nullable=True))

    bind = op.get_bind()
    bind.execute(
        sa.text(
            "INSERT INTO letter_numbers (id, kind) SELECT id, 'violation' FROM compliance_letters"
        )
    )
    # Above both tables' numbers, so that no update meets a number still in use.
    offset = bind.execute(
        sa.text(
            "SELECT max(n) FROM (SELECT coalesce(max(id), 0) AS n FROM compliance_letters "
            "UNION ALL SELECT coalesce(max(id), 0) FROM arc_letters) AS m"
        )
    ).scalar()
    for table in ("deliveries", "delivery_reads"):
        if sa.inspect(bind).has_table(table):
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET subject_id = subject_id + :offset "  # noqa: S608
                    "WHERE subject_type = 'arc_letter'"
                ),
                {"offset": offset},
            )
    bind.execute(sa.text("UPDATE arc_letters SET id = id + :offset"), {"offset": offset})
    bind.execute(sa.text("INSERT INTO letter_numbers (id, kind) SELECT id, 'arc' FROM arc_letters"))
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('letter_numbers', 'id'), "
                "coalesce((SELECT max(id) FROM letter_numbers), 0) + 1, false)"
            )
        )


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table("arc_letters") as batch:
        batch.drop_column("sha256_en")
        batch.drop_column("pdf_en")
    op.drop_table("letter_numbers")
    if bind.dialect.name == "postgresql":
        # Each table numbers its own letters again, above what it holds.
        for table in ("compliance_letters", "arc_letters"):
            bind.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
            )
