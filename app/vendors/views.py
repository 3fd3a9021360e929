"""Vendor, insurance, contract and bid pages: one blueprint, its routes by what they do."""

from app.vendors import (  # noqa: F401  (each module adds its routes to the blueprint)
    bid_pages,
    contract_pages,
    insurance_pages,
    vendor_pages,
)
from app.vendors.blueprint import bp

__all__ = ["bp"]
