"""OCC forgotten passwords (tag Forgotten Passwords, ForgottenPasswordsController): the token
request (the deprecated ``userId`` parameter and the ``loginId`` body), delivered by mail to
the outbox (``GET /_fakesapcc/outbox``), and the reset with it. A client token is needed; an
unknown login answers as a known one does."""
from __future__ import annotations

from ...commerce.passwords import Passwords
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..operations import operation
from .base import bp, empty, site
from .dtos.aftersales import PasswordRestoreTokenBody, ResetPasswordBody


def passwords() -> Passwords:
    rt = runtime()
    return Passwords(rt.db, rt.clock, rt.config)


class RestoreParams(i.Params):
    userId = i.TextParam(required=True)


@bp.post("/<baseSiteId>/forgottenpasswordtokens")
@operation("doRestorePassword", secured=roles.PASSWORD_RESET, params=RestoreParams)
def do_restore_password(baseSiteId: str, params: dict):
    """Deprecated since 2211.24 for ``/passwordRestoreToken``: 202."""
    passwords().forgotten(params["userId"], site().site.uid)
    return empty(202)


@bp.post("/<baseSiteId>/passwordRestoreToken")
@operation("sendPasswordRestoreToken", secured=roles.PASSWORD_RESET,
           body=PasswordRestoreTokenBody)
def send_password_restore_token(baseSiteId: str, body: dict):
    passwords().forgotten(body["loginId"], site().site.uid)
    return empty(201)


@bp.post("/<baseSiteId>/resetpassword")
@operation("doResetPassword", secured=roles.PASSWORD_RESET, body=ResetPasswordBody)
def do_reset_password(baseSiteId: str, body: dict):
    passwords().reset(body.get("token"), body.get("newPassword"))
    return empty(202)
