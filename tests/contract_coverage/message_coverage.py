"""The event half of the contract coverage report: which suites exercised each message of
contracts/asyncapi.yaml, each operation's `x-emits`, and each documented example.

A message counts as exercised by a suite when the suite recorded an event of it
(`recorder.record_event`: the contract suite's event checks, in-process or by URL, and
the pact provider's message producer). An example counts when a suite named it or sent
its sample's exact bytes (contracts/samples/<message>/<example>.bin).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from tests.contract_coverage.documented_events import messages

Records = list[dict[str, Any]]


def load_message_exemptions(path: Path) -> dict[str, str]:
    """message name -> reason, from the `message:` entries of exemptions.yaml."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    exempt: dict[str, str] = {}
    for entry in entries:
        if "message" not in entry:
            continue  # an HTTP response's exemption
        if not str(entry.get("reason", "")).strip():
            raise SystemExit(f"{path}: every exemption needs a reason: {entry}")
        exempt[str(entry["message"])] = str(entry["reason"])
    return exempt


def _suites(records: Records, keep: Any) -> list[str]:
    return sorted({r["suite"] for r in records if keep(r)})


def build_messages(records: Records, exempt: dict[str, str]) -> dict[str, Any]:
    events = [r for r in records if r.get("kind") == "event"]
    documented = messages()
    report: dict[str, Any] = {"suites": sorted({r["suite"] for r in events}), "messages": {}}
    uncovered: list[str] = []
    totals = {"messages": [0, 0], "emitting operations": [0, 0], "message examples": [0, 0]}
    for name, message in documented.items():
        mine = [r for r in events if r["message"] == name]
        suites = _suites(mine, lambda _r: True)
        emitted_by = {
            op: _suites(mine, lambda r, op=op: r["operation"] == op) for op in message.emitted_by
        }
        examples = {
            example: _suites(
                mine,
                lambda r, example=example, digest=digest: (
                    r["example"] == example or (digest is not None and r["body"] == digest)
                ),
            )
            for example, digest in message.examples.items()
        }
        reason = exempt.get(name)
        report["messages"][name] = {
            "suites": suites,
            "exempt": None if suites else reason,
            "emitted_by": emitted_by,
            "examples": examples,
        }
        if not suites and not reason:
            uncovered.append(name)
        for key, found in (
            ("messages", {name: suites}),
            ("emitting operations", emitted_by),
            ("message examples", examples),
        ):
            totals[key][0] += sum(bool(s) for s in found.values())
            totals[key][1] += len(found)
    report["uncovered_messages"] = uncovered
    report["summary"] = totals
    report["unused_exemptions"] = sorted(set(exempt) - set(documented))
    report["undocumented_messages_seen"] = sorted({r["message"] for r in events} - set(documented))
    return report


def print_message_tables(report: dict[str, Any], out: Any = None) -> None:
    out = out or sys.stdout  # looked up when called, so a captured stdout is honoured
    suites = report["suites"]
    rows = [["message", "exercised as", *suites, "note"]]
    for name, entry in report["messages"].items():
        note = ""
        if not entry["suites"]:
            note = f"exempt: {entry['exempt']}" if entry["exempt"] else "NOT EXERCISED"
        rows.append([name, "(any)", *("x" if s in entry["suites"] else "" for s in suites), note])
        for what, found in [
            *((f"emitted by {op}", s) for op, s in entry["emitted_by"].items()),
            *((f"example {ex}", s) for ex, s in entry["examples"].items()),
        ]:
            rows.append(["", what, *("x" if s in found else "" for s in suites), ""])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    print("Event contract messages (contracts/asyncapi.yaml) by suite:", file=out)
    for n, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * width for width in widths), file=out)
    for dimension, (hit, total) in report["summary"].items():
        print(f"  {dimension:22} {hit:3} of {total}", file=out)
    for name in report["unused_exemptions"]:
        print(f"warning: exemption for message {name} names no documented message", file=out)
    for name in report["undocumented_messages_seen"]:
        print(f"warning: a suite recorded message {name}, which asyncapi.yaml lacks", file=out)
