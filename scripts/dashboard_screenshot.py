#!/usr/bin/env python3
"""Take the README's picture of the dashboard (``/_fakesapcc/ui``) in Debian's headless
Chromium, the launch the browser tests use, after a few calls: a customer's, an agent's for a
customer, and an agent acting as itself (the highlighted row).

    python scripts/dashboard_screenshot.py [docs/dashboard.png]
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import _browser_missing, chromium  # noqa: E402

from fakesapcc.testing import FakeSAPCC  # noqa: E402

SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "docs" / "dashboard.png"
    missing = _browser_missing()
    if missing:
        print(f"dashboard_screenshot: {missing} missing", file=sys.stderr)
        return 1
    with FakeSAPCC() as sap:
        customer = {"Authorization": f"Bearer {sap.customer_token(CUSTOMER)}"}
        agent = {"Authorization": f"Bearer {sap.agent_token('asagent')}"}
        occ = f"{sap.occ_url}/{SITE}"
        requests.get(f"{occ}/products/300938", timeout=10)
        cart = requests.post(f"{occ}/users/current/carts", headers=customer, timeout=10).json()
        requests.post(f"{occ}/users/current/carts/{cart['code']}/entries", headers=customer,
                      json={"product": {"code": "300938"}, "quantity": 1}, timeout=10)
        requests.get(f"{occ}/users/{CUSTOMER}/carts", headers=agent, timeout=10)
        requests.get(f"{occ}/users/current/carts", headers=agent, timeout=10)
        requests.get(f"{occ}/products/nope", timeout=10)
        driver, profile = chromium(window=(1440, 1500))
        try:
            driver.get(f"{sap.base_url}/_fakesapcc/ui")
            time.sleep(0.5)
            driver.save_screenshot(str(target))
        finally:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)
    print(f"dashboard_screenshot: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
