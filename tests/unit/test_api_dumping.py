"""The precompiled dumper (app/api/dumping.py) gives what marshmallow's dump gives, field type
by field type, for objects and dicts, missing and None values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import marshmallow as ma
from marshmallow import fields, post_dump

from app.api import dumping
from app.api.schemas import Money, list_schema


class Child(ma.Schema):
    id = fields.Integer()
    name = fields.String()


class Hooked(ma.Schema):
    id = fields.Integer()

    @post_dump
    def _mark(self, data, **kwargs):
        data["hooked"] = True
        return data


class Upper(fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value).upper()


class Everything(ma.Schema):
    number = fields.Integer()
    number_text = fields.Integer(as_string=True)
    ratio = fields.Float()
    text = fields.String()
    renamed = fields.String(data_key="called", attribute="text", dump_only=True)
    dotted = fields.Integer(attribute="child.id", dump_only=True)
    flag = fields.Boolean()
    day = fields.Date()
    moment = fields.AwareDateTime(format="iso")
    stamp = fields.DateTime(format="%Y/%m/%d")
    amount = Money(allow_none=True)
    raw = fields.Raw()
    mapping = fields.Dict()
    typed_mapping = fields.Dict(keys=fields.String(), values=fields.Integer())
    function = fields.Function(lambda o: f"#{o.number}")
    method = fields.Method("_method")
    nothing = fields.Method()
    child = fields.Nested(Child, allow_none=True)
    only_child = fields.Nested(Child, only=("id",), attribute="child", dump_only=True)
    children = fields.List(fields.Nested(Child))
    many_children = fields.Nested(Child, many=True, attribute="children", dump_only=True)
    names = fields.List(fields.String())
    hooked = fields.Nested(Hooked, attribute="child", dump_only=True)
    upper = Upper(attribute="text", dump_only=True)
    plucked = fields.Pluck(Child, "name", attribute="child", dump_only=True)
    defaulted = fields.String(dump_default="none given")
    absent = fields.String()
    secret = fields.String(load_only=True)

    def _method(self, obj):
        return [obj.number, "method"]


def _object(**overrides):
    child = SimpleNamespace(id=7, name="Ünïcode")
    values = {
        "number": 3,
        "number_text": 12,
        "ratio": 0.5,
        "text": "Maple",
        "child": child,
        "flag": True,
        "day": date(2027, 3, 1),
        "moment": datetime(2027, 3, 1, 17, 0, tzinfo=UTC),
        "stamp": datetime(2027, 3, 1, 17, 0),
        "amount": Decimal("75"),
        "raw": {"a": [1, 2]},
        "mapping": {"x": 1},
        "typed_mapping": {"y": "2"},
        "children": [child, SimpleNamespace(id=8, name="b")],
        "names": ["a", 5],
        "secret": "hidden",
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_the_plan_equals_marshmallow_for_every_field_type():
    schema = Everything()
    for obj in (
        _object(),
        _object(flag="false", number=True, amount=None, child=None, text=None, day=None),
        _object(children=[], names=None, moment=None, mapping=None, number=None),
    ):
        assert dumping.dump(schema, obj) == ma.Schema.dump(schema, obj)
    objects = [_object(), _object(number=9)]
    assert dumping.dump(schema, objects, many=True) == ma.Schema.dump(schema, objects, many=True)


def test_dicts_and_missing_keys_as_marshmallow():
    schema = Everything(only=("number", "text", "defaulted", "absent", "renamed", "dotted"))
    for obj in ({"number": 1, "text": "t", "child": {"id": 2}}, {}, {"items": 1}):
        assert dumping.dump(schema, obj) == ma.Schema.dump(schema, obj)


def test_hooks_and_unknown_schemas_fall_back_to_marshmallow():
    assert dumping.dumper(Hooked()) is None
    obj = SimpleNamespace(id=1)
    assert dumping.dump(Hooked(), obj) == {"id": 1, "hooked": True}


class Tree(ma.Schema):
    name = fields.String()
    parent = fields.Nested(lambda: Tree(), allow_none=True)


def test_a_schema_nesting_itself_compiles_and_dumps_as_marshmallow():
    leaf = SimpleNamespace(name="a", parent=SimpleNamespace(name="b", parent=None))
    assert dumping.dump(Tree(), leaf) == ma.Schema.dump(Tree(), leaf)


def test_the_list_envelope_dumps_through_the_plan():
    envelope = list_schema(Everything, "EverythingList")()
    assert isinstance(envelope, dumping.FastDumpSchema)
    data = {"items": [_object(), _object(number=4)], "total": 2, "total_exact": True, "page": 1}
    assert envelope.dump(data) == ma.Schema.dump(envelope, data)
    assert "per_page" not in envelope.dump(data)
