"""OCC saved carts (tag Save Cart, SaveCartController): save (the query-parameter variant and
the body variant), read, restore, clone (both variants), flag for deletion. Each answers a
SaveCartResult; SAP's controller declares no ``@Secured``."""
from __future__ import annotations

from ...commerce.saved_carts import SavedCarts
from ...security import roles
from .. import inputs as i
from ..context import ctx
from ..operations import operation
from .base import bp, carts_service, respond, site
from .carts.base import CART, cart
from .dtos.aftersales import SavedCartBody, save_cart_result


def _service() -> SavedCarts:
    return SavedCarts(carts_service())


def _result(saved):
    return respond(save_cart_result(carts_service(), saved, site().lang))


class SaveParams(i.Params):
    saveCartName = i.TextParam()
    saveCartDescription = i.TextParam()


@bp.patch(CART + "/save")
@operation("doSaveCart", secured=roles.OPEN, params=SaveParams)
def do_save_cart(baseSiteId: str, userId: str, cartId: str, params: dict):
    """Deprecated since 2211.28 for ``/savedCart``: the name and description as parameters."""
    return _result(_service().save(ctx().acting.user, cart(), params["saveCartName"],
                                   params["saveCartDescription"]))


@bp.patch(CART + "/savedCart")
@operation("doCartSave", secured=roles.OPEN, body=SavedCartBody)
def do_cart_save(baseSiteId: str, userId: str, cartId: str, body: dict):
    return _result(_service().save(ctx().acting.user, cart(), body.get("name"),
                                   body.get("description")))


@bp.get(CART + "/savedcart")
@operation("getSavedCart", secured=roles.OPEN)
def get_saved_cart(baseSiteId: str, userId: str, cartId: str):
    return _result(_service().owned(ctx().acting.user, cart()))


@bp.patch(CART + "/restoresavedcart")
@operation("doUpdateSavedCart", secured=roles.OPEN)
def do_update_saved_cart(baseSiteId: str, userId: str, cartId: str):
    """The saved cart becomes the session cart; the answer is that cart."""
    return _result(_service().restore(ctx().acting.user, cart()))


@bp.patch(CART + "/flagForDeletion")
@operation("doUpdateFlagForDeletion", secured=roles.OPEN)
def do_update_flag_for_deletion(baseSiteId: str, userId: str, cartId: str):
    return _result(_service().flag_for_deletion(ctx().acting.user, cart()))


class CloneParams(i.Params):
    name = i.TextParam()
    description = i.TextParam()


@bp.post(CART + "/clonesavedcart")
@operation("doCartClone", secured=roles.OPEN, params=CloneParams)
def do_cart_clone(baseSiteId: str, userId: str, cartId: str, params: dict):
    """Deprecated since 2211.28 for ``/copySavedCart``; 200 with the saved copy."""
    return _result(_service().clone(ctx().acting.user, cart(), params["name"],
                                    params["description"]))


@bp.post(CART + "/copySavedCart")
@operation("copySavedCart", secured=roles.OPEN, body=SavedCartBody)
def copy_saved_cart(baseSiteId: str, userId: str, cartId: str, body: dict):
    return _result(_service().clone(ctx().acting.user, cart(), body.get("name"),
                                    body.get("description")))
