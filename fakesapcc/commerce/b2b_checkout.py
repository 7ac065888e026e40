"""B2B checkout, as b2bacceleratorfacades' checkout does it: the payment type (``CARD``, or
``ACCOUNT``: on the organization's account, against a cost center) with the buyer's purchase
order number, the cost center, and on account a delivery address of the cost center's unit
only; the branch's orders for the unit's managers and administrators."""
from __future__ import annotations

from .. import models as m
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import b2b as mb
from ..security import policy
from .b2b_org import Organization

PAYMENT_TYPES = {"CARD": "Card Payment", "ACCOUNT": "Account Payment"}


def payment_type_error(value: str) -> ApiError:
    return ApiError(400, "ValidationError", f"Payment type [{value}] is not valid",
                    reason="invalid", subject="paymentType", subject_type="parameter")


class B2BCheckout:
    """The B2B steps of one buyer's cart."""

    def __init__(self, db: Db, user: m.User | None) -> None:
        self.db = db
        self.state = db.state
        self.user = user
        self.org = Organization(db, user)

    def set_payment_type(self, cart: m.Cart, code: str, po_number: str | None) -> None:
        """``ACCOUNT`` drops the cart's card; ``CARD`` drops its cost center (and an address of
        the cost center's unit it delivered to)."""
        code = code.strip().upper()
        if code not in PAYMENT_TYPES:
            raise payment_type_error(code)
        if code == "ACCOUNT":
            cart.paymentInfo = None
        elif cart.costCenter is not None:
            cart.costCenter = None
            cart.unit = None
            if self._unit_address(cart.deliveryAddress):
                cart.deliveryAddress = None
        cart.paymentType = code
        if po_number is not None:
            cart.purchaseOrderNumber = po_number.strip() or None

    def _unit_address(self, pk: int | None) -> bool:
        address = self.state.addresses.get(pk if pk is not None else -1)
        return address is not None and address.owner is not None \
            and isinstance(self.db.principal(address.owner), m.B2BUnit)

    def set_cost_center(self, cart: m.Cart, code: str) -> mb.B2BCostCenter:
        """An active cost center of the buyer's branch; on account only. A delivery address
        that is not the cost center's unit's is dropped."""
        if cart.paymentType != "ACCOUNT":
            raise ApiError(400, "ValidationError",
                           "A cost center can only be set on a cart paid on account",
                           reason="invalid", subject="costCenterId", subject_type="parameter")
        found = self.state.b2b_cost_centers.get(code)
        if found is None or not found.active or not policy.in_branch(self.db, self.user,
                                                                      found.unit):
            raise ApiError(400, "UnknownIdentifierError",
                           f"Cost center with code [{code}] not found")
        cart.costCenter, cart.unit = found.code, found.unit
        if cart.deliveryAddress is not None \
                and cart.deliveryAddress not in {a.pk for a in self.delivery_addresses(cart)}:
            cart.deliveryAddress = None
        return found

    def delivery_addresses(self, cart: m.Cart) -> list[m.Address]:
        """On account, the cost center's unit's addresses; otherwise none of the units'."""
        unit = self.db.principal(cart.unit) if cart.unit else None
        return self.org.addresses(unit) if isinstance(unit, m.B2BUnit) else []

    def account_address(self, cart: m.Cart, address_id: str) -> m.Address | None:
        """The address a cart paid on account may deliver to (None: the cart is not on
        account, the user's own addresses apply); another → 400 CartAddressError."""
        if cart.paymentType != "ACCOUNT":
            return None
        for address in self.delivery_addresses(cart):
            if str(address.pk) == address_id.strip():
                return address
        raise ApiError(400, "CartAddressError", f"Address given by id {address_id} is not valid",
                       reason="notValid", subject=address_id, subject_type="address")

    # -- the branch's orders -----------------------------------------------------------------

    def branch_orders(self, site: str, statuses: list[str] | None) -> list[m.Order]:
        """The orders placed for the units of the user's branch, newest first."""
        units = {uid_key(u.uid) for u in policy.branch(self.db, self.user)}
        found = []
        for order in self.state.orders.values():
            owner = self.db.principal(order.user)
            unit = order.unit or (policy.unit_of(self.db, owner).uid  # type: ignore[union-attr]
                                  if isinstance(owner, m.B2BCustomer)
                                  and policy.unit_of(self.db, owner) else None)
            if order.site == site and unit and uid_key(unit) in units \
                    and (not statuses or order.status in statuses):
                found.append(order)
        return sorted(found, key=lambda o: (o.created.isoformat() if o.created else "", o.code),
                      reverse=True)
