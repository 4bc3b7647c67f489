"""XML response bodies: a JSON-shaped value written as XML, named as the schema says.

The element of the root is the schema's `xml.name`, else the name of the component it refers to,
else `response`; an array's items repeat their own (or the array's) name, as OpenAPI's XML
Object describes. A string example is taken to be XML already and sent as it is.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from rooms_mock.spec import RefResolver


def root_name(schema: Any, resolver: RefResolver) -> str:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        resolved = resolver.resolve(schema)
        xml = resolved.get("xml") if isinstance(resolved, dict) else None
        if isinstance(xml, dict) and isinstance(xml.get("name"), str):
            return str(xml["name"])
        if isinstance(ref, str):
            return ref.rsplit("/", 1)[-1]
    return "response"


def render_xml(value: Any, name: str) -> bytes:
    root = ElementTree.Element(_tag(name))
    _fill(root, value)
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def _tag(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "item"
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"_{cleaned}"


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, member in value.items():
            if isinstance(member, list):
                for item in member:
                    _fill(ElementTree.SubElement(element, _tag(str(key))), item)
            else:
                _fill(ElementTree.SubElement(element, _tag(str(key))), member)
    elif isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, "item"), item)
    elif value is None:
        element.set("nil", "true")
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)
