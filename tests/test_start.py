"""What the server's start skips or does cheaper behaves as what it replaces: marshmallow's
hooks found in one pass (``api.schemabase.SchemaMeta``), its e-mail patterns compiled on first
use (``LazyPattern``)."""
from __future__ import annotations

import marshmallow as ma
import pytest

import fakesapcc.api.asm  # noqa: F401  (the modules that declare schemas)
import fakesapcc.api.occ  # noqa: F401
from fakesapcc.api import admin, admin_aftersales, admin_b2b, oauth  # noqa: F401
from fakesapcc.api.schemabase import LazyPattern, Schema


def _schemas(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_schemas(sub)]
    return found


def test_every_schema_finds_the_hooks_marshmallow_would():
    schemas = [c for c in _schemas(ma.Schema) if c.__module__.startswith("fakesapcc.")]
    assert len(schemas) > 200 and all(issubclass(c, Schema) for c in schemas)
    assert sum(1 for c in schemas if c._hooks) >= 20
    for cls in schemas:  # (a schema in use adds the tags it asked for, without hooks)
        hooks = {tag: found for tag, found in cls._hooks.items() if found}
        assert hooks == dict(ma.schema.SchemaMeta.resolve_hooks(cls)), cls


def test_a_hook_overridden_by_a_plain_method_is_gone():
    class Base(Schema):
        @ma.validates_schema
        def check(self, data, **kwargs):
            raise ma.ValidationError("base")

    class Child(Base):
        def check(self, data, **kwargs):  # no longer a hook
            pass

    assert Base().validate({}) == {"_schema": ["base"]}
    assert Child().validate({}) == {}


@pytest.mark.parametrize("value, valid", [("a@example.com", True), ("a@bücher.de", True),
                                          ("a@@example.com", False), ("a@b", False)])
def test_the_email_validator_compiles_its_patterns_when_first_used(value, valid):
    assert isinstance(ma.validate.Email.DOMAIN_REGEX, LazyPattern)

    class S(Schema):
        e = ma.fields.Email()

    assert (S().validate({"e": value}) == {}) is valid


def test_every_rule_parses_as_werkzeug_parses_it():
    """The app's rules parse a segment at a time, each segment once (``app._Rule``): every
    rule's parts, converters and arguments are what werkzeug's own parse makes."""
    from werkzeug.routing import Rule

    from fakesapcc.app import create_app
    from fakesapcc.config import build_config

    app = create_app(build_config({}, env={}), load_seed=False)
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 300 and any("<path:" in r.rule for r in rules)
    for rule in rules:
        plain = Rule(rule.rule, methods=rule.methods, endpoint=rule.endpoint)
        plain.bind(app.url_map, rebind=True)
        assert (plain._parts, plain._trace, plain.arguments) == \
            (rule._parts, rule._trace, rule.arguments), rule.rule
        assert {k: (type(v), v.regex) for k, v in plain._converters.items()} == \
            {k: (type(v), v.regex) for k, v in rule._converters.items()}, rule.rule
