"""Every HTTP interaction of every pact checked against contracts/openapi.yaml, nothing running."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rooms.compat.pact_spec_check import check_pacts
from rooms.contract_files import openapi_path
from tests.pact.conftest import PACT_DIR


def test_every_pact_relies_only_on_what_the_spec_promises() -> None:
    findings = check_pacts(PACT_DIR, openapi_path())
    assert findings == [], "\n".join(map(str, findings))
    assert list(PACT_DIR.glob("*.json")), "no pacts to check"


def test_a_pact_expecting_an_undocumented_field_fails_naming_pact_interaction_and_rule(
    tmp_path: Path,
) -> None:
    shutil.copy(PACT_DIR / "booking-client-rooms.json", tmp_path)
    pact_file = tmp_path / "booking-client-rooms.json"
    pact = json.loads(pact_file.read_text())
    interaction = next(
        i for i in pact["interactions"] if i["description"] == "a request for a room"
    )
    body = interaction["response"]["body"]
    content = json.loads(body["content"]) if isinstance(body["content"], str) else body["content"]
    content["rating"] = 5
    body["content"] = content
    pact_file.write_text(json.dumps(pact))
    findings = [str(f) for f in check_pacts(tmp_path, openapi_path())]
    assert findings == [
        "booking-client-rooms.json: 'a request for a room': not-promised: $.rating: the response schema does not define this member"
    ]


def test_a_pact_with_an_undocumented_status_or_a_bad_request_fails(tmp_path: Path) -> None:
    shutil.copy(PACT_DIR / "booking-client-rooms.json", tmp_path)
    pact_file = tmp_path / "booking-client-rooms.json"
    pact = json.loads(pact_file.read_text())
    interaction = next(
        i
        for i in pact["interactions"]
        if i["description"] == "a request for the first page of rooms in Lisbon"
    )
    interaction["request"]["query"]["limit"] = ["500"]
    interaction["response"]["status"] = 206
    pact_file.write_text(json.dumps(pact))
    rules = {f.rule for f in check_pacts(tmp_path, openapi_path())}
    # listRooms documents a `default` response, so 206 is documented, as a problem: the page
    # of rooms the pact expects with it is not what `default` promises.
    assert rules == {"invalid-parameter", "undocumented-media-type"}
