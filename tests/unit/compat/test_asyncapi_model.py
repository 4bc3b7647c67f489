"""Reading AsyncAPI 3.0 for the guard: traits, operations' messages, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from rooms.compat.asyncapi_model import AsyncApiError, merge_patch, parse_asyncapi


def document(**parts: Any) -> dict[str, Any]:
    return {"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"}, **parts}


CHANNELS = {
    "created": {
        "address": "room.created",
        "messages": {"A": {"name": "A"}, "B": {"name": "B"}},
    }
}


def test_merge_patch_follows_rfc_7386() -> None:
    target = {"a": 1, "b": {"c": 2, "d": 3}, "e": [1]}
    patch = {"a": None, "b": {"c": 5, "d": None}, "e": [2], "f": {"g": 1}}
    assert merge_patch(target, patch) == {"b": {"c": 5}, "e": [2], "f": {"g": 1}}
    assert target == {"a": 1, "b": {"c": 2, "d": 3}, "e": [1]}  # the target is left alone


def test_message_traits_apply_in_order_and_never_override_the_message() -> None:
    traits = {
        "one": {"contentType": "application/json", "headers": {"type": "object"}},
        "two": {"contentType": "text/plain", "summary": "from two"},
    }
    message = {
        "contentType": "application/avro",
        "traits": [
            {"$ref": "#/components/messageTraits/one"},
            {"$ref": "#/components/messageTraits/two"},
        ],
    }
    parsed = parse_asyncapi(
        document(
            channels={"c": {"address": "k", "messages": {"M": message}}},
            components={"messageTraits": traits},
        ),
        "doc",
    )
    assert parsed.channels["c"].messages["M"] == {
        "contentType": "application/avro",  # the message's own value wins over both traits
        "headers": {"type": "object"},
        "summary": "from two",  # a later trait wins over an earlier one
    }


def test_operation_without_a_message_list_carries_every_message_of_its_channel() -> None:
    parsed = parse_asyncapi(
        document(
            channels=CHANNELS,
            operations={"send": {"action": "send", "channel": {"$ref": "#/channels/created"}}},
        ),
        "doc",
    )
    assert parsed.operations["send"].messages == frozenset({"A", "B"})


def test_operation_bindings_from_a_trait() -> None:
    operation = {
        "action": "send",
        "channel": {"$ref": "#/channels/created"},
        "traits": [{"bindings": {"amqp": {"deliveryMode": 2}}}],
    }
    parsed = parse_asyncapi(document(channels=CHANNELS, operations={"send": operation}), "doc")
    assert parsed.operations["send"].amqp == {"deliveryMode": 2}


@pytest.mark.parametrize(
    ("operation", "said"),
    [
        ({"action": "send", "channel": {"$ref": "#/channels/gone"}}, "no channel 'gone'"),
        (
            {"action": "send", "channel": {"$ref": "#/components/channels/created"}},
            "does not point under #/channels/",
        ),
        (
            {
                "action": "send",
                "channel": {"$ref": "#/channels/created"},
                "messages": [{"$ref": "#/channels/created/messages/C"}],
            },
            "created has no message 'C'",
        ),
        (
            {
                "action": "send",
                "channel": {"$ref": "#/channels/created"},
                "messages": {"$ref": "#/channels/created/messages/A"},
            },
            "expected a list of $refs",
        ),
    ],
    ids=["unknown-channel", "channel-elsewhere", "unknown-message", "messages-not-a-list"],
)
def test_operation_that_cannot_be_followed_is_refused(operation: Any, said: str) -> None:
    with pytest.raises(AsyncApiError, match=said.replace("$", r"\$")):
        parse_asyncapi(document(channels=CHANNELS, operations={"send": operation}), "doc")


def test_dangling_local_ref_is_refused() -> None:
    channels = {"c": {"address": "k", "messages": {"M": {"$ref": "#/components/messages/M"}}}}
    with pytest.raises(AsyncApiError, match="points at nothing"):
        parse_asyncapi(document(channels=channels), "doc")
