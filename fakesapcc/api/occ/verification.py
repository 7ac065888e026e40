"""OCC verification tokens (tag Verification Token): a one-time code for a login or a
registration, mailed to the outbox (``GET /_fakesapcc/outbox``); the token endpoint takes a
LOGIN token's id and code as username and password. A client token is needed."""
from __future__ import annotations

from ...security import roles
from ...security.verification import VerificationTokens
from .. import runtime
from ..operations import operation
from .base import bp, respond, site
from .dtos.verification import VERIFICATION_TOKEN, CreateVerificationTokenBody


@bp.post("/<baseSiteId>/users/<userId>/verificationToken")
@operation("createVerificationToken", secured=roles.VERIFICATION_TOKEN,
           body=CreateVerificationTokenBody)
def create_verification_token(baseSiteId: str, userId: str, body: dict):
    rt = runtime()
    tokens = VerificationTokens(rt.db, rt.clock, rt.config)
    token = tokens.create(body["purpose"], body["loginId"], body.get("password"),
                          site().site.uid)
    return respond(VERIFICATION_TOKEN(tokenId=token.id, expiresIn=tokens.validity()), 201)
