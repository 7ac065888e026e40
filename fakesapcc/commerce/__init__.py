"""Commerce services over the store, in SAP's terms: catalog and prices, stock, search, carts,
checkout and orders. No Flask here; the OCC and ASM layers call these."""
