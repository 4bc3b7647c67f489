"""`rooms contracts diff`: the breaking-change guard on both contracts, for people and for CI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

# The guards import their validators and checkers inside each command: `rooms --help` and
# the service's own commands need none of them. Every refusal they raise is a ValueError
# (SourceError, SpecError, DocumentRefused).

# Exit codes: 0 compatible, 1 a change that fails the check, 2 an input was refused (it could
# not be read, is not valid, or is of a version the guard does not judge): no verdict at all.
EXIT_BREAKING = 1
EXIT_UNREADABLE = 2


class UnreadableContracts(click.ClickException):
    exit_code = EXIT_UNREADABLE


def refuse(error: Exception, output_format: str) -> UnreadableContracts:
    """The one message a refused input gets; in JSON, a report whose verdict is "refused"."""
    from rooms.compat.openapi_document import DocumentRefused

    if output_format == "json":
        refused = [error.as_json()] if isinstance(error, DocumentRefused) else []
        report = {"verdict": "refused", "message": str(error), "refused": refused}
        click.echo(json.dumps(report, indent=2))
    return UnreadableContracts(str(error))


@click.group()
def contracts() -> None:
    """The API and event contracts."""


@contracts.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "warning"]),
    default="breaking",
    show_default=True,
    help="The least severe change that makes the exit status non-zero.",
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The git repository refs are read from (default: the one around the current folder).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date sunsets are judged against (default: today, UTC).",
)
def diff(
    base: str,
    head: str | None,
    output_format: str,
    fail_on: str,
    repo: Path | None,
    today: dt.datetime | None,
) -> None:
    """Compare the contracts of BASE with HEAD and fail on a change that breaks a consumer.

    BASE and HEAD are git refs or paths (an OpenAPI file, a contracts folder or a checkout);
    without HEAD, the working tree's contracts are compared. Exit status: 0 no change that
    fails the check, 1 a breaking change (or a warning with --fail-on warning), 2 an input
    refused (unreadable, invalid, Swagger 2.0 or an OpenAPI version other than 3.0/3.1).
    """
    from rooms.compat.change_report import Severity
    from rooms.compat.contracts_diff import diff_contracts
    from rooms.compat.contracts_source import repository_root

    root = repo or repository_root(Path.cwd())
    try:
        report = diff_contracts(base, head, repo=root, today=today.date() if today else None)
    except ValueError as error:
        raise refuse(error, output_format) from error
    click.echo(report.as_json() if output_format == "json" else report.as_text())
    if report.fails(Severity(fail_on)):
        raise SystemExit(EXIT_BREAKING)


@contracts.command("pacts")
@click.argument(
    "pacts", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PACT_FILE_OR_DIR..."
)
@click.option(
    "--spec",
    type=click.Path(path_type=Path),
    default=None,
    help="The OpenAPI document (default: the rooms contract bundled with this package).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def pacts(pacts: tuple[Path, ...], spec: Path | None, output_format: str) -> None:
    """Check that each HTTP interaction of the pacts relies only on what the spec promises.

    Exit status: 0 every interaction relies only on what the spec promises (warnings, such
    as an undocumented query parameter the provider ignores, are shown but pass), 1 some
    interaction relies on something it does not, 2 a pact or the spec was refused.
    """
    from rooms.compat.pact_spec_check import check_pacts
    from rooms.contract_files import openapi_path

    spec_path = spec or openapi_path()
    try:
        findings = check_pacts(list(pacts), spec_path)
    except ValueError as error:
        raise refuse(error, output_format) from error
    failed = [finding for finding in findings if finding.fails]
    verdict = "relies-on-unpromised" if failed else "relies-only-on-promises"
    if output_format == "json":
        report = {
            "spec": str(spec_path),
            "verdict": verdict,
            "findings": [finding.as_json() for finding in findings],
        }
        click.echo(json.dumps(report, indent=2))
    else:
        for finding in findings:
            click.echo(f"{'WARNING' if not finding.fails else 'FAIL':8} {finding}")
        click.echo(
            f"verdict: {verdict} ({len(failed)} failing, {len(findings) - len(failed)} warnings)"
        )
    if failed:
        raise SystemExit(EXIT_BREAKING)
