"""OCC v2 (``/occ/v2``): one blueprint; its modules add routes by SAP controller, their WsDTOs
and request bodies in ``dtos/``."""
from .base import bp
from . import (addresses, carts, catalogs, cms, consents, customergroups,  # noqa: F401,E402
               notifications, orders, paymentdetails, products, promotions, sitecontext,
               stores, tickets, users)
from . import aftersales, passwords, savedcarts  # noqa: F401,E402
from . import (b2b_accounts, b2b_approvals, b2b_checkout, b2b_commerce,  # noqa: F401,E402
               b2b_org, b2b_people)
from . import quotes, replenishment  # noqa: F401,E402
from . import messagecenter, verification  # noqa: F401,E402

__all__ = ["bp"]
