"""The suite's own reporting: what the Spartacus contract harness printed
(``tests/contract/test_spartacus_harness.py``, recorded as a user property so that it reaches
the controller under xdist) is shown at the end of every run, one line per check."""
from __future__ import annotations

HARNESS_PROPERTY = "spartacus_harness"


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001 (pytest's hook)
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for name, value in getattr(report, "user_properties", ()):
            if name == HARNESS_PROPERTY and report.when == "call":
                terminalreporter.section("Spartacus 4.3.8 contract harness")
                terminalreporter.write_line(value)


# -- the schema check of ASM and OAuth answers (tests/webapp_spec.py) ---------------------------
# Every answer of the ASM and OAuth web apps, in any app of this process (the session server,
# the tests' own FakeSAPCC and test clients), is checked against fakesapcc's document of its web
# app; a test during which one did not match fails. A fault rule's answer, and the CORS filter's
# (403 "Invalid CORS request", before the web app), are not checked.

import flask  # noqa: E402
import pytest  # noqa: E402

import webapp_spec  # noqa: E402

WEBAPP_VIOLATIONS: list[str] = []


def _check_webapp_answer(sender, response, **extra):  # noqa: ARG001 (blinker's signature)
    if flask.g.get("fault") is not None or webapp_spec.webapp(flask.request.path) is None:
        return
    cors = flask.g.get("_fakesapcc_cors")
    if cors is not None and cors.answer is not None:  # Spring's CorsFilter answered, not the app
        return
    try:
        WEBAPP_VIOLATIONS.extend(webapp_spec.check_flask_response(flask.request, response))
    except Exception as exc:  # the check itself must not break the server's answer
        WEBAPP_VIOLATIONS.append(f"{flask.request.method} {flask.request.path}: {exc!r}")


flask.request_finished.connect(_check_webapp_answer)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test during which an ASM or OAuth answer left its document fails."""
    __tracebackhide__ = True
    WEBAPP_VIOLATIONS.clear()
    result = yield
    found, WEBAPP_VIOLATIONS[:] = list(WEBAPP_VIOLATIONS), []
    if found:
        pytest.fail("an answer outside fakesapcc's ASM/OAuth document:\n"
                    + "\n".join(dict.fromkeys(found[:20])), pytrace=False)
    return result


# -- the B2B seed's users ------------------------------------------------------------------------

@pytest.fixture
def as_user(sapcc_client, customer_token):
    """``as_user(uid)``: a client of powertools-spa (the B2B seed's site) whose answers are
    checked against SAP's schemas, with ``uid``'s token (password ``pw4all`` unless given)."""
    import spec

    def make(uid: str, password: str = "pw4all") -> spec.Client:
        return spec.Client(sapcc_client, site="powertools-spa", token=customer_token(uid, password))
    return make
