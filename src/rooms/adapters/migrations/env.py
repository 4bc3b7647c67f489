"""Alembic's entry: migrations run on the engine the caller hands over in the config."""

from __future__ import annotations

from alembic import context

from rooms.adapters.orm import metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
