"""The database tables, as SQLAlchemy Core: the Alembic migrations are their history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a UTC time")
        value = value.astimezone(UTC)
        # SQLite compares these as text: store them naive and uniform so they sort.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Constraint names are fixed so that error handling can recognise them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

rooms = Table(
    "rooms",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("url", String(2048), nullable=False, unique=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("monthly_price", BigInteger, nullable=True),
    Column("currency", String(3), nullable=False),
    Column("recurrence", String(16), nullable=False),
    Column("provider", String(100), nullable=False),
    Column("property_size", Integer, nullable=True),
    Column("area_name", String(200), nullable=False),
    Column("area_city", String(100), nullable=False),
    Column("area_country", String(2), nullable=False),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("images", JSON, nullable=False),
    Column("is_visible", Boolean, nullable=False),
    # The list's stable order; the cursor is a position in it.
    Index(None, "created_at", "id"),
    # The filters' indexes carry the order too: a filtered page is read in order, not sorted.
    Index(None, "area_city", "created_at", "id"),
    Index(None, "provider", "created_at", "id"),
)

# The transactional outbox: a row per domain event, written in the room change's transaction.
outbox = Table(
    "outbox",
    metadata,
    # BigInteger on PostgreSQL, INTEGER (the rowid alias) on SQLite: both autoincrement.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(64), nullable=False),
    Column("routing_key", String(64), nullable=False),
    Column("room_id", Uuid, nullable=False),
    Column("room_version", Integer, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("schema_fingerprint", LargeBinary(8), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Index(None, "published_at", "id"),
)
