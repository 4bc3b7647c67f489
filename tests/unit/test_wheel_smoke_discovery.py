"""The wheel smoke (`nox -s wheels`) finds every distribution and every command to try."""

from __future__ import annotations

from pathlib import Path

from tests.install.wheel_smoke import ROOT, _click_commands, distributions


def test_every_pyproject_with_a_project_at_the_top_or_one_folder_down_is_a_distribution(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "top"\n[project.scripts]\ntop = "t:main"\n'
    )
    for folder, text in {
        "events": '[project]\nname = "rooms-events"\ndependencies = ["fastavro"]\n',
        "tools": "[tool.ruff]\nline-length = 100\n",  # no [project]: not a distribution
    }.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "pyproject.toml").write_text(text)
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "pyproject.toml").write_text('[project]\nname = "too-deep"\n')
    found = {d.name: d for d in distributions(tmp_path)}
    assert set(found) == {"top", "rooms-events"}
    assert found["top"].scripts == ("top",)
    assert found["rooms-events"].dependencies == ("fastavro",)


def test_the_repository_itself_has_the_service_and_the_mock() -> None:
    names = {d.name for d in distributions(ROOT)}
    assert {"rooms", "rooms-mock"} <= names


def test_click_subcommands_are_read_from_help_and_argparse_has_none() -> None:
    click_help = "Usage: rooms [OPTIONS]\n\nOptions:\n  --help  Show.\n\nCommands:\n  db     The schema.\n  serve  Serve.\n"
    assert _click_commands(click_help) == ["db", "serve"]
    assert _click_commands("usage: rooms-mock [-h] [spec]\n\noptions:\n  -h, --help\n") == []
