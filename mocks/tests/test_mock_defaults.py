"""Defaults that cannot surprise: which spec is served, where, and what the command line says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from conftest import SPEC
from rooms_mock import rooms_mock
from rooms_mock.cli import describe
from rooms_mock.cli_options import parser
from rooms_mock.engine import MockEngine, MockOptions, MockRequest
from rooms_mock.spec import SpecError, default_spec_path, load_spec

OTHER_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Someone else's API", "version": "9.9"},
    "paths": {
        "/widgets": {
            "get": {
                "operationId": "listWidgets",
                "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}},
            }
        }
    },
}


@pytest.fixture
def consumer_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A consumer's checkout that keeps its own contract at the conventional path."""
    own = tmp_path / "contracts" / "openapi.yaml"
    own.parent.mkdir()
    own.write_text(yaml.safe_dump(OTHER_SPEC), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ROOMS_MOCK_SPEC", raising=False)
    return own


def test_the_default_is_the_bundled_rooms_contract_not_the_working_directorys(
    consumer_repo: Path,
) -> None:
    chosen = default_spec_path()
    assert chosen.resolve() != consumer_repo.resolve()
    assert load_spec(chosen)["info"]["title"] == "Rooms"


def test_the_fixture_serves_rooms_in_a_repo_with_its_own_contract(consumer_repo: Path) -> None:
    with rooms_mock("http://rooms.test", stateful=False) as api:
        response = requests.get("http://rooms.test/rooms", timeout=5)
    assert response.status_code == 200, response.text
    api.assert_called("listRooms", times=1)


def test_rooms_mock_spec_chooses_another_spec(
    consumer_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROOMS_MOCK_SPEC", str(consumer_repo))
    assert default_spec_path() == consumer_repo
    monkeypatch.setenv("ROOMS_MOCK_SPEC", str(consumer_repo.with_name("missing.yaml")))
    with pytest.raises(SpecError, match=r"ROOMS_MOCK_SPEC=.*missing\.yaml is not a file"):
        default_spec_path()


def _with_server(url: str) -> dict[str, Any]:
    document = load_spec(SPEC)
    document["servers"] = [{"url": url}]
    return document


def test_the_banner_names_title_version_file_and_the_full_base_url() -> None:
    engine = MockEngine(_with_server("https://rooms.example/api"), source="contracts/x.yaml")
    first = describe(engine, "http://127.0.0.1:4010").splitlines()[0]
    assert "Rooms 1.0.0" in first
    assert "contracts/x.yaml" in first
    assert "at http://127.0.0.1:4010/api " in first


def test_a_404_outside_the_base_path_says_where_paths_are_served() -> None:
    engine = MockEngine(_with_server("/api"))
    response = engine.handle(MockRequest("GET", "/rooms"))
    assert response.status == 404
    assert response.json()["detail"] == (
        "No path of the contract matches /rooms. "
        "This mock serves the contract's paths under /api: /api/rooms."
    )
    assert engine.handle(MockRequest("GET", "/api/rooms")).status == 200


@pytest.mark.parametrize(("base_path", "path"), [("/v2", "/v2/rooms"), ("/", "/rooms")])
def test_base_path_overrides_the_servers_path(base_path: str, path: str) -> None:
    engine = MockEngine(_with_server("/api"), MockOptions(base_path=base_path))
    assert engine.handle(MockRequest("GET", path)).status == 200
    assert engine.handle(MockRequest("GET", "/api/rooms")).status == 404


def test_help_documents_every_option_with_its_default_prefer_endpoints_and_environment() -> None:
    cli = parser()
    text = " ".join(cli.format_help().split())  # unwrapped: a default may straddle a line end
    for action in cli._actions:
        for option in action.option_strings:
            assert option in text, option
    for needle in (
        "(default: 4010)",
        "seed of dynamic data (default: 0)",
        "(default: 65536)",
        "Prefer: code=404",
        "Prefer: example=NAME",
        "Prefer: dynamic=true",
        "/__mock__/reset",
        "ROOMS_MOCK_SPEC",
    ):
        assert needle in text, needle


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("rooms-mock 0.")


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--latency", "200-20"], "want MS or MIN-MAX with 0 <= MIN <= MAX"),
        (["--latency", "soon"], "latency 'soon'"),
        (["--port", "70000"], "70000 is out of range: want a number between 0 and 65535"),
        (["--max-body-bytes", "0"], "0 is out of range: want a number at least 1"),
        (["--seed", "x"], "'x' is not a whole number"),
        (["--base-path", "api"], "'api' is not a URL path"),
    ],
)
def test_bad_option_values_say_why(
    argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(argv)
    assert exited.value.code == 2
    assert reason in capsys.readouterr().err
