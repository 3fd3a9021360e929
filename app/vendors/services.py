"""The vendors package's services under one name, for the pages, the API and other packages:
the directory (``directory``), insurance (``insurance``) and reminders (``reminders``)."""

from app.vendors.directory import (
    MAX_DOCUMENT_BYTES,
    add_document,
    create_vendor,
    declare_interest,
    get_vendor_in,
    interested_user_ids,
    link_vendor,
    set_active,
    update_vendor,
    vendors_of,
)
from app.vendors.insurance import (
    Compliance,
    add_certificate,
    compliance,
    expiring_certificates,
    money_value,
    remove_certificate,
    replace_certificate,
    requirements_for,
    set_requirements,
)
from app.vendors.reminders import REMINDER_TOPIC, THRESHOLDS, send_expiry_reminders

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "REMINDER_TOPIC",
    "THRESHOLDS",
    "Compliance",
    "add_certificate",
    "add_document",
    "compliance",
    "create_vendor",
    "declare_interest",
    "expiring_certificates",
    "get_vendor_in",
    "interested_user_ids",
    "link_vendor",
    "money_value",
    "remove_certificate",
    "replace_certificate",
    "requirements_for",
    "send_expiry_reminders",
    "set_active",
    "set_requirements",
    "update_vendor",
    "vendors_of",
]
