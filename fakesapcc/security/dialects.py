"""How the authorization server words its answers, per OAuth profile (``Config.oauth_profile``).

- ``classic``: SAP's ``oauth2`` extension on spring-security-oauth2 2.x, every release before
  the Framework Update: ``{"error", "error_description"}`` with spring-security-oauth2's texts,
  ``token_type`` ``bearer`` (occ-api.md §1.3, §1.6).
- ``authorization-server``: the ``authorizationserver`` extension of the Framework Update
  (``2211-jdk21.1``, September 2025) on Spring Authorization Server 1.x: RFC 6749 bodies, mostly
  the bare ``{"error": code}`` (Spring's client authentication and grant providers give no
  description), a description and ``error_uri`` where Spring's request converters name the
  parameter, ``token_type`` ``Bearer``.

Each method is one case; docs/fidelity.md ("OAuth profiles") lists them with their sources.
"""
from __future__ import annotations

from ..config import AUTHORIZATION_SERVER
from ..errors import OAuthError

TOKEN_REQUEST_ERRORS = "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2"
AUTHORIZATION_REQUEST_ERRORS = "https://datatracker.ietf.org/doc/html/rfc6749#section-4.1.2.1"
PKCE_ERRORS = "https://datatracker.ietf.org/doc/html/rfc7636#section-4.4.1"
REVOCATION_ERRORS = "https://datatracker.ietf.org/doc/html/rfc7009#section-2.1"


class Classic:
    """spring-security-oauth2's texts (TokenEndpoint, the token granters, AuthorizationEndpoint,
    DefaultRedirectResolver)."""

    profile = "classic"
    token_type = "bearer"
    #: error pages of the authorization endpoint (Spring's WhitelabelErrorEndpoint)
    error_page_title = "OAuth Error"

    # -- the token endpoint ------------------------------------------------------------------

    def bad_client(self, via_basic: bool) -> OAuthError:
        if via_basic:
            return OAuthError(401, "unauthorized", "Bad credentials",
                              {"WWW-Authenticate": 'Basic realm="hybris"'})
        return OAuthError(401, "invalid_client", "Bad client credentials")

    def missing_grant(self) -> OAuthError:
        return OAuthError(400, "invalid_request", "Missing grant type")

    def unsupported_grant(self, grant: str) -> OAuthError:
        return OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")

    def unauthorized_grant(self, grant: str) -> OAuthError:
        return OAuthError(401, "invalid_client", f"Unauthorized grant type: {grant}")

    def invalid_scope(self, bad: list[str]) -> OAuthError:
        return OAuthError(400, "invalid_scope", f"Invalid scope: {' '.join(bad)}")

    def bad_credentials(self) -> OAuthError:
        return OAuthError(400, "invalid_grant", "Bad credentials")

    def user_disabled(self) -> OAuthError:
        return OAuthError(400, "invalid_grant", "User is disabled")

    def invalid_refresh(self, value: str) -> OAuthError:
        return OAuthError(400, "invalid_grant", f"Invalid refresh token: {value}")

    def refresh_of_other_client(self, value: str) -> OAuthError:
        return OAuthError(400, "invalid_grant", f"Wrong client for this refresh token: {value}")

    def expired_refresh(self, value: str) -> OAuthError:
        return OAuthError(401, "invalid_token", f"Invalid refresh token (expired): {value}")

    def missing_code(self) -> OAuthError:
        return OAuthError(400, "invalid_request", "An authorization code must be supplied.")

    def invalid_code(self, code: str) -> OAuthError:
        """Unknown, used, expired — or, as spring-security-oauth2's PKCE extensions answer, a
        code_verifier that does not match (the code is consumed before it is checked)."""
        return OAuthError(400, "invalid_grant", f"Invalid authorization code: {code}")

    def invalid_verifier(self, code: str) -> OAuthError:
        return self.invalid_code(code)

    def redirect_mismatch(self) -> OAuthError:
        return OAuthError(400, "invalid_grant", "Redirect URI mismatch.")

    def code_of_other_client(self) -> OAuthError:
        return OAuthError(401, "invalid_client", "Client ID mismatch")

    def missing_token(self) -> OAuthError:
        return OAuthError(400, "invalid_request", "Missing token")

    def revoke_of_other_client(self) -> OAuthError:
        """RFC 7009 §2.1 refuses it; spring-security-oauth2 has no revocation endpoint, SAP's
        own answers in its OAuth2Exception shape (docs/fidelity.md, "Revocation")."""
        return OAuthError(400, "invalid_client", "The token was not issued to this client")

    # -- the authorization endpoint (shown on the error page, never redirected) --------------

    def page_unsupported_response_type(self, response_type: str | None) -> OAuthError:
        shown = f"[{response_type}]" if response_type else "[]"
        return OAuthError(400, "unsupported_response_type", f"Unsupported response types: {shown}")

    def page_missing_client(self) -> OAuthError:
        return OAuthError(400, "invalid_client", "A client id must be provided")

    def page_unknown_client(self, client_id: str) -> OAuthError:
        return OAuthError(400, "invalid_client", "Bad client credentials")

    def page_no_redirect_grant(self) -> OAuthError:
        return OAuthError(400, "invalid_grant", "A redirect_uri can only be used by implicit or "
                                                "authorization_code grant types.")

    def page_no_registered_redirect(self) -> OAuthError:
        return OAuthError(400, "invalid_request",
                          "At least one redirect_uri must be registered with the client.")

    def page_bad_redirect(self, requested: str | None, registered: list[str]) -> OAuthError:
        return OAuthError(400, "invalid_grant", f"Invalid redirect: {requested} does not match "
                                                f"one of the registered values: [{', '.join(registered)}]")

    def page_summary(self, error: OAuthError) -> str:
        """OAuth2Exception.getSummary()."""
        return f'error="{error.error}", error_description="{error.description}"'

    # -- the authorization endpoint (redirected to the client) -------------------------------

    def redirect_unauthorized_client(self) -> OAuthError:
        return OAuthError(400, "unauthorized_client", "Unauthorized grant type: authorization_code")

    def redirect_invalid_scope(self, bad: list[str]) -> OAuthError:
        return OAuthError(400, "invalid_scope", f"Invalid scope: {' '.join(bad)}")

    def redirect_bad_challenge_method(self, method: str) -> OAuthError:
        return OAuthError(400, "invalid_request", f"Unsupported code challenge method: {method}")

    def redirect_missing_challenge(self) -> OAuthError:
        return OAuthError(400, "invalid_request", "Code challenge required.")


class SpringAuthorizationServer:
    """Spring Authorization Server 1.x's answers (OAuth2ClientAuthenticationFilter,
    OAuth2TokenEndpointFilter, the grant providers, OAuth2AuthorizationCodeRequest…)."""

    profile = AUTHORIZATION_SERVER
    token_type = "Bearer"
    error_page_title = "Sign-in error"

    @staticmethod
    def _parameter(status: int, error: str, parameter: str, uri: str = TOKEN_REQUEST_ERRORS,
                   prefix: str = "OAuth 2.0 Parameter: ") -> OAuthError:
        return OAuthError(status, error, prefix + parameter, uri=uri)

    # -- the token endpoint ------------------------------------------------------------------

    def bad_client(self, via_basic: bool) -> OAuthError:
        # "We don't want to reveal too much information to the caller so just return the
        # error code" (OAuth2ClientAuthenticationFilter)
        return OAuthError(401, "invalid_client")

    def missing_grant(self) -> OAuthError:
        return self._parameter(400, "invalid_request", "grant_type")

    def unsupported_grant(self, grant: str) -> OAuthError:
        return self._parameter(400, "unsupported_grant_type", "grant_type")

    def unauthorized_grant(self, grant: str) -> OAuthError:
        return OAuthError(400, "unauthorized_client")

    def invalid_scope(self, bad: list[str]) -> OAuthError:
        return OAuthError(400, "invalid_scope")

    def bad_credentials(self) -> OAuthError:  # no password grant; kept for the interface
        return OAuthError(400, "invalid_grant")

    def user_disabled(self) -> OAuthError:
        return OAuthError(400, "invalid_grant")

    def invalid_refresh(self, value: str) -> OAuthError:
        return OAuthError(400, "invalid_grant")

    def refresh_of_other_client(self, value: str) -> OAuthError:
        return OAuthError(400, "invalid_grant")

    def expired_refresh(self, value: str) -> OAuthError:
        return OAuthError(400, "invalid_grant")

    def missing_code(self) -> OAuthError:
        return self._parameter(400, "invalid_request", "code")

    def invalid_code(self, code: str) -> OAuthError:
        return OAuthError(400, "invalid_grant")

    def invalid_verifier(self, code: str) -> OAuthError:
        # CodeVerifierAuthenticator's "Client authentication failed: code_verifier", which the
        # client authentication filter strips to the bare code
        return OAuthError(400, "invalid_grant")

    def redirect_mismatch(self) -> OAuthError:
        return OAuthError(400, "invalid_grant")

    def code_of_other_client(self) -> OAuthError:
        return OAuthError(400, "invalid_grant")

    def missing_token(self) -> OAuthError:
        return self._parameter(400, "invalid_request", "token", REVOCATION_ERRORS,
                               "OAuth 2.0 Token Revocation Parameter: ")

    def revoke_of_other_client(self) -> OAuthError:
        # OAuth2TokenRevocationAuthenticationProvider: INVALID_CLIENT, sent as 400 by the
        # revocation endpoint filter
        return OAuthError(400, "invalid_client")

    # -- the authorization endpoint (shown on the error page, never redirected) --------------

    def page_unsupported_response_type(self, response_type: str | None) -> OAuthError:
        if not response_type:
            return self._parameter(400, "invalid_request", "response_type",
                                   AUTHORIZATION_REQUEST_ERRORS)
        return self._parameter(400, "unsupported_response_type", "response_type",
                               AUTHORIZATION_REQUEST_ERRORS)

    def page_missing_client(self) -> OAuthError:
        return self._parameter(400, "invalid_request", "client_id", AUTHORIZATION_REQUEST_ERRORS)

    def page_unknown_client(self, client_id: str) -> OAuthError:
        return self.page_missing_client()

    def page_no_redirect_grant(self) -> OAuthError:
        return self._parameter(400, "unauthorized_client", "client_id",
                               AUTHORIZATION_REQUEST_ERRORS)

    def page_no_registered_redirect(self) -> OAuthError:
        return self.page_bad_redirect(None, [])

    def page_bad_redirect(self, requested: str | None, registered: list[str]) -> OAuthError:
        return self._parameter(400, "invalid_request", "redirect_uri",
                               AUTHORIZATION_REQUEST_ERRORS)

    def page_summary(self, error: OAuthError) -> str:
        """OAuth2Error.toString(), what the endpoint's sendError(400, …) carries."""
        return f"[{error.error}] {error.description or ''}".strip()

    # -- the authorization endpoint (redirected to the client) -------------------------------

    def redirect_unauthorized_client(self) -> OAuthError:
        return self._parameter(400, "unauthorized_client", "client_id",
                               AUTHORIZATION_REQUEST_ERRORS)

    def redirect_invalid_scope(self, bad: list[str]) -> OAuthError:
        return self._parameter(400, "invalid_scope", "scope", AUTHORIZATION_REQUEST_ERRORS)

    def redirect_bad_challenge_method(self, method: str) -> OAuthError:
        return self._parameter(400, "invalid_request", "code_challenge_method", PKCE_ERRORS)

    def redirect_missing_challenge(self) -> OAuthError:
        return self._parameter(400, "invalid_request", "code_challenge", PKCE_ERRORS)


Dialect = Classic | SpringAuthorizationServer


def dialect(profile: str | None) -> Dialect:
    return SpringAuthorizationServer() if profile == AUTHORIZATION_SERVER else Classic()
