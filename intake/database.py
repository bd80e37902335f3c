"""The declarative base, column types shared by every model, and SQLite tuning."""

from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: Requests that only look: their transactions begin without SQLite's write lock.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READING = "intake.sqlite_reading"  # in the DBAPI connection's info: its transaction began without the lock
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _request_only_reads() -> bool:
    return has_request_context() and request.method in READING_METHODS


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Tune a SQLite engine for several tablets saving at once.

    WAL lets readers work while one writer writes; synchronous=FULL keeps a committed note on
    disk through a power cut. A request that changes something (POST) begins with BEGIN
    IMMEDIATE, so a second writer waits for the lock (busy timeout) instead of failing halfway
    through. A page that only looks (GET) begins a plain transaction, so many are read at once
    and none waits on a writer; when such a page writes after all (its audit row of who looked),
    that write gets a short writing transaction of its own (``begin_writing``).
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        reading = _request_only_reads()
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
        connection.connection.info[_READING] = reading

    @event.listens_for(engine, "before_cursor_execute")
    def before_write(connection, cursor, statement, parameters, context, executemany):
        if connection.connection.info.get(_READING) and statement.lstrip()[:7].upper().startswith(_WRITES):
            _take_write_lock(connection.connection.info, cursor.connection)


def _take_write_lock(info: dict, dbapi_connection: Any) -> None:
    # Only reads happened so far, so ending that transaction loses nothing; the write then runs
    # in a fresh one that holds the lock from its first statement (a plain transaction that
    # read before a writer committed could not take the lock at all: "database is locked").
    dbapi_connection.execute("COMMIT")
    dbapi_connection.execute("BEGIN IMMEDIATE")
    info[_READING] = False


def begin_writing(connection: Connection) -> None:
    """Make sure ``connection``'s transaction holds SQLite's write lock before it reads what it will write on.

    A page that only looks began without the lock; what it writes must not depend on what it
    read earlier in the request (an audit row of who looked, a link's last use). Writers that
    read and then write within one change (the audit chain's previous row) call this first.
    """
    if connection.dialect.name != "sqlite":
        return
    info = connection.connection.info
    if info.get(_READING):
        _take_write_lock(info, connection.connection.dbapi_connection)
