"""Vendors on the dashboards: certificates and contracts that need a decision soon, counted
per association, and the overview's vendor panel."""

from __future__ import annotations

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import func, select

from app.associations import attention
from app.associations.attention import Attention, Scope
from app.auth import policies
from app.core.sqldates import minus_days
from app.extensions import db
from app.vendors.models import Certificate, Contract, VendorLink

CERTIFICATE_DAYS = 60
CONTRACT_DAYS = 90


def expiring_counts(scope: Scope) -> dict[int, list[Attention]]:
    """Count certificates expiring within 60 days and contracts whose notice deadline or
    end falls within 90, for every association the viewer manages."""
    ids = [aid for aid in scope.ids if policies.is_manager(scope.user, aid)]
    if not ids:
        return {}
    today = scope.today_of(VendorLink.association_id)
    soon = scope.today_of(VendorLink.association_id, CERTIFICATE_DAYS)
    certificates = db.session.execute(
        select(VendorLink.association_id, func.count(Certificate.id))
        .join(Certificate, Certificate.vendor_id == VendorLink.vendor_id)
        .where(
            VendorLink.association_id.in_(ids),
            VendorLink.active.is_(True),
            Certificate.expires_on >= today,
            Certificate.expires_on <= soon,
        )
        .group_by(VendorLink.association_id)
    ).all()
    today = scope.today_of(Contract.association_id)
    horizon = scope.today_of(Contract.association_id, CONTRACT_DAYS)
    deadline = minus_days(Contract.end_date, Contract.notice_days)
    contracts = db.session.execute(
        select(Contract.association_id, func.count(Contract.id))
        .where(
            Contract.association_id.in_(ids),
            Contract.status.in_(["approved", "active"]),
            ((deadline >= today) & (deadline <= horizon))
            | ((Contract.end_date >= today) & (Contract.end_date <= horizon)),
        )
        .group_by(Contract.association_id)
    ).all()
    result: dict[int, list[Attention]] = {}
    for aid, count in certificates:
        result.setdefault(aid, []).append(
            Attention(
                ngettext(
                    "%(num)d insurance certificate expires within 60 days",
                    "%(num)d insurance certificates expire within 60 days",
                    count,
                ),
                count,
                url_for("vendors.index", aid=aid),
            )
        )
    for aid, count in contracts:
        result.setdefault(aid, []).append(
            Attention(
                ngettext(
                    "%(num)d contract needs a renewal decision",
                    "%(num)d contracts need a renewal decision",
                    count,
                ),
                count,
                url_for("vendors.contracts_index", aid=aid),
            )
        )
    return result


def overview_panel(association, user) -> dict | None:
    """Certificates expiring and the renewal radar, for managers."""
    if not policies.is_manager(user, association):
        return None
    from app.vendors import contracts as vendor_contracts
    from app.vendors import insurance

    certificates = insurance.expiring_certificates(association, CERTIFICATE_DAYS)
    vendor_contracts.sync_all(association.id)
    radar = vendor_contracts.expiring(association, CONTRACT_DAYS)
    if not certificates and not radar:
        return None
    return {"expiring_certificates": certificates, "renewal_radar": radar}


def register() -> None:
    """Add the vendors' counter and panel to the dashboards."""
    attention.register_counter("vendors.expiring", expiring_counts, order=40)
    attention.register_panel("vendors.overview", "vendors/_overview.html", overview_panel, order=30)
