"""Configuration: defaults, SAP properties, manifest, env and CLI, by precedence."""
import json

import pytest

from fakesapcc.config import ConfigError, build_config, read_manifest, read_properties


def test_defaults_serve_the_newest_2211():
    config = build_config({}, env={})
    assert (config.host, config.port, config.default_data) == ("127.0.0.1", 9001, True)
    assert config.prop_bool("toggle.customer360.enabled") is True
    assert config.prop("assistedservicewebservices.api.restrictions.disabled.endpoints") == ""
    assert config.prop_int("oauth2.accessTokenValiditySeconds", 0) == 43200


def test_sap_version_below_2211_16_turns_the_toggles_off():
    config = build_config({"sap_version": "2211.15"}, env={})
    assert config.prop_bool("toggle.customerList.enabled") is False
    assert config.prop_list("assistedservicewebservices.api.restrictions.disabled.endpoints") == ["getPointOfServices"]
    assert build_config({"sap_version": "2211.16"}, env={}).prop_bool("toggle.customerList.enabled")


def test_bad_sap_version_is_a_config_error():
    with pytest.raises(ConfigError):
        build_config({"sap_version": "latest"}, env={})


def test_precedence_cli_over_env_over_properties(tmp_path):
    props = tmp_path / "local.properties"
    props.write_text("fakesapcc.port=9100\nfakesapcc.host=0.0.0.0\ntoggle.customer360.enabled=false\n")
    env = {"FAKESAPCC_PORT": "9200"}
    config = build_config({"properties_file": str(props)}, env=env)
    assert config.port == 9200 and config.host == "0.0.0.0"
    assert config.prop_bool("toggle.customer360.enabled", True) is False
    assert build_config({"properties_file": str(props), "port": 9300}, env=env).port == 9300


def test_env_values_are_typed_and_validated():
    assert build_config({}, env={"FAKESAPCC_DEFAULT_DATA": "false"}).default_data is False
    assert build_config({}, env={"FAKESAPCC_IMPEX": "a.impex,b"}).impex == ["a.impex", "b"]
    with pytest.raises(ConfigError):
        build_config({}, env={"FAKESAPCC_PORT": "nine"})


def test_manifest_properties_apply_by_aspect_and_persona(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"properties": [
        {"key": "toggle.customer360.enabled", "value": "true"},
        {"key": "toggle.customerList.enabled", "value": "true", "aspect": "api"},
        {"key": "only.storefront", "value": "x", "aspect": "accstorefront"},
        {"key": "only.prod", "value": "x", "persona": "production"},
    ]}))
    config = build_config({"manifest": str(manifest), "sap_version": "2211.15"}, env={})
    assert config.prop_bool("toggle.customer360.enabled") and config.prop_bool("toggle.customerList.enabled")
    assert config.prop("only.storefront") is None and config.prop("only.prod") is None


def test_missing_or_broken_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError):
        build_config({"manifest": str(tmp_path / "none.json")}, env={})
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(ConfigError):
        build_config({"manifest": str(bad)}, env={})


def test_read_properties_handles_java_syntax():
    text = "# c\n! c\na=1\nb : two words\nc three\nlong=x\\\n   y\nu=\\u00e9\\tz\nempty=\n"
    assert read_properties(text) == {"a": "1", "b": "two words", "c": "three", "long": "xy",
                                     "u": "é\tz", "empty": ""}


def test_read_manifest_ignores_entries_without_key():
    assert read_manifest('{"properties":[{"value":"x"},{"key":"k","value":null}]}') == {"k": ""}
