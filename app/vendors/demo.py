"""Demo vendors: a shared directory, certificates (one expiring), contracts and bids."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.core import clock
from app.extensions import db
from app.vendors import bids, contracts
from app.vendors import services as vendors

VENDORS = [
    ("GreenCo Landscaping", "landscaping", "Luis Ortega", "ops@greenco.example.com"),
    ("Blue Wave Pools", "pool", "Dana Kim", "service@bluewave.example.com"),
    ("Summit Roofing", "roofing", "Pat Nguyen", "bids@summitroofing.example.com"),
    ("Arbor Brothers Tree Care", "landscaping", "Sam Arbor", "office@arborbros.example.com"),
]


def load_vendor_demo(manager: User, board) -> None:
    """Create vendors for both associations and contracts for Willow Creek."""
    willow = db.session.scalar(
        select(Association).where(Association.name == "Willow Creek Townhomes")
    )
    cedar = db.session.scalar(select(Association).where(Association.name == "Cedar Ridge Commons"))
    today = clock.today(willow.time_zone)
    made = {}
    for name, category, contact, email in VENDORS:
        made[name] = vendors.create_vendor(
            willow,
            {
                "name": name,
                "category": category,
                "contact_name": contact,
                "email": email,
                "w9_on_file": True,
            },
            actor=manager,
        )
    vendors.link_vendor(cedar, made["GreenCo Landscaping"], actor=manager)
    for association in (willow, cedar):
        vendors.set_requirements(
            association,
            "landscaping",
            [
                {"kind": "general_liability", "min_coverage": "1000000"},
                {"kind": "workers_comp", "min_coverage": "500000"},
            ],
            actor=manager,
        )
        vendors.set_requirements(
            association,
            "pool",
            [{"kind": "general_liability", "min_coverage": "2000000"}],
            actor=manager,
        )
    certificates = [
        ("GreenCo Landscaping", "general_liability", "2000000", 200),
        ("GreenCo Landscaping", "workers_comp", "1000000", 25),  # expiring soon
        ("Blue Wave Pools", "general_liability", "1000000", 300),  # below the pool minimum
        ("Arbor Brothers Tree Care", "general_liability", "1000000", 120),
        ("Arbor Brothers Tree Care", "workers_comp", "500000", 50),
    ]
    for name, kind, coverage, days in certificates:
        vendors.add_certificate(
            made[name],
            {
                "kind": kind,
                "carrier": "Pacific Mutual Insurance",
                "policy_number": f"{kind[:2].upper()}-{made[name].id:04d}",
                "coverage_amount": coverage,
                "expires_on": today + timedelta(days=days),
            },
            association=willow,
            actor=manager,
        )
    landscaping = contracts.create_contract(
        willow,
        {
            "vendor_id": made["GreenCo Landscaping"].id,
            "title": "Common-area landscaping",
            "scope": "Weekly mowing, edging and irrigation checks of all common areas.",
            "start_date": today - timedelta(days=300),
            "end_date": today + timedelta(days=65),
            "amount": "96000",
            "billing": "annual",
            "auto_renew": True,
            "notice_days": 60,
        },
        actor=manager,
    )
    pool = contracts.create_contract(
        willow,
        {
            "vendor_id": made["Blue Wave Pools"].id,
            "title": "Pool service 2027",
            "scope": "Three visits a week, chemicals included.",
            "start_date": today + timedelta(days=40),
            "end_date": today + timedelta(days=404),
            "amount": "1550",
            "billing": "monthly",
            "auto_renew": False,
            "notice_days": 30,
        },
        actor=manager,
    )
    request = contracts.submit_contract(landscaping, actor=manager)
    board.approve(request)
    contracts.submit_contract(pool, actor=manager)
    rfp = bids.create_rfp(
        willow,
        {
            "title": "Tree trimming 2027",
            "category": "landscaping",
            "scope": "Trim all 140 common-area trees; remove two dead pines.",
            "due_on": today + timedelta(days=14),
        },
        actor=manager,
    )
    bids.add_bid(
        rfp,
        {
            "vendor_id": made["Arbor Brothers Tree Care"].id,
            "price": "12900",
            "term_months": 12,
            "notes": "Includes stump grinding.",
        },
        actor=manager,
    )
    bids.add_bid(
        rfp,
        {
            "vendor_id": made["GreenCo Landscaping"].id,
            "price": "14500",
            "term_months": 12,
            "notes": "Can start in two weeks.",
        },
        actor=manager,
    )
