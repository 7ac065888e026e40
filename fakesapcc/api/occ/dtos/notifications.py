"""Notification preference and site message WsDTOs (notificationPreference,
notificationPreferenceList, siteMessage, siteMessageSearchResult) and the request body
(BasicnotificationPreferenceList)."""
from __future__ import annotations

from ... import dto as d
from ... import inputs as i

NOTIFICATION_PREFERENCE = d.DtoType("notificationPreference", "channel value enabled visible")
NOTIFICATION_PREFERENCE_LIST = d.DtoType("notificationPreferenceList", "preferences")
SITE_MESSAGE = d.DtoType("siteMessage", "uid subject body notificationType sentDate")
SITE_MESSAGE_SEARCH = d.DtoType("siteMessageSearchResult", "messages sorts pagination")


class BasicNotificationPreferenceBody(i.Body):
    channel = i.Text(required=True)
    enabled = i.Bool(required=True)


class NotificationPreferencesBody(i.Body):
    preferences = i.Objects(BasicNotificationPreferenceBody, required=True)
