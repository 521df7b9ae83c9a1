"""The app's URL rules build their URLs when first asked (start-up does not
write ~750 builder functions), and build exactly what Werkzeug's own
rules build, for every route of the app."""

from __future__ import annotations

import pytest
from werkzeug.routing import Map, Rule

from portal.web.routing import LazyBuildRule

pytestmark = pytest.mark.once  # no database read

SAMPLES = {"IntegerConverter": 7, "PathConverter": "ก/ข c", "UnicodeConverter": "ทด สอบ",
           "UUIDConverter": "12345678-1234-5678-1234-567812345678"}


def _values(rule: Rule) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in rule.arguments:
        if rule.defaults and name in rule.defaults:
            continue
        converter = rule._converters[name]  # noqa: SLF001
        kind = type(converter).__name__
        values[name] = (sorted(converter.items)[0] if kind == "AnyConverter"  # type: ignore[attr-defined]
                        else SAMPLES.get(kind, "x"))
    return values


def test_every_route_builds_the_url_a_plain_rule_builds(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 300 and all(isinstance(r, LazyBuildRule) for r in rules
                                    if r.endpoint != "static")
    plain = Map([Rule(r.rule, **r.get_empty_kwargs()) for r in rules],
                converters=app.url_map.converters, host_matching=app.url_map.host_matching)
    lazy, eager = app.url_map.bind("localhost"), plain.bind("localhost")
    for rule in rules:
        values = _values(rule)
        for extra in ({}, {"q": "คำ ค้น", "page": 2}):
            args = {**values, **extra}
            assert lazy.build(rule.endpoint, args, method=sorted(rule.methods)[0]) == \
                eager.build(rule.endpoint, args, method=sorted(rule.methods)[0]), rule.rule


def test_a_rule_builds_again_from_the_code_it_wrote_once(app):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "public.home")
    adapter = app.url_map.bind("localhost")
    first = adapter.build("public.home", {"a": "1"})
    assert adapter.build("public.home", {"a": "1"}) == first
    assert rule._build.__closure__  # noqa: SLF001  (the deferring wrapper, kept)
