"""The contract coverage report as one static HTML page (no scripts, no external assets)."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222 }
table { border-collapse: collapse; margin: 0.5em 0 1.5em }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left }
td.hit { background: #d9f2d9 } td.miss { background: #f8d7d7 } td.exempt { background: #fff3cd }
h2 code { font-size: 1em }
"""

_DIMENSIONS = (
    ("request_media_types", "request media types"),
    ("response_media_types", "response media types"),
    ("parameters", "parameters"),
    ("examples", "examples"),
    ("links", "links"),
)


def _cells(found: list[str], suites: list[str]) -> str:
    return "".join(
        f'<td class="{"hit" if s in found else ""}">{"&#10003;" if s in found else ""}</td>'
        for s in suites
    )


def render_html(report: dict[str, Any]) -> str:
    suites: list[str] = report["suites"]
    head = "".join(f"<th>{escape(s)}</th>" for s in suites)
    parts = [
        "<!doctype html><meta charset=utf-8><title>rooms: contract coverage</title>",
        f"<style>{_STYLE}</style><h1>Contract coverage of contracts/openapi.yaml</h1>",
        "<table><tr><th>dimension</th><th>exercised</th><th>documented</th></tr>",
        *(
            f"<tr><td>{escape(k.replace('_', ' '))}</td><td>{hit}</td><td>{total}</td></tr>"
            for k, (hit, total) in report["summary"].items()
        ),
        "</table>",
    ]
    for op_id, entry in report["operations"].items():
        parts.append(
            f"<h2><code>{escape(op_id)}</code> {escape(entry['method'])} "
            f"<code>{escape(entry['path'])}</code></h2>"
        )
        parts.append(f"<table><tr><th>status</th>{head}<th>note</th></tr>")
        for status, found in entry["statuses"].items():
            if found["suites"]:
                note, css = "", "hit"
            elif found["exempt"]:
                note, css = f"exempt: {found['exempt']}", "exempt"
            else:
                note, css = "NOT EXERCISED", "miss"
            parts.append(
                f'<tr><td class="{css}">{escape(status)}</td>{_cells(found["suites"], suites)}'
                f"<td>{escape(note)}</td></tr>"
            )
        for status, found in entry["statuses_via_default"].items():
            parts.append(
                f"<tr><td>{escape(status)} (default)</td>{_cells(found, suites)}<td></td></tr>"
            )
        parts.append("</table>")
        for key, title in _DIMENSIONS:
            if not entry[key]:
                continue
            parts.append(f"<table><tr><th>{escape(title)}</th>{head}</tr>")
            for name, found in entry[key].items():
                css = "hit" if found else "miss"
                parts.append(
                    f'<tr><td class="{css}">{escape(name)}</td>{_cells(found, suites)}</tr>'
                )
            parts.append("</table>")
    if "events" in report:
        parts += _messages_html(report["events"])
    return "\n".join(parts) + "\n"


def _messages_html(events: dict[str, Any]) -> list[str]:
    """The event contract's messages: by which suites, per emitting operation and example."""
    suites: list[str] = events["suites"]
    head = "".join(f"<th>{escape(s)}</th>" for s in suites)
    parts = [
        "<h1>Contract coverage of contracts/asyncapi.yaml</h1>",
        "<table><tr><th>dimension</th><th>exercised</th><th>documented</th></tr>",
        *(
            f"<tr><td>{escape(k)}</td><td>{hit}</td><td>{total}</td></tr>"
            for k, (hit, total) in events["summary"].items()
        ),
        "</table>",
    ]
    for name, entry in events["messages"].items():
        if entry["suites"]:
            note, css = "", "hit"
        elif entry["exempt"]:
            note, css = f"exempt: {entry['exempt']}", "exempt"
        else:
            note, css = "NOT EXERCISED", "miss"
        parts.append(f"<h2>message <code>{escape(name)}</code></h2>")
        parts.append(f"<table><tr><th>exercised as</th>{head}<th>note</th></tr>")
        parts.append(
            f'<tr><td class="{css}">any event</td>{_cells(entry["suites"], suites)}'
            f"<td>{escape(note)}</td></tr>"
        )
        for what, found in [
            *((f"emitted by {op}", s) for op, s in entry["emitted_by"].items()),
            *((f"example {example}", s) for example, s in entry["examples"].items()),
        ]:
            css = "hit" if found else "miss"
            parts.append(
                f'<tr><td class="{css}">{escape(what)}</td>{_cells(found, suites)}<td></td></tr>'
            )
        parts.append("</table>")
    return parts
