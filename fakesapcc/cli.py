"""The ``fakesapcc`` command: ``serve``, ``impex check`` and ``env``."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .config import OAUTH_PROFILES, Config, ConfigError, build_config
from .impex.loader import ImpexLoadError, LoadReport, impex_files, load_paths
from .runtime import Runtime, default_data_dir
from .db import Db

OAUTH_PATH = "/authorizationserver"
OCC_PATH = "/occ/v2"
ASM_PATH = "/assistedservicewebservices"


def _config_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared by the commands that build a Config (None = not given)."""
    parser.add_argument("--impex", action="append", metavar="PATH",
                        help="an ImpEx file or folder to load after the default data (repeatable)")
    parser.add_argument("--no-default-data", dest="default_data", action="store_const",
                        const=False, help="do not load the default seed")
    parser.add_argument("--properties", dest="properties_file", metavar="FILE",
                        help="a SAP .properties file")
    parser.add_argument("--manifest", metavar="FILE",
                        help="a SAP core-customize/manifest.json whose properties apply")
    parser.add_argument("--sap-version", metavar="VERSION",
                        help="the SAP Commerce version whose property defaults apply "
                             "(2211 = newest; e.g. 2211.15, or 2211-jdk21.1 for the Framework "
                             "Update and its OAuth)")
    parser.add_argument("--strict-impex", action="store_const", const=True,
                        help="unresolved references and UPDATEs of missing items are errors")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fakesapcc", description="An emulator of SAP Commerce "
                                     "Cloud's OAuth server, OCC v2 and ASM web services.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 9001; 0 = any free port)")
    serve.add_argument("--server", choices=["granian", "waitress"],
                       help="the HTTP server (default granian)")
    serve.add_argument("--threads", type=int,
                       help="requests the app runs at once (default 2)")
    serve.add_argument("--token-format", choices=["opaque", "jwt"],
                       help="access token format (default: the OAuth profile's)")
    serve.add_argument("--oauth-profile", choices=list(OAUTH_PROFILES),
                       help="the authorization server: classic (spring-security-oauth2) or "
                            "authorization-server (Spring Authorization Server); default: by "
                            "--sap-version")
    serve.add_argument("--admin-token", metavar="TOKEN",
                       help="bearer token the control plane requires when bound beyond 127.0.0.1")
    serve.add_argument("--no-admin", dest="admin", action="store_const", const=False,
                       help="serve no control plane (/_fakesapcc)")
    serve.add_argument("--strict-emulation", action="store_const", const=True,
                       help="an agent calling OCC user endpoints as 'current' gets a 400")
    serve.add_argument("--cors-origin", dest="cors_origins", action="append", metavar="URL",
                       help="allow this browser origin on every web app (repeatable)")
    serve.add_argument("--tls", choices=["self-signed"],
                       help="serve HTTPS with a throwaway self-signed certificate")
    serve.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate")
    serve.add_argument("--tls-key", metavar="FILE", help="the private key of --tls-cert")
    _config_flags(serve)

    impex = sub.add_parser("impex", help="ImpEx tools")
    impex_sub = impex.add_subparsers(dest="impex_command", required=True)
    check = impex_sub.add_parser("check", help="load ImpEx files into a scratch store and report")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--no-default-data", dest="default_data", action="store_const",
                       const=False, help="check against an empty store, not the default seed")
    check.add_argument("--properties", dest="properties_file", metavar="FILE")
    check.add_argument("--manifest", metavar="FILE")
    check.add_argument("--strict", dest="strict_impex", action="store_const", const=True,
                       help="unresolved references and UPDATEs of missing items are errors")

    gen = sub.add_parser("generate", help="write a made-up data set as ImpEx (Faker, seeded)")
    gen.add_argument("--customers", type=int, default=1000)
    gen.add_argument("--products", type=int, default=0)
    gen.add_argument("--orders", type=int, default=0)
    gen.add_argument("--seed", type=int, default=1, help="the same seed writes the same bytes")
    gen.add_argument("-o", "--out", required=True, metavar="FOLDER")

    env = sub.add_parser("env", help="print a .env block for a storefront pointing here")
    env.add_argument("--host", help="host the storefront reaches the server at")
    env.add_argument("--port", type=int)
    env.add_argument("--site", help="the base site (default: the first B2C site)")
    _config_flags(env)
    return parser


def _cli_values(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("host", "port", "server", "threads", "token_format", "oauth_profile", "impex",
            "default_data",
            "properties_file", "manifest", "sap_version", "strict_impex", "admin", "admin_token",
            "strict_emulation", "cors_origins", "tls", "tls_cert", "tls_key")
    return {k: getattr(args, k, None) for k in keys}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "generate":
        from pathlib import Path

        from .generate import generate

        generate(Path(args.out), customers=args.customers, products=args.products,
                 orders=args.orders, seed=args.seed,
                 echo=lambda text: print(text, file=sys.stderr))
        return 0
    try:
        config = build_config(_cli_values(args))
    except ConfigError as exc:
        print(f"fakesapcc: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve(config)
    if args.command == "impex":
        return impex_check(config, args.paths)
    return print_env(config, args.site)


# ---------------------------------------------------------------------------------- commands


def print_report(report: LoadReport, out=sys.stdout) -> None:
    for f in report.files:
        state = "loaded" if f.loaded else "NOT LOADED"
        print(f"{f.file}: {state}", file=out)
        for type_code, count in sorted(f.counts.items()):
            print(f"  {type_code}: {count}", file=out)
        for type_code, count in sorted(f.skipped.items()):
            print(f"  {type_code}: {count} skipped", file=out)
        for d in f.diagnostics:
            print(f"  {d}", file=out)


def impex_check(config: Config, paths: list[str]) -> int:
    """Load the default data (unless disabled), then each file into a scratch store."""
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"fakesapcc: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    db = Db()
    if config.default_data:
        base = load_paths(db, [default_data_dir()], config=config.properties)
        if not base.ok:
            print_report(base)
            return 1
    report = load_paths(db, impex_files(paths), config=config.properties,
                        strict=config.strict_impex, stop_on_error=False)
    print_report(report)
    errors = len(report.errors)
    warnings = sum(1 for f in report.files for d in f.diagnostics if d.level == "warning")
    print(f"{len(report.files)} file(s), {sum(report.counts().values())} row(s) applied, "
          f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def print_env(config: Config, site_uid: str | None) -> int:
    rt = Runtime(config)
    try:
        rt.load_seed()
    except ImpexLoadError as exc:
        print_report(exc.report, sys.stderr)
        return 1
    state = rt.db.state
    sites = sorted(state.base_sites.values(), key=lambda s: (s.channel != "B2C", s.uid))
    site = state.base_sites.get(site_uid) if site_uid else (sites[0] if sites else None)
    if site_uid and site is None:
        print(f"fakesapcc: no base site '{site_uid}'", file=sys.stderr)
        return 2
    store = state.base_stores.get(site.stores[0]) if site and site.stores else None
    catalog = store.catalogs[0] if store and store.catalogs else ""
    base = config.base_url
    lines = {
        "SAPCC_OAUTH_URI": f"{base}{OAUTH_PATH}",
        "SAPCC_OAUTH_CLIENT_ID": "mobile_android",
        "SAPCC_OAUTH_CLIENT_SECRET": "secret",
        "SAPCC_OAUTH_TOKEN_ENDPOINT": "/oauth/token",
        "SAPCC_OAUTH_TOKEN_REVOKE_ENDPOINT": "/oauth/revoke",
        "SAPCC_API_URI": f"{base}{OCC_PATH}",
        "SAPCC_ASM_API_URI": f"{base}{ASM_PATH}",
        "DEFAULT_BASE_SITE_ID": site.uid if site else "",
        "DEFAULT_CATALOG_ID": catalog,
        "DEFAULT_CATALOG_VERSION": "Online",
        "DEFAULT_LANGUAGE": (store.defaultLanguage if store else None) or "en",
        "DEFAULT_CURRENCY": (store.defaultCurrency if store else None) or "USD",
    }
    print("# fakesapcc: paste into your storefront's .env")
    for key, value in lines.items():
        print(f"{key}={value}")
    return 0


def serve(config: Config) -> int:
    """Serve (granian by default, see ``server``); the seed loads once the server runs, so
    /_fakesapcc/health answers at once and /_fakesapcc/ready when loaded."""
    from .api import runtime
    from .app import create_app
    from .server import make_server
    from .tls import tls_from_config

    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(config, load_seed=False)
    try:
        server = make_server(app, config.host, config.port, config.threads,
                             tls=tls_from_config(config), kind=config.server)
    except OSError as exc:
        print(f"fakesapcc: cannot listen on {config.host}:{config.port}: {exc.strerror}",
              file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"fakesapcc: {exc}", file=sys.stderr)
        return 2
    port = server.effective_port  # type: ignore[union-attr]
    config.port = int(port)
    rt = runtime(app)
    failed = threading.Event()

    def load() -> None:
        try:
            report = rt.load_seed()
        except ImpexLoadError as exc:
            print_report(exc.report, sys.stderr)
            print("fakesapcc: the seed did not load; stopping", file=sys.stderr)
            failed.set()
            server.close()
            return
        items = sum(report.counts().values())
        base = config.base_url
        print(f"fakesapcc ready: {items} items from {len(report.files)} file(s) | "
              f"OAuth {base}{OAUTH_PATH} | OCC {base}{OCC_PATH} | ASM {base}{ASM_PATH}",
              flush=True)

    print(f"fakesapcc: {config.flags_line()}", file=sys.stderr, flush=True)
    server.on_start(lambda: threading.Thread(target=load, name="fakesapcc-seed",
                                             daemon=True).start())
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    except OSError:
        if not failed.is_set():
            raise
    return 1 if failed.is_set() else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
