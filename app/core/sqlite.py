"""SQLite needs foreign keys switched on per connection, and current planner statistics."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


def enable_sqlite_foreign_keys(engine: Engine) -> None:
    """Turn on foreign-key enforcement and WAL on every new SQLite connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Keep the planner's statistics current (SQLite's advice for long-lived
        # connections): without them it takes "association_id = ?" for a selective filter
        # and walks a 20,000-unit association's violations to sort by unit or to search.
        # Bounded by analysis_limit, so it costs milliseconds even on a big file; a database
        # never analyzed is analyzed once (SQLite before 3.46 leaves those to ANALYZE), then
        # "optimize" analyzes again the tables that grew tenfold.
        cursor.execute("PRAGMA analysis_limit=1000")
        try:
            analyzed = cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).fetchone()
            cursor.execute("PRAGMA optimize=0x10002" if analyzed else "ANALYZE")
        except sqlite3.OperationalError:  # busy: the next connection does it
            pass
        cursor.close()
