"""OCC users (tags Users, B2B Users): registration, the profile, closing the account, the
password and the login; the B2B ``orgUsers`` profile."""
from __future__ import annotations

from flask import request

from ...commerce.customers import Customers
from ...errors import ApiErrors, validation_error
from ...security import roles
from ...security.access import B2B, B2C
from ...security.policy import sets_password_without_old
from ...security.verification import VerificationTokens
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, empty, respond, site
from .dtos.users import (ReplaceLoginIdBody, ReplacePasswordBody, UserBody,
                         UserSignUpBody, org_user_dto, password_errors, user_dto)

USER = "/<baseSiteId>/users/<userId>"


def customers() -> Customers:
    rt = runtime()
    return Customers(rt.db, rt.clock)


@bp.post("/<baseSiteId>/users")
@operation("createUser", secured=roles.REGISTRATION, body=UserSignUpBody)
def create_user(baseSiteId: str, body: dict):
    """Register a customer: 201 with ``Location``. A taken uid answers the same with dummy data
    (a fresh customerId, nothing stored), so that registration cannot tell which e-mail
    addresses have an account. A verification token (purpose REGISTRATION) given with the
    registration must be the address's and valid; it is spent."""
    sc = site()
    if body.get("verificationTokenId") or body.get("verificationTokenCode"):
        rt = runtime()
        if not VerificationTokens(rt.db, rt.clock, rt.config).redeem_for(
                body.get("verificationTokenId") or "", body.get("verificationTokenCode") or "",
                "REGISTRATION", body["uid"]):
            raise validation_error("verificationTokenCode", "The verification token is not "
                                                            "valid or has expired.")
    service = customers()
    customer = service.new(body["uid"], body["firstName"], body["lastName"],
                           password=body["password"], title=body.get("titleCode"), site=sc.site,
                           lang=sc.lang, curr=sc.curr)
    service.register(customer)
    location = request.base_url.rstrip("/") + "/" + customer.uid
    return respond(user_dto(runtime().db.state, customer, sc.lang), 201, {"Location": location})


@bp.get(USER)
@operation("getUser", secured=roles.USER, anonymous=False, channel=B2C)
def get_user(baseSiteId: str, userId: str):
    return respond(user_dto(runtime().db.state, ctx().user, site().lang))


@bp.patch(USER)
@operation("updateUser", secured=roles.USER, anonymous=False, body=UserBody(partial=True))
def update_user(baseSiteId: str, userId: str, body: dict):
    customers().update_profile(ctx().user, body, replace=False)
    return empty()


@bp.put(USER)
@operation("replaceUser", secured=roles.USER, anonymous=False, body=UserBody)
def replace_user(baseSiteId: str, userId: str, body: dict):
    customers().update_profile(ctx().user, body, replace=True)
    return empty()


@bp.delete(USER)
@operation("removeUser", secured=roles.USER, anonymous=False)
def remove_user(baseSiteId: str, userId: str):
    """Close the account: the customer is deactivated now and its tokens die."""
    user = ctx().user
    customers().close(user)
    runtime().tokens.revoke_user(user.uid)
    return empty()


def _set_password(old: str | None, new: str, subject: str) -> None:
    problem = password_errors(new)
    if problem:
        raise ApiErrors(400, [validation_error(subject, problem)])
    c = ctx()
    Customers.change_password(c.user, old, new, needs_old=not sets_password_without_old(c.caller))


class PasswordParams(i.Params):
    old = i.TextParam()
    new = i.TextParam(required=True)


@bp.put(USER + "/password")
@operation("replaceUserPassword", secured=roles.USER, anonymous=False, params=PasswordParams)
def replace_user_password(baseSiteId: str, userId: str, params: dict):
    _set_password(params["old"], params["new"], "new")
    return empty(202)


@bp.post(USER + "/password")
@operation("changeUserPassword", secured=roles.USER, anonymous=False,
           body=ReplacePasswordBody)
def change_user_password(baseSiteId: str, userId: str, body: dict):
    _set_password(body.get("oldPassword"), body["newPassword"], "newPassword")
    return empty()


def _change_login(new_login: str, password: str | None, subject: str) -> None:
    if not i.EMAIL.fullmatch(new_login.strip()):
        raise validation_error(subject, f"Login [{new_login}] is not a valid e-mail address!")
    user = ctx().user
    old = user.uid
    customers().change_login(user, new_login, password)
    runtime().tokens.revoke_user(old)


class LoginParams(i.Params):
    newLogin = i.TextParam(required=True)
    password = i.TextParam(blank_is_missing=False)


@bp.put(USER + "/login")
@operation("replaceUserLogin", secured=roles.USER, anonymous=False, params=LoginParams)
def replace_user_login(baseSiteId: str, userId: str, params: dict):
    _change_login(params["newLogin"], params["password"], "newLogin")
    return empty()


@bp.post(USER + "/login")
@operation("changeUserLoginId", secured=roles.USER, anonymous=False, body=ReplaceLoginIdBody)
def change_user_login(baseSiteId: str, userId: str, body: dict):
    _change_login(body["newLoginId"], body.get("password"), "newLogin")
    return empty()


@bp.get("/<baseSiteId>/orgUsers/<userId>")
@operation("getOrgUser", secured=roles.USER, anonymous=False, channel=B2B)
def get_org_user(baseSiteId: str, userId: str):
    """The B2B profile, with the unit and the B2B roles."""
    return respond(org_user_dto(runtime().db, ctx().user, site().lang))
