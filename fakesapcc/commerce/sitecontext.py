"""A base site's context: its base store, and the session language and currency a request asks
for (``lang``/``curr``), checked against the store as SAP checks them. One place for OCC and
ASM."""
from __future__ import annotations

from dataclasses import dataclass

from .. import models as m
from ..errors import ApiError
from ..db import State


@dataclass(frozen=True)
class SiteContext:
    site: m.BaseSite
    store: m.BaseStore | None
    lang: str
    curr: str


def unknown_site(site_id: str) -> ApiError:
    return ApiError(400, "InvalidResourceError", f"Base site {site_id} doesn't exist")


def base_site(state: State, site_id: str) -> m.BaseSite:
    site = state.base_sites.get(site_id)
    if site is None:
        raise unknown_site(site_id)
    return site


def site_context(state: State, site: m.BaseSite, lang: str | None, curr: str | None,
                 default_curr: str | None = None) -> SiteContext:
    """``lang``/``curr`` default to the base store's; one the store does not offer is a 400
    ``UnsupportedLanguageError``/``UnsupportedCurrencyError`` (SAP's texts, two spaces and all)."""
    store = state.base_stores.get(site.stores[0]) if site.stores else None
    lang = lang or (store.defaultLanguage if store else None) or site.defaultLanguage or "en"
    curr = curr or default_curr or (store.defaultCurrency if store else None) or "USD"
    languages = store.languages if store and store.languages else list(state.languages)
    currencies = store.currencies if store and store.currencies else list(state.currencies)
    if lang not in languages:
        raise ApiError(400, "UnsupportedLanguageError", f"Language  {lang} is not supported")
    if curr not in currencies:
        raise ApiError(400, "UnsupportedCurrencyError", f"Currency {curr} is not supported")
    return SiteContext(site, store, lang, curr)
