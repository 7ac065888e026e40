"""Store finder and payment mode WsDTOs (PointOfServiceList, StoreCount, StoreCountList,
PaymentMode, PaymentModeList)."""
from __future__ import annotations

from ... import dto as d

POINT_OF_SERVICE_LIST = d.DtoType("PointOfServiceList", "pointOfServices")
STORE_COUNT = d.DtoType("StoreCount", "type name isoCode count storeCountDataList")
STORE_COUNT_LIST = d.DtoType("StoreCountList", "countriesAndRegionsStoreCount")
PAYMENT_MODE = d.DtoType("PaymentMode", "code name description pspLogoUrl")
PAYMENT_MODE_LIST = d.DtoType("PaymentModeList", "paymentModes")
