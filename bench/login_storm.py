"""The token store under a login storm: RSS of a served fakesapcc across password logins of one
user, and across a clock jump past the tokens' expiry, beside a storm on the profile that mints
a new token per request (the baseline: what the store holds without reuse; the
authorization-server profile has no password grant, so its storm is client_credentials of the
same client).

    python bench/login_storm.py                 # 2,000 logins before and after the jump
    python bench/login_storm.py --logins 500    # a shorter run

For each storm: a fresh ``fakesapcc serve`` on its profile, 100 warm-up token requests, then
rounds of token requests (one HTTP keep-alive connection) with the RSS of the server's process tree after each;
then the clock advanced past the access tokens' lifetime and the same storm again. The tokens the
store holds for the user are counted from the control plane's snapshot after each storm. The
test ``tests/test_hardening.py::test_a_login_storm_holds_one_token_and_a_clock_jump_evicts_it``
asserts the count; this script measures, it asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import CLIENT, CUSTOMER, fakesapcc  # noqa: E402

PASSWORD = "Password123!"
LIFETIME = 43200  # mobile_android's access token validity, seconds
ROUNDS = 4


#: (OAuth profile, grant, the tokens' owner: a user uid or None for the client's own)
STORMS = (("classic", "password", CUSTOMER),
          ("authorization-server", "client_credentials", None))


def login(session: requests.Session, base: str, grant: str) -> str:
    form = {"grant_type": grant, "client_id": CLIENT[0], "client_secret": CLIENT[1]}
    if grant == "password":
        form.update(username=CUSTOMER, password=PASSWORD)
    response = session.post(f"{base}/authorizationserver/oauth/token", timeout=30, data=form)
    response.raise_for_status()
    return response.json()["access_token"]


def tokens_of(session: requests.Session, base: str, owner: str | None) -> tuple[int, int]:
    state = session.get(f"{base}/_fakesapcc/snapshot", timeout=60).json()["state"]

    def mine(token: dict) -> bool:
        return token.get("userUid") == owner and token.get("clientId") == CLIENT[0]

    return (sum(1 for t in state["access_tokens"].values() if mine(t)),
            sum(1 for t in state["refresh_tokens"].values() if mine(t)))


def storm(profile: str, grant: str, owner: str | None, logins: int) -> list[str]:
    server = fakesapcc("--oauth-profile", profile).start()
    lines = []
    try:
        base = server.base
        session = requests.Session()
        for _ in range(100):
            login(session, base, grant)
        start = server.rss_mib()
        for phase in ("before the jump", "after the jump"):
            if phase == "after the jump":
                session.post(f"{base}/_fakesapcc/clock/advance",
                             params={"seconds": LIFETIME + 1}, timeout=30).raise_for_status()
            sizes, distinct = [], set()
            began = time.perf_counter()
            for _ in range(ROUNDS):
                for _ in range(logins // ROUNDS):
                    distinct.add(login(session, base, grant))
                sizes.append(server.rss_mib())
            rate = logins / (time.perf_counter() - began)
            access, refresh = tokens_of(session, base, owner)
            lines.append(f"{profile:<21} {grant:<18} {phase:<16} {logins:>5} {rate:>5.0f}/s  "
                         f"distinct tokens {len(distinct):>5}  store: {access:>5} access "
                         f"{refresh:>5} refresh  RSS MiB "
                         + " ".join(f"{s:.0f}" for s in sizes)
                         + f"  (+{sizes[-1] - start:.1f} since warm-up)")
    finally:
        server.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=2000, help="logins per storm (2000)")
    args = parser.parse_args()
    print(f"{args.logins} token requests per storm ({CLIENT[0]}; password: {CUSTOMER}), "
          "RSS after each quarter")
    for profile, grant, owner in STORMS:
        for line in storm(profile, grant, owner, args.logins):
            print(line, flush=True)


if __name__ == "__main__":
    main()
