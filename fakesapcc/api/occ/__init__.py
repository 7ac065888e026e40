"""OCC v2 (``/occ/v2``): one blueprint; its modules add routes by SAP controller, their WsDTOs
and request bodies in ``dtos/``."""
from .base import bp
from . import (addresses, b2b_approvals, b2b_checkout, b2b_org, b2b_people, carts, catalogs, cms, consents, orders, paymentdetails,  # noqa: F401,E402
               products, sitecontext, stores, users)

__all__ = ["bp"]
