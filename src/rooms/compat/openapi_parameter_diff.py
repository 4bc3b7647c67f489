"""Parameters of one operation compared: moved, renamed, removed, added, and each one's schema."""

from __future__ import annotations

from collections.abc import Mapping

from rooms.compat.change_report import Severity
from rooms.compat.deprecation import is_deprecated, judge_deprecation, judge_removal
from rooms.compat.openapi_diff_base import DiffBase
from rooms.compat.openapi_operation_model import (
    TEMPLATE_PARAMETER,
    Operation,
    ParameterKey,
    operation_parameters,
    parameter_schema,
)
from rooms.compat.openapi_resolve import Node, freeze
from rooms.compat.openapi_schema_diff import Direction


class ParameterDiff(DiffBase):
    """Requests may not demand more of a parameter than before."""

    # -- parameters -------------------------------------------------------------------------

    def _parameters(self, old_op: Operation, new_op: Operation) -> None:
        label = new_op.label
        old_params, new_params = (
            operation_parameters(self.old, old_op),
            operation_parameters(self.new, new_op),
        )
        # Path parameters are matched by position in the template, whatever they are called.
        renames: dict[ParameterKey, ParameterKey] = {}
        old_names = TEMPLATE_PARAMETER.findall(old_op.template)
        new_names = TEMPLATE_PARAMETER.findall(new_op.template)
        for before, after in zip(old_names, new_names, strict=False):
            if before != after:
                renames[("path", before)] = ("path", after)
                self.emit(
                    Severity.WARNING,
                    "path-parameter-renamed",
                    label,
                    f"path parameter {before!r} -> {after!r} (the URL is unchanged; "
                    "generated clients may name the argument differently)",
                )
        old_params = {renames.get(k, k): v for k, v in old_params.items()}
        gone = [k for k in old_params if k not in new_params]
        came = [k for k in new_params if k not in old_params]
        for old_key in list(gone):
            moved = next((k for k in came if k[1].lower() == old_key[1].lower()), None)
            if moved is not None:
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-moved",
                    label,
                    f"parameter {old_key[1]!r} moved from {old_key[0]} to {moved[0]}",
                )
                gone.remove(old_key)
                came.remove(moved)
                continue
            shape = freeze(self.old.canonical(parameter_schema(self.old, old_params[old_key])))
            renamed = next(
                (
                    k
                    for k in came
                    if k[0] == old_key[0]
                    and freeze(self.new.canonical(parameter_schema(self.new, new_params[k])))
                    == shape
                ),
                None,
            )
            if renamed is not None:
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-renamed",
                    label,
                    f"{old_key[0]} parameter {old_key[1]!r} renamed to {renamed[1]!r}",
                )
                gone.remove(old_key)
                came.remove(renamed)
        for key in gone:
            where = f"{label} {key[0]} parameter {key[1]}"
            if is_deprecated(old_params[key]):
                removal = judge_removal(old_params[key], self.today, "parameter")
                self.emit(
                    removal.severity, f"request-parameter-{removal.rule}", where, removal.message
                )
                continue
            self.emit(
                Severity.WARNING,
                "request-parameter-removed",
                where,
                "parameter removed: a value sent is no longer described",
            )
        for key in came:
            if new_params[key].get("required") is True:
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-added-required",
                    f"{label} {key[0]} parameter {key[1]}",
                    "new required parameter",
                )
            else:
                self.emit(
                    Severity.INFO,
                    "request-parameter-added",
                    f"{label} {key[0]} parameter {key[1]}",
                    "new optional parameter",
                )
        for key in old_params.keys() & new_params.keys():
            self._parameter(
                f"{label} {key[0]} parameter {key[1]}", old_params[key], new_params[key]
            )

    def _parameter(self, where: str, old: Mapping[str, Node], new: Mapping[str, Node]) -> None:
        deprecation = judge_deprecation(old, new, "parameter")
        if deprecation is not None:
            self.emit(
                deprecation.severity,
                f"request-parameter-{deprecation.rule}",
                where,
                deprecation.message,
            )
        was_required, now_required = old.get("required") is True, new.get("required") is True
        if now_required and not was_required:
            self.emit(
                Severity.BREAKING,
                "request-parameter-became-required",
                where,
                "parameter is now required",
            )
        elif was_required and not now_required:
            self.emit(
                Severity.INFO,
                "request-parameter-became-optional",
                where,
                "parameter may now be left out",
            )
        for keyword in ("style", "explode", "allowReserved"):
            if old.get(keyword) != new.get(keyword):
                self.emit(
                    Severity.BREAKING,
                    "request-parameter-serialization-changed",
                    where,
                    f"{keyword} {old.get(keyword)!r} -> {new.get(keyword)!r}",
                )
        if old.get("allowEmptyValue") is True and new.get("allowEmptyValue") is not True:
            self.emit(
                Severity.BREAKING,
                "request-parameter-empty-value-refused",
                where,
                "an empty value is no longer allowed",
            )
        self.schemas(where).compare(
            parameter_schema(self.old, old), parameter_schema(self.new, new), Direction.REQUEST
        )
