"""OCC carts, one module per SAP controller (the tags of SAP's document): Carts, Cart Entries,
Cart Addresses, Cart Delivery Modes, Cart Payments, the silent order post, Cart Promotions
(vouchers) and B2B Carts. The cart a path names is matched once, by the OCC filters
(``ctx().cart``); carts answer ``Cache-Control: no-cache``."""
from . import addresses, b2b, carts, deliverymodes, entries, payments, sop, vouchers  # noqa: F401
from . import extras  # noqa: F401,E402
