"""A precompiled dumper for response schemas: the same dicts as ``Schema.dump``, faster.

marshmallow spends about ten Python calls on every field of every row (``Field.serialize``
→ ``get_value`` → the schema's accessor → ``utils.get_value`` → ``_serialize`` …); a page of
50 violations with their letters, fines, responses and hearing is some 1,600 fields. This
module reads a schema's dump fields once and builds a plan per schema: for the field types
the API uses (integers, strings, booleans and raw values, dates and times, ``Function``,
``Method``, ``Nested``, ``List``, plain ``Dict``) it does what marshmallow's ``_serialize``
does, inline; any other field (``Money`` and other decimals, a field class that overrides
``serialize`` or ``get_value``) is serialised by its own ``_serialize`` or ``serialize``, so
its output is marshmallow's by construction. The plan is then written out as one
straight-line Python function per schema (an attribute read and an inline format per field)
for mapped objects; dicts go through the general loop, which reads them as marshmallow's
accessor does. A schema with ``pre_dump``/``post_dump`` hooks or its own ``get_attribute``
is dumped by marshmallow itself.

``FastDumpSchema`` is the base of every list envelope (``schemas.list_schema``): its
``dump`` uses the plan, so every API list (flask-smorest calls ``schema.dump``) gets it with
no change to its view, and the OpenAPI document (built from the declared fields) is the
same. ``tests/unit/test_api_dumping.py`` compares the two dumps field type by field type.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields
from marshmallow import utils as ma_utils
from marshmallow.decorators import POST_DUMP, PRE_DUMP

missing = ma.missing

# Plans by schema instance (a nested field's schema is built once per field and kept).
_PLANS: weakref.WeakKeyDictionary[ma.Schema, Callable[[Any], dict] | None] = (
    weakref.WeakKeyDictionary()
)

# What a field's plan entry does with the object (kinds of getting) …
_ATTRIBUTE, _FUNCTION, _METHOD, _SERIALIZE = range(4)
# … and with the value it got (kinds of formatting).
_AS_IS, _INT, _STR, _FORMAT, _NESTED, _NESTED_MANY, _LIST, _DICT, _OWN = range(9)


def dumper(schema: ma.Schema) -> Callable[[Any], dict] | None:
    """Return a function giving ``schema.dump(obj, many=False)``, or None when the schema must
    be dumped by marshmallow (hooks, its own accessor)."""
    try:
        return _PLANS[schema]
    except KeyError:
        pass
    plan = _compile(schema)
    _PLANS[schema] = plan
    return plan


def dump(schema: ma.Schema, obj: Any, *, many: bool | None = None) -> Any:
    """Return ``schema.dump(obj, many=many)`` through the schema's plan."""
    many = schema.many if many is None else bool(many)
    function = dumper(schema)
    if function is None:
        return ma.Schema.dump(schema, obj, many=many)
    if many and obj is not None:
        return [function(item) for item in obj]
    return function(obj)


class FastDumpSchema(ma.Schema):
    """A response schema whose ``dump`` runs through its precompiled plan."""

    def dump(self, obj: Any, *, many: bool | None = None):
        return dump(self, obj, many=many)


_DEPTH = threading.local()


def _compile(schema: ma.Schema) -> Callable[[Any], dict] | None:
    # A schema nesting itself would compile without end: past a few levels the nested
    # schema is dumped by marshmallow.
    depth = getattr(_DEPTH, "value", 0)
    if depth > 8:
        return None
    _DEPTH.value = depth + 1
    try:
        return _compile_fields(schema)
    finally:
        _DEPTH.value = depth


def _compile_fields(schema: ma.Schema) -> Callable[[Any], dict] | None:
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        return None
    if type(schema).get_attribute is not ma.Schema.get_attribute:
        return None
    if schema.dict_class is not dict:
        return None
    accessor = schema.get_attribute
    entries = []
    for attr_name, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else attr_name
        entries.append(_entry(key, attr_name, field, accessor))
    entries = tuple(entries)

    def run(obj: Any) -> dict:
        out = {}
        indexable = hasattr(obj, "__getitem__")
        for key, attr, source, get, default, kind, extra in entries:
            if get == _ATTRIBUTE:
                if indexable or "." in source:
                    value = ma_utils.get_value(obj, source, missing)
                else:
                    value = getattr(obj, source, missing)
                if value is missing:
                    if default is missing:
                        continue
                    value = default() if callable(default) else default
                    if value is missing:
                        continue
            elif get == _FUNCTION:
                out[key] = extra(obj)
                continue
            elif get == _METHOD:
                value = extra(obj) if extra is not None else missing
                if value is not missing:
                    out[key] = value
                continue
            else:  # _SERIALIZE: the field's own serialize
                value = extra.serialize(attr, obj, accessor=accessor)
                if value is not missing:
                    out[key] = value
                continue
            out[key] = _format(kind, extra, value, attr, obj)
        return out

    return _generate(entries, run, accessor)


# Inline formatting of a value ``v`` by kind; ``f`` is the entry's extra (see _formatter).
_INLINE = {
    _AS_IS: "v",
    _INT: "v if v is None or type(v) is int else int(v)",
    _STR: "v if v is None or type(v) is str else ensure_text(v)",
    _FORMAT: "None if v is None else {f}(v)",
    _NESTED: "None if v is None else {f}(v)",
    _NESTED_MANY: "None if v is None else [{f}(item) for item in v]",
    _DICT: "None if v is None else {f}(v)",
}


def _generate(entries: tuple, general: Callable[[Any], dict], accessor) -> Callable:
    """Return ``general`` as straight-line Python for plain objects (an attribute read and an
    inline format per field, no loop); indexable objects (dicts) go through ``general``, which
    reads them as marshmallow's accessor does."""
    names: dict[str, Any] = {
        "missing": missing,
        "general": general,
        "accessor": accessor,
        "ensure_text": ma_utils.ensure_text_type,
        "format_value": _format,
    }
    lines = ["def run(obj):", "    if hasattr(obj, '__getitem__'):", "        return general(obj)"]
    lines.append("    out = {}")
    for number, (key, attr, source, get, default, kind, extra) in enumerate(entries):
        f = f"f{number}"
        names[f] = extra
        if get == _FUNCTION:
            lines.append(f"    out[{key!r}] = {f}(obj)")
            continue
        if get == _METHOD:
            if extra is not None:
                lines += [
                    f"    v = {f}(obj)",
                    "    if v is not missing:",
                    f"        out[{key!r}] = v",
                ]
            continue
        if get == _SERIALIZE:
            lines += [
                f"    v = {f}.serialize({attr!r}, obj, accessor=accessor)",
                "    if v is not missing:",
                f"        out[{key!r}] = v",
            ]
            continue
        if "." in source or default is not missing:
            return general  # rare: dotted attributes, dump defaults
        if kind in _INLINE:
            value = _INLINE[kind].format(f=f)
        elif kind == _LIST:
            each = f"format_value({f}[0], {f}[1], e, {attr!r}, obj)"
            value = f"None if v is None else [{each} for e in v]"
        else:  # _OWN
            value = f"{f}._serialize(v, {attr!r}, obj)"
        lines += [
            f"    v = getattr(obj, {source!r}, missing)",
            "    if v is not missing:",
            f"        out[{key!r}] = {value}",
        ]
    lines.append("    return out")
    exec(compile("\n".join(lines), "<api dumper>", "exec"), names)  # noqa: S102 - our own code
    return names["run"]


def _format(kind: int, extra: Any, value: Any, attr: str, obj: Any) -> Any:
    """Format ``value`` the way the field's ``_serialize`` does."""
    if kind == _AS_IS:
        return value
    if value is None and kind != _OWN:
        return None
    if kind == _INT:
        return value if type(value) is int else int(value)
    if kind == _STR:
        return value if type(value) is str else ma_utils.ensure_text_type(value)
    if kind == _FORMAT:
        return extra(value)
    if kind == _NESTED:
        return extra(value)
    if kind == _NESTED_MANY:
        return [extra(item) for item in value]
    if kind == _LIST:
        inner_kind, inner_extra = extra
        return [_format(inner_kind, inner_extra, each, attr, obj) for each in value]
    if kind == _DICT:
        return extra(value)
    return extra._serialize(value, attr, obj)  # _OWN


def _entry(key: str, attr: str, field: fields.Field, accessor) -> tuple:
    """Return (key, attr, source, get, dump_default, kind, extra) for one dump field."""
    cls = type(field)
    if cls.serialize is not fields.Field.serialize or (
        field._CHECK_ATTRIBUTE and cls.get_value is not fields.Field.get_value
    ):
        return (key, attr, attr, _SERIALIZE, missing, _OWN, field)
    if isinstance(field, fields.Function) and cls._serialize is fields.Function._serialize:
        return (key, attr, attr, _FUNCTION, missing, _OWN, field.serialize_func)
    if isinstance(field, fields.Method) and cls._serialize is fields.Method._serialize:
        return (key, attr, attr, _METHOD, missing, _OWN, field._serialize_method)
    if not field._CHECK_ATTRIBUTE:
        return (key, attr, attr, _SERIALIZE, missing, _OWN, field)
    source = attr if field.attribute is None else field.attribute
    kind, extra = _formatter(field)
    return (key, attr, source, _ATTRIBUTE, field.dump_default, kind, extra)


def _formatter(field: fields.Field) -> tuple[int, Any]:
    """Return (kind, extra) formatting a value as ``field._serialize`` does."""
    cls = type(field)
    own = cls._serialize
    if own is fields.Field._serialize:  # Raw, Boolean: the value as it is
        return _AS_IS, None
    if (
        isinstance(field, fields.Integer)
        and own is fields.Number._serialize
        and cls._format_num is fields.Number._format_num
        and not field.as_string
    ):
        return _INT, None
    if own is fields.String._serialize:
        return _STR, None
    if own is fields._TemporalField._serialize:
        function = field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
        if function is not None:
            return _FORMAT, function
    if own is fields.Nested._serialize:
        schema = field.schema
        function = dumper(schema)
        if function is not None:
            return (_NESTED_MANY if (schema.many or field.many) else _NESTED), function
    if own is fields.List._serialize:
        return _LIST, _formatter(field.inner)
    if (
        isinstance(field, fields.Mapping)
        and own is fields.Mapping._serialize
        and field.key_field is None
        and field.value_field is None
    ):
        return _DICT, field.mapping_type
    return _OWN, field
