"""The ``fakesapcc`` command, on click: ``serve``, ``generate``, ``impex check``, ``env`` and
``health``.

A sub-command is one decorated function on the ``cli`` group (or on ``impex``), taking the
shared options with ``@setting_options`` and building its ``Config`` with ``config_from``.
Options that are settings are ``Setting`` options: their ``FAKESAPCC_*`` variable and default
are shown in ``--help``, but the variable is read by ``config.build_config`` alone, so the
precedence (defaults < SAP properties < environment < flags) lives in one place.

Exit codes: 0 done; 1 ImpEx with errors (the seed of ``serve``, the files of ``impex check``),
a state file ``serve`` cannot use,
or the server probed by ``health`` is not up;
2 a usage or configuration error (a bad flag or value, a missing file, an unknown SAP version,
a port in use), printed as one line that says what to do.
"""
from __future__ import annotations

import contextlib
import errno
import gc
import logging
import signal
import sys
import threading
from dataclasses import MISSING
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .version import __version__
from .config import OAUTH_PROFILES, SETTINGS, Config, ConfigError, build_config
from .seedfiles import default_data_dir, impex_files, missing_paths

if TYPE_CHECKING:
    from .impex.loader import LoadReport

OAUTH_PATH = "/authorizationserver"
OCC_PATH = "/occ/v2"
ASM_PATH = "/assistedservicewebservices"
PROG = "fakesapcc"
#: ImpEx files of at least this many rows show a progress bar (on a terminal only)
PROGRESS_ROWS = 5000
LOG_LEVELS = ("debug", "info", "warning", "error")

EXIT_OK, EXIT_IMPEX, EXIT_USAGE = 0, 1, 2


class CliError(click.ClickException):
    """A usage or configuration error: one line on stderr that says what to do, exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"{PROG}: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise CliError(message)


def warn(message: str) -> None:
    click.echo(f"{PROG}: warning: {message}", err=True)


# ---------------------------------------------------------------------------------- options


class Setting(click.Option):
    """An option that is a ``Config`` setting. Its ``FAKESAPCC_<NAME>`` variable and default
    show in ``--help``; click never reads the variable (``build_config`` does), and an option
    not given is ``None``, so that the settings' precedence decides."""

    def __init__(self, *args: Any, env_hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = self.name or ""
        self.envvar = f"FAKESAPCC_{name.upper()}{env_hint}"
        self.show_envvar = True
        default = SETTINGS[name].default
        self.config_default = None if self.is_flag or default in (None, MISSING) \
            else str(default)

    def get_help_extra(self, ctx: click.Context) -> Any:
        extra = super().get_help_extra(ctx)
        if self.config_default is not None:
            extra["default"] = self.config_default
        return extra

    def resolve_envvar_value(self, ctx: click.Context) -> None:
        return None

    def value_from_envvar(self, ctx: click.Context) -> None:
        return None


def setting(*decls: str, **kwargs: Any) -> Callable[[Any], Any]:
    kwargs.setdefault("default", None)
    return click.option(*decls, cls=Setting, **kwargs)


def impex_options(strict_flag: str, seed: bool = True) -> Callable[[Any], Any]:
    """The options of every command that loads ImpEx and SAP properties (``seed``: with
    ``--impex``, the files loaded after the default data)."""
    def decorate(f: Any) -> Any:
        options = [
            setting("--impex", "impex", multiple=True, metavar="PATH",
                    type=click.Path(dir_okay=True),
                    env_hint=" (comma- or space-separated)",
                    help="An ImpEx file or folder to load after the default data (repeatable)."),
            setting("--no-default-data", "default_data", flag_value=False, is_flag=True,
                    env_hint="=false", help="Do not load the default seed."),
            setting("--properties", "properties_file", metavar="FILE",
                    help="A SAP .properties file (fakesapcc.<setting> keys set settings)."),
            setting("--manifest", metavar="FILE",
                    help="A SAP core-customize/manifest.json whose properties apply."),
            setting("--sap-version", metavar="VERSION",
                    help="The SAP Commerce version whose property defaults apply: 2211 (the "
                         "newest patch), a patch such as 2211.15, or 2211-jdk21.1 for the "
                         "Framework Update and its OAuth."),
            setting(strict_flag, "strict_impex", flag_value=True, is_flag=True,
                    help="Unresolved references and UPDATEs of missing items are errors."),
        ]
        if seed:
            options.append(setting(
                "--no-seed-cache", "seed_cache", flag_value=False, is_flag=True,
                env_hint="=false", help="Load the seed's ImpEx every time (by default a seed "
                "loaded before is restored from ~/.cache/fakesapcc/seed)."))
        for option in reversed(options if seed else options[1:]):
            f = option(f)
        return f
    return decorate


def config_from(params: dict[str, Any]) -> Config:
    """The Config of a command's parameters (an empty ``multiple`` option = not given)."""
    values = {k: (list(v) if v else None) if isinstance(v, tuple) else v
              for k, v in params.items() if k in SETTINGS}
    try:
        return build_config(values)
    except ConfigError as exc:
        fail(str(exc))


def check_impex_paths(config: Config, paths: Sequence[str | Path] | None = None) -> list[Path]:
    """Before any loading: every path exists (else exit 2), a folder without ``.impex`` files
    is a warning. Returns the files to load."""
    paths = list(config.impex if paths is None else paths)
    missing = missing_paths(paths)
    if missing:
        fail(f"no such ImpEx file or folder: {', '.join(map(str, missing))} (check --impex or "
             "FAKESAPCC_IMPEX; a folder loads its *.impex files)")
    for path in map(Path, paths):
        if path.is_dir() and not impex_files([path]):
            warn(f"the ImpEx folder {path} holds no *.impex file: nothing loads from it")
    return impex_files(paths)


# ----------------------------------------------------------------------------------- group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
def cli() -> None:
    """An emulator of SAP Commerce Cloud's OAuth server, OCC v2 and Assisted Service Module
    APIs, with real state seeded from ImpEx.

    Every setting comes from, later winning: its default, SAP properties (fakesapcc.<name>),
    its FAKESAPCC_<NAME> environment variable, its flag.

    Exit codes: 0 done; 1 ImpEx with errors, a state file that cannot be used (or, for
    health, no server); 2 a usage or configuration error.
    """


def main(argv: Sequence[str] | None = None) -> int:
    """The console script (``fakesapcc``); also ``python -m fakesapcc``."""
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name=PROG,
                        standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1
    return code if isinstance(code, int) else EXIT_OK


# ----------------------------------------------------------------------------------- serve


@cli.command(short_help="Run the server.")
@setting("--host", help="The address to bind; beyond loopback the control plane needs "
                        "--admin-token.")
@setting("--port", type=click.IntRange(0, 65535), help="The port (0 = any free port).")
@setting("--server", type=click.Choice(["granian", "waitress"]),
         help="The HTTP server: granian (native HTTP core) or waitress (pure Python).")
@setting("--threads", type=click.IntRange(1, 1024), help="Requests the app runs at once.")
@setting("--token-format", type=click.Choice(["opaque", "jwt"]),
         help="Access token format (default: the OAuth profile's).")
@setting("--oauth-profile", type=click.Choice(list(OAUTH_PROFILES)),
         help="The authorization server: classic (spring-security-oauth2) or "
              "authorization-server (Spring Authorization Server); default: by --sap-version.")
@setting("--admin-token", metavar="TOKEN",
         help="The bearer token the control plane requires when bound beyond 127.0.0.1.")
@setting("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
         env_hint=" (comma-separated)",
         help="A Host name the control plane answers to besides loopback, such as a compose "
              "service name (repeatable); any other Host gets 403.")
@setting("--public-url", metavar="URL",
         help="Where clients reach fakesapcc (http(s)://host:port), for the URLs it hands out "
              "(the silent-order-post postUrl); default: the bound address.")
@setting("--max-body-size", type=click.IntRange(1), metavar="BYTES",
         help="The largest request body SAP's web apps read; beyond it 413.")
@setting("--max-header-size", type=click.IntRange(1), metavar="BYTES",
         help="The largest request header block (Tomcat's maxHttpHeaderSize); beyond it 400.")
@setting("--no-admin", "admin", flag_value=False, is_flag=True, env_hint="=false",
         help="Serve no control plane (/_fakesapcc).")
@setting("--strict-emulation", flag_value=True, is_flag=True,
         help="An agent calling OCC user endpoints as 'current' gets a 400.")
@setting("--cors-origin", "cors_origins", multiple=True, metavar="URL",
         env_hint=" (comma-separated)", help="Allow this browser origin on every web app "
                                             "(repeatable).")
@setting("--tls", type=click.Choice(["self-signed"]),
         help="Serve HTTPS with a throwaway self-signed certificate.")
@setting("--tls-cert", metavar="FILE", help="Serve HTTPS with this certificate.")
@setting("--tls-key", metavar="FILE", help="The private key of --tls-cert.")
@setting("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False),
         help="How much the server logs; debug adds one line per request.")
@setting("--state-file", metavar="PATH",
         help="Keep the state in this file: loaded instead of the seed when it exists, every "
              "write on disk within a second, the rest on SIGTERM/SIGINT.")
@impex_options("--strict-impex")
def serve(**params: Any) -> None:
    """Run the server: the OAuth server, OCC v2, ASM and the control plane.

    The socket listens at once (GET /_fakesapcc/health answers 200); the seed loads after it
    (GET /_fakesapcc/ready answers 200 when loaded). Everything the server says goes to
    stderr: the SAP flags in force, then one line 'fakesapcc ready: ...'.

    With --state-file, an existing file loads instead of the seed; a file that cannot be used
    (damaged, of a newer format) stops the server with exit 1 and stays untouched.
    """
    config = config_from(params)
    files = check_impex_paths(config, [*([default_data_dir()] if config.default_data else []),
                                       *config.impex])
    if not files:
        warn("no ImpEx loads (--no-default-data and no --impex): the store starts empty")
    raise click.exceptions.Exit(run_server(config))


def configure_logging(level: str) -> None:
    """The server's log on stderr: fakesapcc's own at ``level`` (debug adds the access
    lines), the HTTP servers' from info."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    numeric = getattr(logging, level.upper())
    for name, lvl in (("fakesapcc", numeric), ("waitress", max(numeric, logging.INFO))):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(lvl)
        logger.propagate = False


def bind_error(exc: OSError, config: Config) -> str:
    where = f"{config.host}:{config.port}"
    if exc.errno == errno.EADDRINUSE:
        return (f"port {config.port} is already in use on {config.host} (another fakesapcc?): "
                "stop that process, or choose another port with --port (0 = any free port)")
    if exc.errno == errno.EACCES:
        return (f"not allowed to bind {where}: choose a port above 1023 with --port")
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, OSError) \
            and "getaddrinfo" in str(exc).lower():
        return f"cannot bind {where}: {exc.strerror or exc}; check --host"
    return f"cannot bind {where}: {exc.strerror or exc}"


def run_server(config: Config) -> int:
    """Serve (granian by default, see ``server``); the seed loads once the server answers, so
    /_fakesapcc/health answers at once and /_fakesapcc/ready when loaded.

    The start runs with the cyclic garbage collector paused (``start_paused``): importing the
    app makes some 80,000 long-lived objects (modules, classes, functions, schemas) and finds
    no garbage among them, yet the collections they set off walked them all again and again."""
    with start_paused() as started:
        return _run_server(config, started)


@contextlib.contextmanager
def start_paused() -> Iterator[Callable[[], None]]:
    """The collector paused until ``started()`` is called (or the block ends): ``started``
    first moves what exists by then, the imported app, into the permanent generation
    (``gc.freeze``), which no later collection walks."""
    enabled = gc.isenabled()
    gc.disable()
    done = threading.Event()

    def started() -> None:
        if not done.is_set():
            done.set()
            gc.freeze()
            if enabled:
                gc.enable()
    try:
        yield started
    finally:
        started()


def _run_server(config: Config, started: Callable[[], None]) -> int:
    from .api import runtime
    from .app import create_app
    from .server import make_server
    from .tls import tls_from_config

    from .impex.report import ImpexLoadError
    from .persistence import StateFileError

    configure_logging(config.log_level)
    app = create_app(config, load_seed=False)
    rt = runtime(app)
    try:  # before anything listens
        from_file = rt.load_state_file()
    except StateFileError as exc:
        click.echo(f"{PROG}: {exc}", err=True)
        return EXIT_IMPEX
    try:
        server = make_server(app, config.host, config.port, config.threads,
                             tls=tls_from_config(config), kind=config.server)
    except ConfigError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(bind_error(exc, config))
    config.port = int(server.effective_port)
    failed = threading.Event()

    def load() -> None:  # once the server answers
        if from_file:
            rt.persist()
            items = sum(rt.item_counts().values())
            click.echo(f"{PROG} ready: {items} items from the state file {config.state_file} | "
                       f"OAuth {config.base_url}{OAUTH_PATH} | OCC {config.base_url}{OCC_PATH} "
                       f"| ASM {config.base_url}{ASM_PATH}", err=True)
            return
        try:
            report = rt.load_seed(progress=ProgressBars.on_terminal(), write_behind=True)
        except ImpexLoadError as exc:
            print_report(exc.report, sys.stderr, errors_only=True)
            click.echo(f"{PROG}: the seed did not load (fix the ImpEx above, or check it with "
                       f"'fakesapcc impex check'); stopping", err=True)
            failed.set()
            server.close()
            return
        rt.persist()  # the seed's state on disk before the ready line
        items = sum(report.counts().values())
        base = config.base_url
        click.echo(f"{PROG} ready: {items} items from {len(report.files)} file(s) | "
                   f"OAuth {base}{OAUTH_PATH} | OCC {base}{OCC_PATH} | ASM {base}{ASM_PATH}",
                   err=True)

    click.echo(f"{PROG}: {config.flags_line()}", err=True)
    server.on_start(lambda: threading.Thread(target=load, name="fakesapcc-seed",
                                             daemon=True).start())
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    started()  # the app is made: what exists now lives as long as the process
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    except OSError:
        if not failed.is_set():
            raise
    finally:
        rt.close()  # the state file's last write
    return EXIT_IMPEX if failed.is_set() else EXIT_OK


class ProgressBars:
    """A click progress bar on stderr for each ImpEx file of ``PROGRESS_ROWS`` rows or more
    (the loader's ``progress`` hook: called with the file, rows done and rows in all)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.file: str | None = None
        self.done = 0

    @classmethod
    def on_terminal(cls) -> "ProgressBars | None":
        return cls() if sys.stderr.isatty() else None

    def __call__(self, file: str, done: int, total: int) -> None:
        if total < PROGRESS_ROWS:
            return
        if self.file != file:
            self.close()
            self.bar = click.progressbar(length=total, label=f"loading {Path(file).name}",
                                         file=sys.stderr, show_pos=True)
            self.bar.__enter__()
            self.file, self.done = file, 0
        self.bar.update(done - self.done)
        self.done = done
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar, self.file = None, None


# -------------------------------------------------------------------------------- generate


@cli.command(short_help="Write a made-up data set as ImpEx.")
@click.option("--customers", type=click.IntRange(0), default=1000, show_default=True,
              help="Customers, with addresses, titles and store-group memberships.")
@click.option("--products", type=click.IntRange(0), default=0, show_default=True,
              help="Products, with categories, prices and stock per warehouse.")
@click.option("--orders", type=click.IntRange(0), default=0, show_default=True,
              help="Orders, with entries and consignments.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed writes the same bytes.")
@click.option("-o", "--out", required=True, metavar="FOLDER", type=click.Path(file_okay=False),
              help="The folder the files go to (made if missing).")
def generate(customers: int, products: int, orders: int, seed: int, out: str) -> None:
    """Write a made-up data set (Faker, seeded) as ImpEx files that 'serve --impex FOLDER'
    loads: 10-products, 20-customers, 30-orders. A progress bar shows on a terminal."""
    from .generate import generate as write

    written = write(Path(out), customers=customers, products=products, orders=orders,
                    seed=seed, progress=sys.stderr.isatty(),
                    echo=lambda text: click.echo(text, err=True))
    for path in written:
        click.echo(str(path))


# ---------------------------------------------------------------------------------- health


@cli.command(short_help="Probe a server here: exit 0 when it is up.")
@setting("--port", type=click.IntRange(1, 65535), help="The port the server listens on.")
@click.option("--ready", is_flag=True, help="Probe /_fakesapcc/ready: the seed has loaded.")
@click.option("--timeout", type=click.FloatRange(0.1, 60), default=2.0, show_default=True,
              help="Seconds to wait for the answer.")
def health(ready: bool, timeout: float, **params: Any) -> None:
    """Probe a server on this machine: exit 0 when it answers 200, else 1.

    The container's HEALTHCHECK: it reads the same settings as serve (FAKESAPCC_PORT,
    FAKESAPCC_TLS…), so it follows the port and scheme the server was given through them.
    """
    import ssl
    import urllib.request

    config = config_from(params)
    scheme = "https" if config.tls or config.tls_cert else "http"
    url = f"{scheme}://127.0.0.1:{config.port}/_fakesapcc/{'ready' if ready else 'health'}"
    context = ssl._create_unverified_context() if scheme == "https" else None  # noqa: S323
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:
            status = answer.status
    except Exception as exc:  # refused, timed out, a 503 while loading
        click.echo(f"{PROG}: {url}: {getattr(exc, 'code', None) or exc}", err=True)
        raise click.exceptions.Exit(EXIT_IMPEX) from None
    click.echo(f"{url}: {status}")


# ----------------------------------------------------------------------------------- impex


@cli.group()
def impex() -> None:
    """ImpEx tools."""


@impex.command("check", short_help="Load ImpEx into a scratch store and report.")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@impex_options("--strict", seed=False)
def impex_check(paths: tuple[str, ...], **params: Any) -> None:
    """Load ImpEx files (or folders of them) into a scratch store and report.

    Prints, per file, the items applied by type and every warning and error with file:line;
    the files load on top of the default data unless --no-default-data. Exits 1 on any error.
    """
    from .db import Db
    from .impex.loader import load_paths

    config = config_from(params)
    files = check_impex_paths(config, paths)
    if not files:
        fail(f"no *.impex file in {', '.join(paths)}: nothing to check")
    db = Db()
    if config.default_data:
        base = load_paths(db, [default_data_dir()], config=config.properties)
        if not base.ok:
            print_report(base)
            raise click.exceptions.Exit(EXIT_IMPEX)
    report = load_paths(db, files, config=config.properties, strict=config.strict_impex,
                        stop_on_error=False, progress=ProgressBars.on_terminal())
    print_report(report)
    errors = len(report.errors)
    warnings = sum(1 for f in report.files for d in f.diagnostics if d.level == "warning")
    click.echo(f"{len(report.files)} file(s), {sum(report.counts().values())} row(s) applied, "
               f"{errors} error(s), {warnings} warning(s)")
    if errors:
        raise click.exceptions.Exit(EXIT_IMPEX)


def print_report(report: "LoadReport", out: Any = None, errors_only: bool = False) -> None:
    """Per file: loaded or not, the rows applied and skipped by type, the diagnostics
    (``errors_only``: the failing files' errors alone, as ``serve`` reports a bad seed)."""
    out = out or sys.stdout
    for f in report.files:
        if errors_only:
            for d in f.errors:
                print(d, file=out)
            continue
        print(f"{f.file}: {'loaded' if f.loaded else 'NOT LOADED'}", file=out)
        for type_code, count in sorted(f.counts.items()):
            print(f"  {type_code}: {count}", file=out)
        for type_code, count in sorted(f.skipped.items()):
            print(f"  {type_code}: {count} skipped", file=out)
        for d in f.diagnostics:
            print(f"  {d}", file=out)


# ------------------------------------------------------------------------------------- env


@cli.command(short_help="Print a .env block for a storefront.")
@setting("--host", help="The host the storefront reaches the server at.")
@setting("--port", type=click.IntRange(0, 65535), help="The port the server listens on.")
@click.option("--site", metavar="SITE", help="The base site (default: the first B2C site).")
@impex_options("--strict-impex")
def env(site: str | None, **params: Any) -> None:
    """Print a .env block for a storefront (Alokai's middleware.config.js) pointing here."""
    from .impex.report import ImpexLoadError
    from .runtime import Runtime

    config = config_from(params)
    check_impex_paths(config)
    rt = Runtime(config)
    try:
        rt.load_seed()
    except ImpexLoadError as exc:
        print_report(exc.report, sys.stderr, errors_only=True)
        raise click.exceptions.Exit(EXIT_IMPEX) from None
    state = rt.db.state
    sites = sorted(state.base_sites.values(), key=lambda s: (s.channel != "B2C", s.uid))
    chosen = state.base_sites.get(site) if site else (sites[0] if sites else None)
    if site and chosen is None:
        fail(f"no base site '{site}': the sites are {', '.join(s.uid for s in sites)}")
    store = state.base_stores.get(chosen.stores[0]) if chosen and chosen.stores else None
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
        "DEFAULT_BASE_SITE_ID": chosen.uid if chosen else "",
        "DEFAULT_CATALOG_ID": catalog,
        "DEFAULT_CATALOG_VERSION": "Online",
        "DEFAULT_LANGUAGE": (store.defaultLanguage if store else None) or "en",
        "DEFAULT_CURRENCY": (store.defaultCurrency if store else None) or "USD",
    }
    click.echo("# fakesapcc: paste into your storefront's .env")
    for key, value in lines.items():
        click.echo(f"{key}={value}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
