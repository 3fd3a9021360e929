"""Realistic demo data, built through the same services the pages use."""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.associations import memberships, services
from app.associations import units as unit_services
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.services import create_user

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for people trying the product

FIRST = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Isabella",
    "William",
    "Mia",
    "Benjamin",
    "Charlotte",
    "Lucas",
    "Amelia",
    "Henry",
    "Harper",
    "Theodore",
    "Evelyn",
    "Jack",
    "Abigail",
    "Levi",
    "Emily",
    "Alexander",
    "Ella",
    "Jackson",
    "Elizabeth",
    "Mateo",
    "Camila",
    "Daniel",
    "Luna",
    "Michael",
    "Sofia",
    "Mason",
    "Avery",
    "Sebastian",
    "Mila",
    "Ethan",
    "Aria",
    "Logan",
    "Scarlett",
    "Owen",
    "Penelope",
    "Samuel",
    "Layla",
    "Jacob",
    "Chloe",
    "Asher",
    "Victoria",
    "Aiden",
    "Madison",
    "John",
    "Eleanor",
    "Joseph",
    "Grace",
    "Wyatt",
    "Nora",
    "David",
    "Riley",
    "Leo",
    "Zoey",
    "Luke",
    "Hannah",
    "Julian",
    "Hazel",
    "Hudson",
    "Lily",
    "Grayson",
    "Ellie",
    "Matthew",
    "Violet",
    "Ezra",
    "Lillian",
    "Gabriel",
    "Zoe",
    "Carter",
    "Stella",
    "Isaac",
    "Aurora",
    "Jayden",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
]

ASSOCIATIONS = [
    {
        "name": "Willow Creek Townhomes",
        "state": "CA",
        "fiscal_year_start_month": 1,
        "time_zone": "America/Los_Angeles",
        "letterhead_address": "Willow Creek Townhomes Association\nc/o Summit Community "
        "Management\n2400 Barranca Parkway, Suite 200\nIrvine, CA 92606",
        "city": "Irvine, CA 92614",
        "streets": ["Willow Creek Lane", "Sycamore Court", "Alder Way"],
        "layout": [("townhome", 48), ("single-family", 24)],
        "slug": "willowcreek",
        "board": ["president", "vice_president", "treasurer", "secretary", "director"],
    },
    {
        "name": "Cedar Ridge Commons",
        "state": "TX",
        "fiscal_year_start_month": 7,
        "time_zone": "America/Chicago",
        "letterhead_address": "Cedar Ridge Commons Homeowners Association\nc/o Summit "
        "Community Management\n901 South Mopac Expressway, Building 3\nAustin, TX 78746",
        "city": "Austin, TX 78749",
        "streets": ["Cedar Ridge Drive", "Live Oak Trail"],
        "layout": [("single-family", 48)],
        "slug": "cedarridge",
        "board": ["president", "treasurer", "secretary"],
    },
]

ABSENTEE_CITIES = [
    "Scottsdale, AZ 85251",
    "Portland, OR 97205",
    "Denver, CO 80206",
    "Chicago, IL 60614",
    "Seattle, WA 98109",
]


@dataclass(frozen=True)
class DemoPeople:
    """The demo's sign-ins (who, e-mail), its administrator and its manager."""

    logins: list[tuple[str, str]]
    admin: User
    manager: User


def load_people_demo(seed: int = 2026) -> DemoPeople:
    """Create the demo associations, units, people and roles."""
    rng = random.Random(seed)
    password_hash = hash_password(DEMO_PASSWORD)
    admin = create_user(
        email="admin@example.com",
        name="Alex Admin",
        password=None,
        actor=None,
        is_admin=True,
        password_hash=password_hash,
    )
    manager = create_user(
        email="manager@example.com",
        name="Maria Delgado",
        password=None,
        actor=admin,
        password_hash=password_hash,
    )
    logins = [("Administrator", admin.email), ("Manager (both associations)", manager.email)]
    used_names: set[str] = set()
    for spec in ASSOCIATIONS:
        association = services.create_association(
            name=spec["name"],
            state=spec["state"],
            fiscal_year_start_month=spec["fiscal_year_start_month"],
            letterhead_address=spec["letterhead_address"],
            time_zone=spec["time_zone"],
            actor=admin,
        )
        slug = association.name.split()[0].lower()
        association.office_phone = "(555) 010-" + str(2000 + association.id)
        association.office_email = f"office@{slug}.example.com"
        association.portal_url = f"https://{slug}.example.com"
        memberships.add_membership(association, user=manager, role="manager", actor=admin)
        units = []
        number = 100
        for unit_type, count in spec["layout"]:
            for _index in range(count):
                number += rng.choice((2, 4, 6))
                street = rng.choice(spec["streets"])
                absentee = rng.random() < 0.12
                units.append(
                    unit_services.create_unit(
                        association,
                        label=str(number),
                        street_address=f"{number} {street}, {spec['city']}",
                        unit_type=unit_type,
                        mailing_address=(
                            f"{rng.randint(100, 9999)} {rng.choice(LAST)} Street\n"
                            f"{rng.choice(ABSENTEE_CITIES)}"
                            if absentee
                            else None
                        ),
                        actor=manager,
                    )
                )
        owners_by_unit = {}
        # Owners who read another language (their letters and notices come in it).
        speakers = random.Random(seed + len(units))
        for unit in units:
            first, last = _unique_name(rng, used_names)
            email = f"{first}.{last}@{spec['slug']}.example.com".lower()
            owner = create_user(
                email=email,
                name=f"{first} {last}",
                password=None,
                actor=manager,
                password_hash=password_hash,
            )
            memberships.add_membership(
                association, user=owner, role="owner", unit_id=unit.id, actor=manager
            )
            owners_by_unit[unit.id] = owner
            roll = speakers.random()
            for language, share in (("es", 0.12), ("it", 0.16), ("ru", 0.2), ("da", 0.23)):
                if roll < share:
                    owner.language = language
                    break
            co_first = rng.choice(FIRST)
            if rng.random() < 0.3 and f"{co_first} {last}" not in used_names:
                used_names.add(f"{co_first} {last}")  # a co-owner: spouse or partner
                co = create_user(
                    email=f"{co_first}.{last}@{spec['slug']}.example.com".lower(),
                    name=f"{co_first} {last}",
                    password=None,
                    actor=manager,
                    password_hash=password_hash,
                )
                memberships.add_membership(
                    association, user=co, role="owner", unit_id=unit.id, actor=manager
                )
        board_units = rng.sample(units, len(spec["board"]))
        for office, unit in zip(spec["board"], board_units, strict=True):
            member = owners_by_unit[unit.id]
            memberships.add_membership(
                association, user=member, role="board", office=office, actor=admin
            )
            if office == "president":
                logins.append((f"Board president, {spec['name']}", member.email))
        sample_owner = owners_by_unit[units[-1].id]
        sample_owner.language = "en"  # the demo sign-in reads English
        logins.append((f"Owner, {spec['name']}", sample_owner.email))
    return DemoPeople(logins, admin, manager)


def _unique_name(rng: random.Random, used: set[str]) -> tuple[str, str]:
    while True:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if f"{first} {last}" not in used:
            used.add(f"{first} {last}")
            return first, last
