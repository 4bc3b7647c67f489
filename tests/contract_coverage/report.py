"""The contract coverage report: what each suite exercised of contracts/openapi.yaml and
contracts/asyncapi.yaml, joined.

python -m tests.contract_coverage.report [--reports DIR]

Reads reports/coverage/<suite>.jsonl (written while the suites ran), writes
reports/contract-coverage.json and .html, prints the tables, and exits 1 when a documented
response (operation x status) was exercised by no suite and is not listed, with its reason,
in tests/contract_coverage/exemptions.yaml; likewise when an event message was exercised
by no suite (tests/contract_coverage/message_coverage.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from tests.contract_coverage.documented import Operation, operations
from tests.contract_coverage.message_coverage import (
    build_messages,
    load_message_exemptions,
    print_message_tables,
)
from tests.contract_coverage.report_html import render_html

ROOT = Path(__file__).resolve().parents[2]
EXEMPTIONS = Path(__file__).with_name("exemptions.yaml")

Records = list[dict[str, Any]]


def load_records(folder: Path) -> Records:
    records: Records = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not a JSON line ({error})") from None
    return records


def load_exemptions(path: Path = EXEMPTIONS) -> dict[tuple[str, str], str]:
    """(operationId or '*', status) -> reason."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    exempt: dict[tuple[str, str], str] = {}
    for entry in entries:
        if "message" in entry:
            continue  # an event message's exemption (message_coverage.py)
        missing = {"operation", "status", "reason"} - set(entry)
        if missing or not str(entry.get("reason", "")).strip():
            raise SystemExit(
                f"{path}: every exemption needs operation, status and a reason: {entry}"
            )
        exempt[(str(entry["operation"]), str(entry["status"]))] = str(entry["reason"])
    return exempt


def _suites(records: Records, keep: Any) -> list[str]:
    return sorted({r["suite"] for r in records if keep(r)})


def _link_suites(
    operation: Operation, link_name: str, target: str, by_op: dict[str, Records]
) -> list[str]:
    suites = []
    for suite in sorted({r["suite"] for r in by_op.get(operation.operation_id, [])}):
        sources = [
            r["link_sources"][link_name]
            for r in by_op[operation.operation_id]
            if r["suite"] == suite and r["link_sources"].get(link_name)
        ]
        wanted = {tuple(sorted(values.items())) for values in sources}
        for request in by_op.get(target, []):
            if request["suite"] != suite:
                continue
            sent = request["parameters"]
            if any(all(sent.get(k) == v for k, v in values) for values in wanted):
                suites.append(suite)
                break
    return suites


def build(records: Records, exempt: dict[tuple[str, str], str]) -> dict[str, Any]:
    records = [r for r in records if r.get("kind") != "event"]  # events: message_coverage.py
    by_op: dict[str, Records] = defaultdict(list)
    for record in records:
        by_op[record["operation"]].append(record)
    report: dict[str, Any] = {"suites": sorted({r["suite"] for r in records}), "operations": {}}
    uncovered: list[dict[str, str]] = []
    for op_id, operation in operations().items():
        mine = by_op.get(op_id, [])
        statuses: dict[str, Any] = {}
        for status in operation.statuses:
            suites = _suites(mine, lambda r, s=status: r["status"] == s)
            reason = exempt.get((op_id, status)) or exempt.get(("*", status))
            statuses[status] = {"suites": suites, "exempt": None if suites else reason}
            if not suites and not reason:
                uncovered.append({"operation": op_id, "status": status})
        documented = set(operation.statuses)
        others = sorted({r["status"] for r in mine} - documented)
        report["operations"][op_id] = {
            "method": operation.method,
            "path": operation.path,
            "statuses": statuses,
            "statuses_via_default": {
                s: _suites(mine, lambda r, s=s: r["status"] == s) for s in others
            },
            "request_media_types": {
                t: _suites(mine, lambda r, t=t: r["request_type"] == t)
                for t in operation.request_types
            },
            "undeclared_request_media_types_tried": _suites(
                mine,
                lambda r, declared=operation.request_types: (
                    r["request_type"] is not None and r["request_type"] not in declared
                ),
            ),
            "response_media_types": {
                f"{status} {t}": _suites(
                    mine, lambda r, s=status, t=t: r["status"] == s and r["response_type"] == t
                )
                for status, types in operation.response_types.items()
                if status != "default"
                for t in types
            },
            "parameters": {
                f"{where}:{name}": _suites(
                    mine, lambda r, k=f"{where}:{name}": k in r["parameters"]
                )
                for where, name in operation.parameters
            },
            "examples": {
                **{
                    f"request {name}": _suites(mine, lambda r, d=d: r["request_body"] == d)
                    for name, d in operation.request_examples.items()
                },
                **{
                    f"response {name}": _suites(mine, lambda r, d=d: r["response_body"] == d)
                    for name, d in operation.response_examples.items()
                },
                **{
                    f"parameter {key}": _suites(
                        mine, lambda r, k=key, d=d: r["parameters"].get(k) == d
                    )
                    for key, d in operation.parameter_examples.items()
                },
            },
            "links": {
                f"{link.status} {link.name} -> {link.target}": _link_suites(
                    operation, link.name, link.target, by_op
                )
                for link in operation.links
            },
        }
    report["uncovered_responses"] = uncovered
    report["summary"] = _summary(report)
    report["unused_exemptions"] = [
        f"{op} {status}"
        for (op, status) in exempt
        if op != "*"
        and (op not in report["operations"] or status not in report["operations"][op]["statuses"])
    ]
    return report


def _summary(report: dict[str, Any]) -> dict[str, list[int]]:
    """Per dimension: [exercised by some suite, documented]."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry in report["operations"].values():
        for status in entry["statuses"].values():
            totals["responses"][0] += bool(status["suites"])
            totals["responses"][1] += 1
        for dimension in (
            "request_media_types",
            "response_media_types",
            "parameters",
            "examples",
            "links",
        ):
            for suites in entry[dimension].values():
                totals[dimension][0] += bool(suites)
                totals[dimension][1] += 1
    return dict(totals)


def print_tables(report: dict[str, Any], out: Any = sys.stdout) -> None:
    suites = report["suites"]
    rows = [["operation", "status", *suites, "note"]]
    for op_id, entry in report["operations"].items():
        for status, found in entry["statuses"].items():
            note = ""
            if not found["suites"]:
                note = f"exempt: {found['exempt']}" if found["exempt"] else "NOT EXERCISED"
            rows.append(
                [op_id, status, *("x" if s in found["suites"] else "" for s in suites), note]
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    print("Documented responses (operation x status) by suite:", file=out)
    for n, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * width for width in widths), file=out)
    print("", file=out)
    print("Exercised by at least one suite, of documented:", file=out)
    for dimension, (hit, total) in report["summary"].items():
        print(f"  {dimension.replace('_', ' '):22} {hit:3} of {total}", file=out)
    missing = [
        f"{op_id} {dimension.replace('_', ' ')}: {name}"
        for op_id, entry in report["operations"].items()
        for dimension in (
            "request_media_types",
            "response_media_types",
            "parameters",
            "examples",
            "links",
        )
        for name, found in entry[dimension].items()
        if not found
    ]
    if missing:
        print("Not exercised (reported, not failed):", file=out)
        for line in missing:
            print(f"  {line}", file=out)
    for name in report["unused_exemptions"]:
        print(f"warning: exemption {name} names no documented response", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=Path, default=ROOT / "reports")
    args = parser.parse_args(argv)
    folder = args.reports / "coverage"
    if not folder.is_dir() or not any(folder.glob("*.jsonl")):
        print(
            f"no recordings in {folder}: run `nox -s contract`, `nox -s mock` and `nox -s pact` first",
            file=sys.stderr,
        )
        return 2
    records = load_records(folder)
    report = build(records, load_exemptions())
    report["events"] = build_messages(records, load_message_exemptions(EXEMPTIONS))
    (args.reports / "contract-coverage.json").write_text(
        json.dumps(report, indent=2), encoding="utf-8"
    )
    (args.reports / "contract-coverage.html").write_text(render_html(report), encoding="utf-8")
    print_tables(report)
    print()
    print_message_tables(report["events"])
    print(f"\nreport: {args.reports / 'contract-coverage.json'} and contract-coverage.html")
    for entry in report["uncovered_responses"]:
        print(
            f"FAIL: {entry['operation']} {entry['status']} is documented but no suite exercised it; "
            f"exercise it, or list it with the reason in {EXEMPTIONS.relative_to(ROOT)}",
            file=sys.stderr,
        )
    for name in report["events"]["uncovered_messages"]:
        print(
            f"FAIL: message {name} is documented in contracts/asyncapi.yaml but no suite"
            f" exercised it; exercise it, or list it (message: {name}) with the reason in"
            f" {EXEMPTIONS.relative_to(ROOT)}",
            file=sys.stderr,
        )
    return 1 if report["uncovered_responses"] or report["events"]["uncovered_messages"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
