"""WsDTOs and request bodies of the later B2C cart operations: SAPGuestUserRequest,
SAPAccessCode, SAPPaymentOptionRequest."""
from __future__ import annotations

from ... import dto as d
from ... import inputs as i

GUEST_USER = d.DtoType("SAPGuestUserRequest", "email")
ACCESS_CODE = d.DtoType("SAPAccessCode", "accessCode")


class GuestUserBody(i.Body):
    """A guest user's e-mail: optional when the guest is created or updated."""

    email = i.Text(validate=i.email())


class GuestEmailBody(i.Body):
    email = i.Text(required=True, validate=i.email())


class PaymentOptionBody(i.Body):
    sapPaymentOptionId = i.Text(max_length=255)
    purchaseOrderNumber = i.Text(max_length=255)
