"""Configuration: one ``Config`` for the whole server.

Every setting can come from (later wins):
1. its default;
2. SAP properties: a ``.properties`` file or the ``properties`` array of a SAP
   ``core-customize/manifest.json``, under the key ``fakesapcc.<name>`` (``fakesapcc.port=9002``);
3. an environment variable ``FAKESAPCC_<NAME>`` (``FAKESAPCC_PORT=9002``);
4. a CLI flag (``--port 9002``).

Besides the settings, the SAP properties themselves (``toggle.*``, ``oauth2.*``,
``*.api.restrictions.disabled.endpoints``, ``corsfilter.*`` …) stay available to every layer in
``Config.properties``, on top of defaults that follow ``sap_version``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NEWEST_VERSION = "2211"
# SAP's Framework Update line (JDK 21, Spring 6; September 2025 onward): ``2211-jdk21.1`` …
FRAMEWORK_UPDATE = re.compile(r"2211-jdk21(?:\.(\d+))?")
# the authorization server's two dialects (security.authserver): spring-security-oauth2 (the
# ``oauth2`` extension, every release before the Framework Update) and Spring Authorization
# Server (the ``authorizationserver`` extension of the Framework Update)
CLASSIC = "classic"
AUTHORIZATION_SERVER = "authorization-server"
OAUTH_PROFILES = (CLASSIC, AUTHORIZATION_SERVER)
FLAG_PROPERTIES = ("toggle.customer360.enabled", "toggle.customerList.enabled",
                   "assistedservicewebservices.api.restrictions.disabled.endpoints",
                   "commercewebservices.api.restrictions.disabled.endpoints")


class ConfigError(ValueError):
    """A configuration value or file that cannot be used."""


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 9001
    impex: list[str] = field(default_factory=list)
    default_data: bool = True
    properties_file: str | None = None
    manifest: str | None = None
    manifest_aspect: str = "api"
    sap_version: str = NEWEST_VERSION
    #: classic | authorization-server; None: by ``sap_version`` (``default_oauth_profile``)
    oauth_profile: str | None = None
    #: opaque | jwt; None: the profile's (classic opaque, authorization-server jwt)
    token_format: str | None = None
    strict_impex: bool = False
    seed_cache: bool = True  # restore a seed loaded before from its cache (fakesapcc.seedcache)
    server: str = "granian"  # granian | waitress (plain HTTP; HTTPS is cheroot)
    threads: int = 2  # requests the app runs at once (see the README's "Speed")
    log_level: str = "info"
    #: the store on disk: loaded instead of the seed when it exists, kept written (persistence)
    state_file: str | None = None
    # the control plane (/_fakesapcc)
    admin: bool = True  # --no-admin removes it
    admin_token: str | None = None  # required as a bearer token when bound beyond loopback
    #: Host names the control plane answers to besides loopback (compose service names)
    allowed_hosts: list[str] = field(default_factory=list)
    strict_emulation: bool = False  # an agent acting as itself on OCC user endpoints → 400
    journal_size: int = 1000  # request journal entries kept
    # browsers
    cors_origins: list[str] = field(default_factory=list)  # shortcut: allowed origins, every web app
    tls: str | None = None  # "self-signed" for a throwaway certificate
    tls_cert: str | None = None
    tls_key: str | None = None
    #: the scheme, host and port clients reach fakesapcc at, for the URLs it hands out (the
    #: silent-order-post postUrl, the home page's links); None: ``base_url``
    public_url: str | None = None
    # request limits (api.limits)
    max_body_size: int = 4 * 1024 * 1024  # bytes of a request body on SAP's web apps; beyond: 413
    max_header_size: int = 8192  # bytes of a request's header fields (Tomcat's maxHttpHeaderSize)
    properties: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.oauth_profile is None:
            self.oauth_profile = default_oauth_profile(self.sap_version)
        if self.token_format is None:
            self.token_format = "jwt" if self.oauth_profile == AUTHORIZATION_SERVER else "opaque"

    # -- derived ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        scheme = "https" if self.tls or self.tls_cert else "http"
        return f"{scheme}://{host}:{self.port}"

    @property
    def public_base_url(self) -> str:
        """Where clients reach fakesapcc: ``public_url`` when configured, else ``base_url``;
        never the request's Host header."""
        return (self.public_url or self.base_url).rstrip("/")

    def prop(self, key: str, default: str | None = None) -> str | None:
        return self.properties.get(key, default)

    def prop_bool(self, key: str, default: bool = False) -> bool:
        value = self.properties.get(key)
        return default if value is None else value.strip().lower() == "true"

    def prop_int(self, key: str, default: int) -> int:
        value = self.properties.get(key)
        try:
            return int(value) if value is not None and value.strip() else default
        except ValueError:
            return default

    def prop_list(self, key: str, sep: str = ",") -> list[str]:
        value = self.properties.get(key) or ""
        return [x.strip() for x in re.split(sep, value) if x.strip()]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def flags(self) -> dict[str, str]:
        """The version-dependent SAP properties in force (shown at start-up and on the control
        plane)."""
        return {key: self.properties.get(key, "") for key in FLAG_PROPERTIES}

    def flags_line(self) -> str:
        version = "2211 (newest)" if self.sap_version == NEWEST_VERSION else self.sap_version
        shown = " | ".join(f"{k}={v if v != '' else '(empty)'}" for k, v in self.flags().items())
        return (f"SAP Commerce {version} | OAuth {self.oauth_profile} ({self.token_format} "
                f"tokens) | {shown}")


SETTINGS = {f.name: f for f in dataclasses.fields(Config) if f.name != "properties"}


KNOWN_VERSIONS = ("2211 (the newest patch) and its patches 2211.1, 2211.2, … (the defaults "
                  "change at 2211.16), and the Framework Update line 2211-jdk21, 2211-jdk21.1, …")
LOG_LEVELS = ("debug", "info", "warning", "error")


def version_tuple(version: str) -> tuple[int, ...]:
    """``2211.15`` → ``(2211, 15)``; plain ``2211`` means the newest 2211 patch, and so does
    the Framework Update line (``2211-jdk21``, ``2211-jdk21.1`` …), which carries every
    feature of the 2211 updates before it. fakesapcc emulates SAP Commerce Cloud 2211: any
    other release is a ConfigError naming the known versions."""
    if framework_update(version):
        return (2211, 10_000)
    text = str(version).strip()
    if not re.fullmatch(r"\d{4}(\.\d{1,3})?", text):
        raise ConfigError(f"--sap-version must look like 2211, 2211.16 or 2211-jdk21.1, not "
                          f"'{version}'; fakesapcc knows SAP Commerce {KNOWN_VERSIONS}")
    parts = tuple(int(x) for x in text.split("."))
    if parts[0] != 2211:
        raise ConfigError(f"SAP Commerce {text} is not a version fakesapcc emulates: it knows "
                          f"{KNOWN_VERSIONS}")
    if parts == (2211,):
        return (2211, 10_000)
    return parts


def framework_update(version: str) -> bool:
    """A version of SAP's Framework Update line (JDK 21 and Spring 6, from September 2025:
    ``2211-jdk21.1`` …), whose OAuth is Spring Authorization Server."""
    return FRAMEWORK_UPDATE.fullmatch(version.strip().lower()) is not None


def default_oauth_profile(sap_version: str) -> str:
    """The authorization server a SAP Commerce version ships: ``authorization-server`` on the
    Framework Update line (the ``oauth2`` extension was removed there), ``classic`` before it.
    Plain ``2211`` stays ``classic``: the 2211 updates on JDK 17 keep the ``oauth2`` extension,
    and what most clients and suites still call (docs/fidelity.md, "OAuth profiles")."""
    return AUTHORIZATION_SERVER if framework_update(sap_version) else CLASSIC


def default_properties(sap_version: str) -> dict[str, str]:
    """SAP's property defaults that fakesapcc honours, for one SAP Commerce version."""
    modern = version_tuple(sap_version) >= (2211, 16)
    return {
        "oauth2.accessTokenValiditySeconds": "43200",
        "oauth2.refreshTokenValiditySeconds": "2592000",
        "commercewebservices.oauth2.password.scope": "basic",
        "commercewebservices.oauth2.clientCredentials.scope": "extended",
        "toggle.customer360.enabled": "true" if modern else "false",
        "toggle.customerList.enabled": "true" if modern else "false",
        "assistedservicewebservices.api.restrictions.disabled.endpoints":
            "" if modern else "getPointOfServices",
        "commercewebservices.api.restrictions.disabled.endpoints": "",
        "assistedserviceservices.instore.customergroup.prefix": "POS_",
        "assistedserviceservices.recent.sessions.limit": "20",
        "assistedserviceservices.bopis.default.status": "READY_FOR_PICKUP",
        "corsfilter.commercewebservices.allowedOrigins": "http://localhost:4200 https://localhost:4200",
        "corsfilter.commercewebservices.allowedMethods": "GET HEAD OPTIONS PATCH PUT POST DELETE",
        "corsfilter.commercewebservices.allowedHeaders":
            "origin content-type accept authorization cache-control if-none-match "
            "x-anonymous-consents sap-commerce-cloud-user-id",
        "corsfilter.commercewebservices.exposedHeaders": "x-anonymous-consents",
        "corsfilter.oauth2.allowedOrigins": "*",
        "corsfilter.oauth2.allowedMethods": "GET POST HEAD PUT PATCH DELETE OPTIONS",
        "corsfilter.oauth2.allowedHeaders": "origin content-type accept authorization",
        "corsfilter.assistedservicewebservices.allowedOrigins":
            "http://localhost:4200 https://localhost:4200",
        "corsfilter.assistedservicewebservices.allowedMethods":
            "GET HEAD OPTIONS PATCH PUT POST DELETE",
        "corsfilter.assistedservicewebservices.allowedHeaders":
            "origin content-type accept authorization x-anonymous-consents",
        "corsfilter.assistedservicewebservices.exposedHeaders": "x-anonymous-consents",
        # the silent-order-post mock provider the browser posts the card to (Spartacus' docs)
        "corsfilter.acceleratorservices.allowedOrigins": "http://localhost:4200 https://localhost:4200",
        "corsfilter.acceleratorservices.allowedMethods": "GET HEAD OPTIONS PATCH PUT POST DELETE",
        "corsfilter.acceleratorservices.allowedHeaders": "origin content-type accept authorization",
    }


# ------------------------------------------------------------------------------- file readers


def read_properties(text: str) -> dict[str, str]:
    """Java ``.properties`` text as Java's ``Properties.load`` reads it (``key=value``,
    ``key: value``, ``key value``; ``#``/``!`` comments; continuation lines; escapes), by the
    ``javaproperties`` library (imported here: it pulls in ``urllib.request`` and ``xml``, which
    a start without a properties file does not need)."""
    import javaproperties

    try:
        return dict(javaproperties.loads(text))
    except ValueError as exc:  # a malformed \\u escape
        raise ConfigError(f"not a valid .properties file: {exc}") from exc


def read_manifest(text: str, aspect: str = "api") -> dict[str, str]:
    """The ``properties`` of a SAP Commerce Cloud ``manifest.json``: entries without an
    ``aspect`` and those of ``aspect`` apply; a ``persona`` other than ``development`` does not."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"manifest is not valid JSON: {exc}") from exc
    entries = data.get("properties", []) if isinstance(data, dict) else []
    result: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, dict) or "key" not in entry:
            continue
        if entry.get("aspect") not in (None, "", aspect):
            continue
        if entry.get("persona") not in (None, "", "development"):
            continue
        result[str(entry["key"])] = "" if entry.get("value") is None else str(entry["value"])
    return result


# ---------------------------------------------------------------------------------- building


def _coerce(name: str, value: Any) -> Any:
    f = SETTINGS[name]
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    if isinstance(value, str):
        if kind == "int":
            try:
                return int(value)
            except ValueError as exc:
                raise ConfigError(f"{name} must be a whole number, not '{value}'") from exc
        if kind == "bool":
            if value.strip().lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ConfigError(f"{name} must be true or false, not '{value}'")
            return value.strip().lower() in ("true", "1", "yes")
        if kind.startswith("list"):
            return [x for x in re.split(r"[,\s]+", value) if x]
    return value


def build_config(cli: Mapping[str, Any] | None = None,
                 env: Mapping[str, str] | None = None) -> Config:
    """Merge defaults, SAP properties, ``FAKESAPCC_*`` environment variables and CLI values
    (``None`` in ``cli`` means "not given")."""
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    env = os.environ if env is None else env
    env_values = {name: env[f"FAKESAPCC_{name.upper()}"] for name in SETTINGS
                  if f"FAKESAPCC_{name.upper()}" in env}

    def pick(name: str) -> Any:
        if name in cli:
            return cli[name]
        if name in env_values:
            return _coerce(name, env_values[name])
        return None

    properties_file = pick("properties_file")
    manifest = pick("manifest")
    aspect = pick("manifest_aspect") or "api"
    sap_props: dict[str, str] = {}
    if manifest:
        sap_props.update(read_manifest(_read(manifest, "manifest"), aspect))
    if properties_file:
        sap_props.update(read_properties(_read(properties_file, "properties file")))
    extra_props = env.get("FAKESAPCC_PROPERTIES")  # "key=value;key2=value2"
    if extra_props:
        for pair in extra_props.split(";"):
            if "=" in pair:
                k, v = pair.split("=", 1)
                sap_props[k.strip()] = v.strip()

    values: dict[str, Any] = {}
    for name in SETTINGS:
        value = pick(name)
        if value is None and f"fakesapcc.{name}" in sap_props:
            value = _coerce(name, sap_props[f"fakesapcc.{name}"])
        if value is not None:
            values[name] = value
    config = Config(**values)
    version_tuple(config.sap_version)  # validate
    if config.server not in ("granian", "waitress"):
        raise ConfigError(f"server must be granian or waitress, not '{config.server}'")
    if config.threads < 1:
        raise ConfigError(f"threads must be at least 1, not {config.threads}")
    if config.token_format not in ("opaque", "jwt"):
        raise ConfigError(f"token format must be opaque or jwt, not '{config.token_format}'")
    if config.oauth_profile not in OAUTH_PROFILES:
        raise ConfigError(f"OAuth profile must be {' or '.join(OAUTH_PROFILES)}, "
                          f"not '{config.oauth_profile}'")
    if config.public_url is not None:
        config.public_url = _public_url(config.public_url)
    if config.max_body_size < 1 or config.max_header_size < 1:
        raise ConfigError("max body size and max header size must be positive byte counts")
    config.log_level = str(config.log_level).lower()
    if config.log_level not in LOG_LEVELS:
        raise ConfigError(f"log level must be one of {', '.join(LOG_LEVELS)}, not "
                          f"'{config.log_level}' (--log-level, FAKESAPCC_LOG_LEVEL)")
    config.properties = {**default_properties(config.sap_version), **sap_props,
                         **dict(cli.get("properties") or {})}
    return config


def _public_url(value: str) -> str:
    from urllib.parse import urlsplit

    text = str(value).strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"public URL must be http(s)://host[:port], not '{value}' "
                          "(--public-url, FAKESAPCC_PUBLIC_URL)")
    return text


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from exc
