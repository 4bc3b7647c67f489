"""The rooms command: migrations, and a bad setting stopping with its name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from rooms.entrypoints.cli import main


def test_db_upgrade_creates_the_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("ROOMS_DATABASE_URL", f"sqlite:///{database}")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(f"sqlite:///{database}")
    assert {"rooms", "outbox", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_bad_setting_stops_with_a_message_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROOMS_MAX_BODY_BYTES", "huge")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert "ROOMS_MAX_BODY_BYTES" in result.output
