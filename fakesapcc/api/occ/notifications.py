"""OCC notification preferences (tag Notification Preference), site messages (tag Site
Messages) and the login notification (tag Login Notification): the channels a customer is
notified on (e-mail always, SMS once the customer has a mobile number), switched on and off;
the messages it got on the site's channel; the storefront's notice of a login."""
from __future__ import annotations

from ...commerce.coupons import NOTIFICATION_CHANNELS
from ...db import uid_key
from ...errors import ApiErrors, validation_error
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, empty, respond, site
from .dtos.account import page_dto
from .dtos.cms import SORT
from .dtos.notifications import (NOTIFICATION_PREFERENCE, NOTIFICATION_PREFERENCE_LIST,
                                 SITE_MESSAGE, SITE_MESSAGE_SEARCH, NotificationPreferencesBody)

USER = "/<baseSiteId>/users/<userId>"
CHANNELS = ("EMAIL", "SMS", "SITE_MESSAGE")
PREFERENCES = NOTIFICATION_CHANNELS  # on Principal.extra: channel -> enabled


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
    user.extra = {**user.extra, PREFERENCES: chosen}
    return empty()


@bp.post(USER + "/loginnotification")
@operation("doPublishSuccessfulLoginEvent", secured=roles.USER, anonymous=False)
def publish_successful_login(baseSiteId: str, userId: str):
    """SAP publishes a login event for its listeners; the time is kept on the customer."""
    user = ctx().user
    user.extra = {**user.extra, "lastLoginNotification": runtime().clock.now()}
    return empty(202)


class SiteMessageParams(i.Params):
    """SAP declares these as strings: a page that is no number is refused as one."""

    currentPage = i.IntParam(default=0, minimum=0)
    pageSize = i.IntParam(default=10, minimum=1)
    needsTotal = i.BoolParam(default=True)
    sort = i.ChoiceParam(("byDate", "byDateAsc"), default="byDate",
                         message="Sort code [{value}] is invalid")


@bp.get(USER + "/notifications/sitemessages")
@operation("siteMessages", secured=roles.USER, anonymous=False, params=SiteMessageParams)
def site_messages(baseSiteId: str, userId: str, params: dict):
    user = ctx().user
    state = runtime().db.state
    mine = sorted((x for x in state.site_messages.values()
                   if uid_key(x.user) == uid_key(user.uid) and x.site == site().site.uid),
                  key=lambda x: (x.sentDate, x.uid), reverse=params["sort"] == "byDate")
    page, size = params["currentPage"], params["pageSize"]
    shown = mine[page * size:(page + 1) * size]
    pagination = page_dto(len(shown), len(mine), page, size)
    if not params["needsTotal"]:
        pagination.update(totalCount=None, totalPages=None)
    return respond(SITE_MESSAGE_SEARCH(
        messages=[SITE_MESSAGE(uid=x.uid, subject=x.subject, body=x.body,
                               notificationType=x.notificationType,
                               sentDate=x.sentDate.isoformat(timespec="seconds")
                               if x.sentDate else None) for x in shown],
        sorts=[SORT(code=params["sort"], asc=params["sort"] == "byDateAsc")],
        pagination=pagination))
