#!/usr/bin/env python3
"""Take the README's picture of the login page: fakesapcc's authorization server (the
authorization-server profile) in Debian's headless Chromium, the launch the browser tests use.

    python scripts/login_screenshot.py [docs/login-page.png]
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import _browser_missing, chromium  # noqa: E402

from fakesapcc.testing import FakeSAPCC  # noqa: E402


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "docs" / "login-page.png"
    missing = _browser_missing()
    if missing:
        print(f"login_screenshot: {missing} missing", file=sys.stderr)
        return 1
    with FakeSAPCC(oauth_profile="authorization-server") as sap:
        driver, profile = chromium(window=(760, 700))
        try:
            driver.get(f"{sap.oauth_url}/oauth/authorize?" + urlencode({
                "response_type": "code", "client_id": "mobile_android",
                "redirect_uri": "http://localhost:4200/", "state": "readme",
                "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method": "S256"}))
            driver.find_element("id", "username").send_keys("mark.rivers@pronto-hw.com")
            driver.save_screenshot(str(target))
        finally:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)
    print(f"login_screenshot: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
