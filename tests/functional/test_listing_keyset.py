"""Keyset pagination (issue 14): Next and Previous seek from a page's last or first row and
give the same rows as the numbered (OFFSET) pages, in every sort direction, with ties and
NULLs; a cursor that does not fit is a 422 on the API and ignored on pages."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, insert

from app.associations.models import Unit
from app.compliance.models import Rule, Violation
from app.extensions import db
from tests.conftest import login
from tests.queries import counted_queries

LABEL = re.compile(r">(L\d{4})<")


def _rows(app, world, count: int) -> None:
    """`count` units, each with one violation: many ties on the opening date and status,
    and a cure date on every third one only (NULL elsewhere)."""
    with app.app_context():
        rule = Rule(
            association_id=world.a.id,
            code="PARK-2",
            title="Parking",
            description="No boats.",
            cure_days=7,
            fine_amount=25,
        )
        db.session.add(rule)
        db.session.flush()
        labels = [f"L{(i * 7) % count:04d}" for i in range(count)]  # not in id order
        db.session.execute(
            insert(Unit),
            [
                {
                    "association_id": world.a.id,
                    "label": label,
                    "street_address": f"{n} Maple Court",
                    "unit_type": "standard",
                }
                for n, label in enumerate(labels)
            ],
        )
        ids = db.session.scalars(
            db.select(Unit.id).where(Unit.label.in_(labels)).order_by(Unit.id)
        ).all()
        db.session.execute(
            insert(Violation),
            [
                {
                    "association_id": world.a.id,
                    "unit_id": unit_id,
                    "rule_id": rule.id,
                    "status": ("open", "noticed")[n % 2],
                    "opened_on": date(2027, 1, 1) + timedelta(days=n % 4),
                    "cure_by": date(2027, 2, 1) + timedelta(days=n % 2) if n % 3 == 0 else None,
                    "is_repeat": False,
                    "cure_notes": "",
                    "closure_notes": "",
                }
                for n, unit_id in enumerate(ids)
            ],
        )
        db.session.commit()


def _link(text: str, label: str) -> str | None:
    match = re.search(
        r'<li class="page-item( disabled)?"><a class="page-link" href="([^"]*)">' + label + "<",
        text,
    )
    if match is None or match.group(1):
        return None
    return html.unescape(match.group(2))


@pytest.mark.parametrize(
    "query",
    [
        "sort=opened&dir=desc",
        "sort=opened&dir=asc",
        "sort=status&dir=asc",
        "sort=status&dir=desc",
        "sort=cure&dir=asc",
        "sort=cure&dir=desc",
        "sort=unit&dir=asc",
        "sort=unit&dir=desc",
        "status=noticed&sort=cure&dir=desc",
    ],
)
def test_next_and_previous_give_the_numbered_pages_rows(app, client, world, query):
    _rows(app, world, 23)
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations?{query}&per_page=4"
    numbered = []
    for number in range(1, 8):
        text = client.get(f"{url}&page={number}").get_data(as_text=True)
        numbered.append(LABEL.findall(text))
    numbered = [labels for labels in numbered if labels]
    expected_total = 23 if "status=" not in query else 11
    assert sum(len(labels) for labels in numbered) == expected_total
    assert len({label for labels in numbered for label in labels}) == expected_total

    # Forwards by the Next links (each carries a cursor), then back by the Previous links.
    text = client.get(url).get_data(as_text=True)
    sought, links = [LABEL.findall(text)], []
    while (link := _link(text, "Next")) is not None:
        assert "after=" in link
        links.append(link)
        text = client.get(link).get_data(as_text=True)
        sought.append(LABEL.findall(text))
    assert sought == numbered
    back = [sought[-1]]
    while (link := _link(text, "Previous")) is not None:
        text = client.get(link).get_data(as_text=True)
        back.append(LABEL.findall(text))
    assert back[::-1] == numbered


def test_a_cursor_seeks_instead_of_walking_the_offset(app, client, world):
    _rows(app, world, 23)
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations?per_page=4&page=3"
    link = _link(client.get(url).get_data(as_text=True), "Next")
    with app.app_context():
        engine = db.engine
    seen = []

    def listen(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert client.get(link).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    ids = [
        (s, p)
        for s, p in seen
        if "_listing_0" in s and s.lstrip().startswith("SELECT compliance_violations.id")
    ]
    assert len(ids) == 1
    statement, parameters = ids[0]
    # A range of the (association, opened_on, id) index, from the row after page 3's last.
    assert "(compliance_violations.opened_on, compliance_violations.id) <" in statement
    if "OFFSET" in statement:  # SQLite writes OFFSET 0 after every LIMIT
        assert list(parameters)[-1] == 0
    with counted_queries(app) as by_cursor:
        client.get(link)
    with counted_queries(app) as by_number:
        client.get(f"/associations/{world.a.id}/compliance/violations?per_page=4&page=4")
    # The same number of statements either way.
    assert len(by_number) == len(by_cursor)


@pytest.mark.parametrize(
    "after",
    ["garbage", "eyJ4IjoxfQ", "W10", "!!!", "A" * 5000, "WzEsNCw0LCJvcGVuZWQiXQ"],
)
def test_a_bad_cursor_on_a_page_is_ignored(app, client, world, after):
    _rows(app, world, 10)
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations?per_page=4&page=2"
    expected = LABEL.findall(client.get(url).get_data(as_text=True))
    response = client.get(f"{url}&after={after}")
    assert response.status_code == 200
    assert LABEL.findall(response.get_data(as_text=True)) == expected


def test_a_cursor_of_another_sort_or_page_falls_back_to_the_page_number(app, client, world):
    _rows(app, world, 23)
    login(client, world.manager)
    base = f"/associations/{world.a.id}/compliance/violations?per_page=4"
    link = _link(client.get(f"{base}&sort=unit&dir=asc").get_data(as_text=True), "Next")
    cursor = re.search(r"after=([^&]+)", link).group(1)
    for other in ("&sort=unit&dir=desc&page=2", "&sort=unit&dir=asc&page=3", "&status=open&page=2"):
        expected = LABEL.findall(client.get(base + other).get_data(as_text=True))
        text = client.get(f"{base}{other}&after={cursor}").get_data(as_text=True)
        assert LABEL.findall(text) == expected


def test_api_lists_give_a_next_link_that_seeks(app, client, world, api):
    _rows(app, world, 23)
    caller = api(world.manager)
    base = f"/api/v1/associations/{world.a.id}/violations?per_page=5"
    numbered = [
        [v["id"] for v in caller.get(f"{base}&page={n}").json["items"]] for n in range(1, 6)
    ]
    body = caller.get(base).json
    assert body["next"].startswith("/api/v1/") and "after=" in body["next"]
    pages = [[v["id"] for v in body["items"]]]
    while body["next"]:
        body = caller.get(body["next"]).json
        pages.append([v["id"] for v in body["items"]])
    assert pages == numbered
    assert body["next"] is None and body["page"] == 5


@pytest.mark.parametrize("after", ["garbage", "eyJ4IjoxfQ", "W10", "!!!", "A" * 5000, "WzEsMiw1XQ"])
def test_api_bad_cursor_is_422(app, client, world, api, after):
    _rows(app, world, 12)
    response = api(world.manager).get(
        f"/api/v1/associations/{world.a.id}/units?per_page=5&page=2&after={after}"
    )
    assert response.status_code == 422
    assert response.content_type.startswith("application/problem+json")
    assert "after" in response.json["errors"]


def test_api_cursor_of_another_page_is_422(app, client, world, api):
    _rows(app, world, 12)
    caller = api(world.manager)
    link = caller.get(f"/api/v1/associations/{world.a.id}/units?per_page=5").json["next"]
    assert caller.get(link).status_code == 200
    response = caller.get(link.replace("page=2", "page=3"))
    assert response.status_code == 422
    response = caller.get(link + "&q=maple")
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/associations/{aid}/units",
        "/associations/{aid}/audit",
        "/associations/{aid}/notices",
        "/associations/{aid}/vendors",
    ],
)
def test_other_lists_follow_their_next_links(app, client, world, path):
    _rows(app, world, 23)
    login(client, world.manager)
    url = path.format(aid=world.a.id) + "?per_page=3"
    text = client.get(url).get_data(as_text=True)
    seen = 0
    while (link := _link(text, "Next")) is not None and seen < 12:
        response = client.get(link)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        seen += 1
    if path.endswith("units"):
        assert seen >= 7


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("sort", ["cure", "label", "opened"])
def test_rows_of_several_columns_seek_too(app, world, sort, direction):
    """A list of (violation, unit label) rows, read as they are (not by id first)."""
    from app.core.listing import paginate

    _rows(app, world, 17)
    statement = (
        db.select(Violation, Unit.label)
        .join(Unit, Unit.id == Violation.unit_id)
        .where(Violation.association_id == world.a.id)
    )
    sortable = {"cure": Violation.cure_by, "label": Unit.label, "opened": Violation.opened_on}
    args = {"sortable": sortable, "sort": sort, "direction": direction, "tiebreak": Violation.id}
    with app.test_request_context(f"/x?sort={sort}"):
        numbered = [
            [
                row[0].id
                for row in paginate(statement, page=n, per_page=5, scalars=False, **args).items
            ]
            for n in range(1, 5)
        ]
        page = paginate(statement, page=1, per_page=5, scalars=False, **args)
        sought = [[row[0].id for row in page.items]]
        while page.next_cursor:
            page = paginate(
                statement,
                page=page.page + 1,
                per_page=5,
                scalars=False,
                after=page.next_cursor,
                **args,
            )
            assert page.sought
            sought.append([row[0].id for row in page.items])
        assert sought == numbered
        back = [sought[-1]]
        while page.page > 1:
            cursor = page.prev_cursor
            page = paginate(
                statement, page=page.page - 1, per_page=5, scalars=False, before=cursor, **args
            )
            back.append([row[0].id for row in page.items])
        assert back[::-1] == numbered
        assert all(len(row) == 2 for row in page.items)


def test_a_page_past_the_count_bound_is_not_counted(app, client, world):
    before = app.config["LIST_COUNT_BOUND"]
    app.config["LIST_COUNT_BOUND"] = 10
    try:
        _rows(app, world, 23)
        login(client, world.manager)
        url = f"/associations/{world.a.id}/compliance/violations?per_page=4"
        with counted_queries(app) as shallow:
            client.get(f"{url}&page=2")
        with counted_queries(app) as deep:
            text = client.get(f"{url}&page=4").get_data(as_text=True)
        assert "More than 10 results" in text
        counts = [s for s in shallow if s.startswith("SELECT count(")]
        assert counts and not [s for s in deep if s.startswith("SELECT count(")]
        assert len(deep) == len(shallow) - 1
        # and by its Next link
        link = _link(client.get(f"{url}&page=3").get_data(as_text=True), "Next")
        with counted_queries(app) as sought:
            text = client.get(link).get_data(as_text=True)
        assert "More than 10 results" in text and len(sought) == len(deep)
    finally:
        app.config["LIST_COUNT_BOUND"] = before
