"""SQLite needs foreign keys switched on per connection."""

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
        cursor.close()
