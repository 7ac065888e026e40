"""OCC notification preferences (tag Notification Preference) and the login notification (tag
Login Notification): the channels a customer is notified on (e-mail always, SMS once the
customer has a mobile number), switched on and off; the storefront's notice of a login."""
from __future__ import annotations

from ...errors import ApiErrors, validation_error
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, empty, respond
from .dtos.notifications import (NOTIFICATION_PREFERENCE, NOTIFICATION_PREFERENCE_LIST,
                                 NotificationPreferencesBody)

USER = "/<baseSiteId>/users/<userId>"
CHANNELS = ("EMAIL", "SMS", "SITE_MESSAGE")
PREFERENCES = "notificationChannels"  # on Principal.extra: channel -> enabled


def _mobile(user) -> str | None:
    address = runtime().db.state.addresses.get(user.defaultShipmentAddress or -1)
    return (address.cellphone or None) if address else None


def _preferences(user) -> list[tuple[str, str | None, bool, bool]]:
    """(channel, value, enabled, visible) of each channel."""
    chosen = user.extra.get(PREFERENCES, {})
    mobile = _mobile(user)
    return [("EMAIL", getattr(user, "originalUid", None) or user.uid, chosen.get("EMAIL", False), True),
            ("SMS", mobile, chosen.get("SMS", False), mobile is not None),
            ("SITE_MESSAGE", None, chosen.get("SITE_MESSAGE", True), True)]


@bp.get(USER + "/notificationpreferences")
@operation("getNotificationPreferences", secured=roles.USER, anonymous=False)
def get_notification_preferences(baseSiteId: str, userId: str):
    return respond(NOTIFICATION_PREFERENCE_LIST(preferences=[
        NOTIFICATION_PREFERENCE(channel=c, value=v, enabled=e, visible=vis)
        for c, v, e, vis in _preferences(ctx().user)]))


@bp.patch(USER + "/notificationpreferences")
@operation("updateNotificationPreferences", secured=roles.USER, anonymous=False,
           body=NotificationPreferencesBody)
def update_notification_preferences(baseSiteId: str, userId: str, body: dict):
    user = ctx().user
    visible = {c for c, _, _, shown in _preferences(user) if shown}
    errors = [validation_error(f"preferences[{n}].channel", f"Channel {p['channel']} is not valid.")
              for n, p in enumerate(body["preferences"]) if p["channel"] not in visible]
    if errors:
        raise ApiErrors(400, errors)
    chosen = dict(user.extra.get(PREFERENCES, {}))
    for preference in body["preferences"]:
        chosen[preference["channel"]] = preference["enabled"]
    user.extra[PREFERENCES] = chosen
    return empty()


@bp.post(USER + "/loginnotification")
@operation("doPublishSuccessfulLoginEvent", secured=roles.USER, anonymous=False)
def publish_successful_login(baseSiteId: str, userId: str):
    """SAP publishes a login event for its listeners; the time is kept on the customer."""
    ctx().user.extra["lastLoginNotification"] = runtime().clock.now()
    return empty(202)
