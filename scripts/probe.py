"""Replay the security probe of 2026-12-02 (D1–D17) against a running server.

Start the app on a fresh demo database (gunicorn, any database), then:

    .venv/bin/python scripts/probe.py http://127.0.0.1:5108 [--smtp hanging|refused|ok]

It creates a manager of Cedar Ridge only (mgrb@example.com), replays the probe's commands,
sweeps every API operation and every association page as that manager and as nobody for
Willow Creek's records, and prints one line per finding with what it saw, then the totals:
5xx answers, leaks (a 2xx for someone outside Willow Creek), and findings not answered as
issue 8 describes. ``--smtp`` says how the server's mail is configured (for D10/D11).
D9 (two workers) is checked by tests/unit/test_jobs.py and by hand (see the README).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import threading
import time

import requests

PASSWORD = "demo-pass-2026"
J = {"Content-Type": "application/json"}
results: list[tuple[str, bool, str]] = []
server_errors: list[str] = []
leaks: list[str] = []


def check(finding: str, ok: bool, seen: str) -> None:
    results.append((finding, ok, seen))
    print(f"{'ok ' if ok else 'BAD'} {finding:<5} {seen}")


class Client:
    """An API client with a bearer token that records every 5xx."""

    def __init__(self, base: str, token: str | None):
        self.base, self.token = base, token

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = requests.request(
            method, self.base + "/api/v1" + path, headers=headers, timeout=120, **kwargs
        )
        if response.status_code >= 500:
            server_errors.append(f"{method} {path} → {response.status_code}")
        return response


def token(base: str, email: str) -> str:
    response = requests.post(
        base + "/api/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return response.json()["token"]


def page_session(base: str, email: str, *, remember: bool = False) -> requests.Session:
    session = requests.Session()
    csrf = _csrf(session, base + "/login")
    data = {"csrf_token": csrf, "email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = session.post(base + "/login", data=data, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.status_code
    return session


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(url, timeout=30).text)[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--smtp", choices=["ok", "hanging", "refused"], default="ok")
    options = parser.parse_args()
    base = options.base.rstrip("/")
    admin = Client(base, token(base, "admin@example.com"))
    manager = Client(base, token(base, "manager@example.com"))
    created = admin.call(
        "POST",
        "/users",
        json={"email": "mgrb@example.com", "name": "Manager B", "password": PASSWORD},
    )
    uid = created.json()["id"] if created.status_code == 201 else None
    if uid:
        admin.call("POST", "/associations/2/members", json={"user_id": uid, "role": "manager"})
    mgrb = Client(base, token(base, "mgrb@example.com"))
    anonymous = Client(base, None)
    b_unit = manager.call("GET", "/associations/2/units?per_page=1").json()["items"][0]["id"]

    d1(mgrb, b_unit)
    d2(base)
    d3(base, manager)
    d4(admin)
    d5(admin)
    d6(admin)
    d7(manager)
    d8(admin)
    d10(manager, options.smtp)
    d11(base, options.smtp)
    d12_d13(base)
    d14(admin)
    d15(base)
    d16(admin)
    d17(mgrb, manager)
    tenancy(base, manager, mgrb, anonymous)

    bad = [r for r in results if not r[1]]
    print()
    print(f"findings checked: {len(results)}; not as issue 8 describes: {len(bad)}")
    print(f"5xx answers: {len(server_errors)}")
    for line in server_errors[:20]:
        print("   ", line)
    print(f"leaks (2xx outside the caller's associations): {len(leaks)}")
    for line in leaks[:20]:
        print("   ", line)
    return 1 if bad or server_errors or leaks else 0


def d1(mgrb: Client, b_unit: int) -> None:
    answers = []
    for user_id in (3, 4, 5, 999999):
        response = mgrb.call(
            "POST",
            "/associations/2/members",
            json={"user_id": user_id, "role": "owner", "unit_id": b_unit},
        )
        body = response.json()
        answers.append(
            (response.status_code, {k: v for k, v in body.items() if k != "invitation_id"})
        )
        if "@" in response.text or "name" in body:
            leaks.append(f"D1 user {user_id}: {response.text[:80]}")
    admin_made = mgrb.call(
        "POST", "/associations/2/members", json={"user_id": 1, "role": "manager"}
    )
    same = all(a == answers[0] for a in answers) and answers[0][0] == 202
    check(
        "D1",
        same and admin_made.status_code == 202 and "@" not in admin_made.text,
        f"user_id 3,4,5,999999 → {[a[0] for a in answers]} (identical bodies: {same}); "
        f"admin as manager → {admin_made.status_code}",
    )


def d2(base: str) -> None:
    from openapi_spec_validator import validate

    document = requests.get(base + "/api/v1/openapi.json", timeout=30).json()
    try:
        validate(document)
        valid = True
    except Exception as error:
        valid, error_text = False, str(error)[:100]
    refs = json.dumps(document).count("#/components/responses/Problem")
    check(
        "D2",
        valid and "Problem" in document["components"]["responses"],
        f"OpenAPI 3.1 valid: {valid}; {refs} references to Problem, defined: "
        f"{'Problem' in document['components']['responses']}"
        + ("" if valid else f" ({error_text})"),
    )


def d3(base: str, manager: Client) -> None:
    codes = [
        manager.call("GET", "/associations/99999999999999999999/units").status_code,
        manager.call("GET", "/violations/10000000000000000001").status_code,
        manager.call("GET", "/associations/1/units?page=99999999999999999999").status_code,
    ]
    session = page_session(base, "manager@example.com")
    pages = [
        session.get(base + path, timeout=60).status_code
        for path in (
            "/associations/99999999999/",
            "/associations/1/compliance/violations/99999999999",
            "/people/99999999999/edit",
            "/associations/1/budgets/99999999999/report.pdf",
        )
    ]
    check(
        "D3",
        codes == [404, 404, 422] and all(c in (403, 404) for c in pages),
        f"API {codes}; pages {pages}",
    )


def d4(admin: Client) -> None:
    bodies = [
        (
            "rules",
            '{"code":"N1","title":"a\\u0000b","description":"d","cure_days":5,"fine_amount":"10.00"}',
        ),
        (
            "rules",
            '{"code":"N2","title":"a\\ud800b","description":"d","cure_days":5,"fine_amount":"10.00"}',
        ),
        ("vendors", '{"name":"V\\u0000","category":"pool"}'),
        ("units", '{"label":"U\\u0000","street_address":"x"}'),
    ]
    codes = [
        admin.call("POST", f"/associations/1/{path}", data=body, headers=J).status_code
        for path, body in bodies
    ]
    check("D4", codes == [422] * 4, f"NUL and lone surrogates → {codes}")


def d5(admin: Client) -> None:
    codes = [
        admin.call(
            "POST", "/associations/1/rules", data="[" * 50000 + "]" * 50000, headers=J
        ).status_code,
        admin.call(
            "POST", "/associations/1/rules", data='{"a":' * 20000 + "1" + "}" * 20000, headers=J
        ).status_code,
    ]
    check("D5", codes == [400, 400], f"deep nesting → {codes}")


def d6(admin: Client) -> None:
    vendor = admin.call("GET", "/associations/1/vendors?per_page=1").json()["items"][0]["id"]
    code = admin.call(
        "POST",
        "/associations/1/contracts",
        json={
            "vendor_id": vendor,
            "title": "t",
            "start_date": "0001-01-01",
            "end_date": "0001-02-01",
            "amount": "100.00",
            "billing": "annual",
            "auto_renew": False,
            "notice_days": 400,
        },
    ).status_code
    check("D6", code == 422, f"contract in year 1 → {code}")


def d7(manager: Client) -> None:
    tally: dict[int, int] = {}
    for round_ in range(10):
        for path, body in (
            (
                "/associations/2/rules",
                {
                    "code": f"DUP{round_}",
                    "title": "t",
                    "description": "d",
                    "cure_days": 5,
                    "fine_amount": "1.00",
                },
            ),
            ("/associations/2/budgets", {"fiscal_year": 2100 + round_}),
            ("/associations/2/cost-centers", {"name": f"Dup centre {round_}"}),
        ):
            barrier = threading.Barrier(3)
            statuses: list[int] = []

            def go(path=path, body=body, barrier=barrier, statuses=statuses):
                barrier.wait()
                statuses.append(manager.call("POST", path, json=body).status_code)

            threads = [threading.Thread(target=go) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for status in statuses:
                tally[status] = tally.get(status, 0) + 1
    check(
        "D7",
        set(tally) <= {201, 409} and tally.get(201) == 30,
        f"90 creates in 30 races → {dict(sorted(tally.items()))}",
    )


def d8(admin: Client) -> None:
    url = "/associations/1/letter-templates/courtesy"
    codes = [
        admin.call("PUT", url, json={"body": body}).status_code
        for body in (
            "{{ association_name.foo.bar }}",
            "{{ association_name.__class__.__mro__[1].__subclasses__() }}",
            '{{ cycler.__init__.__globals__.os.popen("id").read() }}',
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            '{{ ("x" * 200000000)|length }}',
        )
    ]
    check("D8", codes == [422] * 5, f"bad letter wording saved → {codes}")


def _budget_ready(manager: Client, year: int) -> int:
    budget = manager.call("POST", "/associations/1/budgets", json={"fiscal_year": year}).json()[
        "id"
    ]
    manager.call(
        "POST",
        f"/budgets/{budget}/lines",
        json={"name": "x", "fund": "operating", "kind": "expense", "amount": "10.00"},
    )
    return budget


def d10(manager: Client, smtp: str) -> None:
    budget = _budget_ready(manager, 2091)
    started = time.monotonic()
    response = manager.call("POST", f"/budgets/{budget}/submit")
    took = time.monotonic() - started
    check(
        "D10",
        response.status_code == 200 and took < 5,
        f"submit with SMTP {smtp} → {response.status_code} in {took:.2f} s",
    )


def d11(base: str, smtp: str) -> None:
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    statuses = set()
    for _ in range(6):
        for kind, email in (
            ("known", "hazel.bailey@willowcreek.example.com"),
            ("unknown", "nobody@probe.example"),
        ):
            session = requests.Session()
            csrf = _csrf(session, base + "/password/forgot")
            started = time.monotonic()
            response = session.post(
                base + "/password/forgot",
                data={"csrf_token": csrf, "email": email},
                allow_redirects=False,
                timeout=60,
            )
            timings[kind].append(time.monotonic() - started)
            statuses.add((kind, response.status_code, response.headers.get("Location")))
            if response.status_code >= 500:
                server_errors.append(f"POST /password/forgot ({kind}) → {response.status_code}")
    known, unknown = (statistics.median(timings[k]) * 1000 for k in ("known", "unknown"))
    same = {s[1:] for s in statuses} == {(302, "/login")}
    check(
        "D11",
        same and abs(known - unknown) < 50,
        f"SMTP {smtp}: known/unknown → {sorted(statuses)}; median {known:.0f} vs {unknown:.0f} ms",
    )


def d12_d13(base: str) -> None:
    email = "hazel.bailey@willowcreek.example.com"
    outcomes = {}
    first = page_session(base, email, remember=True).cookies.get("remember_token")
    second_session = page_session(base, email, remember=True)
    second = second_session.cookies.get("remember_token")
    outcomes["random per device"] = first != second and str(first).split(".")[0] not in ("160",)
    copied_session = second_session.cookies.get("session")
    csrf = _csrf(second_session, base + "/account")
    second_session.post(base + "/logout", data={"csrf_token": csrf}, timeout=30)
    outcomes["remember after sign-out"] = _refused(base, remember_token=second)
    outcomes["session after sign-out"] = _refused(base, session=copied_session)
    here = page_session(base, email)
    elsewhere = page_session(base, email, remember=True)
    remembered = elsewhere.cookies.get("remember_token")
    api_token = token(base, email)
    csrf = _csrf(here, base + "/account")
    here.post(
        base + "/account",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "changed-pass-1",
            "confirm": "changed-pass-1",
            "submit": "Change password",
        },
        timeout=30,
    )
    outcomes["other browser after change"] = (
        elsewhere.get(base + "/account", allow_redirects=False, timeout=30).status_code == 302
    )
    outcomes["remember after change"] = _refused(base, remember_token=remembered)
    outcomes["API token after change"] = (
        requests.get(
            base + "/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}, timeout=30
        ).status_code
        == 401
    )
    outcomes["this browser after change"] = (
        here.get(base + "/account", allow_redirects=False, timeout=30).status_code == 200
    )
    listing = here.get(base + "/account", timeout=30).text
    outcomes["account page lists sessions and tokens"] = (
        "Where you are signed in" in listing and "API tokens" in listing
    )
    csrf = _csrf(here, base + "/account")
    here.post(
        base + "/account",
        data={
            "csrf_token": csrf,
            "current_password": "changed-pass-1",
            "new_password": PASSWORD,
            "confirm": PASSWORD,
            "submit": "Change password",
        },
        timeout=30,
    )
    check(
        "D12",
        all(
            outcomes[k]
            for k in ("random per device", "remember after sign-out", "remember after change")
        ),
        str({k: v for k, v in outcomes.items() if "remember" in k or "random" in k}),
    )
    check(
        "D13",
        all(outcomes.values()),
        str({k: v for k, v in outcomes.items() if "remember" not in k and "random" not in k}),
    )


def _refused(base: str, **cookies) -> bool:
    """Tell whether /account sends a browser with only these cookies to sign in."""
    response = requests.get(base + "/account", cookies=cookies, allow_redirects=False, timeout=30)
    return response.status_code == 302


def d14(admin: Client) -> None:
    vendor = admin.call("GET", "/associations/1/vendors?per_page=1").json()["items"][0]["id"]
    fake_jpeg = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
    not_pdf = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n"
    javascript = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R"
        b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    codes = [
        admin.call(
            "POST",
            f"/vendors/{vendor}/documents",
            data={"title": "x"},
            files={"file": ("x", data, mime)},
        ).status_code
        for data, mime in (
            (fake_jpeg, "image/jpeg"),
            (not_pdf, "application/pdf"),
            (javascript, "application/pdf"),
        )
    ]
    check("D14", codes == [415, 415, 415], f"fake JPEG, HTML as PDF, JavaScript PDF → {codes}")


def d15(base: str) -> None:
    codes = [
        requests.post(
            base + "/api/v1/auth/token",
            json={"email": "nobody@x.example", "password": "bad"},
            timeout=30,
        ).status_code
        for _ in range(5)
    ]
    other = requests.post(
        base + "/api/v1/auth/token",
        json={"email": "manager@example.com", "password": PASSWORD},
        timeout=30,
    )
    check(
        "D15",
        codes[-1] == 429 and other.status_code == 201,
        f"5 failures for nobody → {codes}; manager from the same address → {other.status_code}",
    )


def d16(admin: Client) -> None:
    long_name = admin.call(
        "POST", "/associations/1/vendors", json={"name": "V" * 100000, "category": "x"}
    )
    per_page = admin.call("GET", "/associations/1/units?per_page=201").status_code
    ansi = admin.call(
        "POST",
        "/associations/1/rules",
        json={
            "code": "ANSI",
            "title": "\x1b[31mred",
            "description": "d",
            "cure_days": 5,
            "fine_amount": "1.00",
        },
    ).status_code
    message = long_name.json().get("errors", {}).get("name", [""])[0]
    check(
        "D16",
        long_name.status_code == 422 and "200" in message and per_page == 422 and ansi == 422,
        f"long name → {long_name.status_code} “{message}”; per_page=201 → {per_page}; "
        f"ANSI title → {ansi}",
    )


def d17(mgrb: Client, manager: Client) -> None:
    vendors = manager.call("GET", "/associations/1/vendors?per_page=200").json()["items"]
    a_only = next(v["id"] for v in vendors if v["association_ids"] == [1])
    line = {"name": "x", "fund": "operating", "kind": "expense", "amount": "1.00"}
    pairs = [
        (
            mgrb.call("POST", "/budgets/2/lines", json=line),
            mgrb.call("POST", "/budgets/99999/lines", json=line),
        ),
        (
            mgrb.call("POST", "/violations/1/cure", json={"notes": "x"}),
            mgrb.call("POST", "/violations/99999/cure", json={"notes": "x"}),
        ),
        (mgrb.call("POST", "/contracts/2/submit"), mgrb.call("POST", "/contracts/99999/submit")),
        (mgrb.call("GET", f"/vendors/{a_only}"), mgrb.call("GET", "/vendors/99999")),
    ]
    same = all(a.status_code == b.status_code == 404 and a.json() == b.json() for a, b in pairs)
    check(
        "D17",
        same,
        f"elsewhere vs nowhere → {[(a.status_code, b.status_code) for a, b in pairs]}, "
        f"identical bodies: {same}",
    )


def tenancy(base: str, manager: Client, mgrb: Client, anonymous: Client) -> None:
    """Every API operation with Willow Creek's ids, as B's manager and as nobody: never 2xx."""
    ids = {"aid": 1}
    for key, path in (
        ("budget_id", "/associations/1/budgets"),
        ("violation_id", "/associations/1/violations"),
        ("contract_id", "/associations/1/contracts"),
        ("vendor_id", "/associations/1/vendors"),
        ("inspection_id", "/associations/1/inspections"),
        ("request_id", "/associations/1/approvals"),
    ):
        items = manager.call("GET", path).json().get("items", [])
        vendor_only_a = [i for i in items if key != "vendor_id" or i.get("association_ids") == [1]]
        if vendor_only_a:
            ids[key] = vendor_only_a[0]["id"]
    violation = manager.call("GET", f"/violations/{ids.get('violation_id', 1)}").json()
    ids["letter_id"] = (violation.get("letters") or [{"id": 1}])[0]["id"]
    ids.update(
        batch_id=1,
        rfp_id=1,
        bid_id=1,
        fine_id=1,
        line_id=1,
        document_id=1,
        message_id=1,
        unit_id=1,
        membership_id=1,
    )
    ids.update(kind="courtesy", category="pool", subject_type="budget")
    document = requests.get(base + "/api/v1/openapi.json", timeout=30).json()
    requests_made = 0
    for path, operations in document["paths"].items():
        for method in operations:
            if (
                method not in ("get", "post", "put", "delete")
                or "/auth/token" in path
                or path == "/api/v1/me"
            ):
                continue
            if "{" not in path and method == "get" and "/me/" in path:
                continue
            concrete = re.sub(
                r"\{([^}]+)\}", lambda m: str(ids.get(m[1], 1)), path[len("/api/v1") :]
            )
            if "{" not in path:
                continue  # not about one association's records
            for who, client in (("B's manager", mgrb), ("anonymous", anonymous)):
                response = client.call(method.upper(), concrete, json={})
                requests_made += 1
                if response.status_code < 300:
                    leaks.append(f"{who} {method.upper()} {concrete} → {response.status_code}")
    pages = 0
    session = page_session(base, "mgrb@example.com")
    for rule in (
        "/associations/1/",
        "/associations/1/units",
        "/associations/1/people",
        "/associations/1/audit",
        "/associations/1/mail",
        "/associations/1/compliance/violations",
        "/associations/1/compliance/rules",
        "/associations/1/budgets",
        "/associations/1/vendors",
        "/associations/1/approvals",
        f"/associations/1/compliance/violations/{ids.get('violation_id', 1)}",
        f"/associations/1/budgets/{ids.get('budget_id', 1)}",
        f"/associations/2/budgets/{ids.get('budget_id', 1)}",
        f"/associations/2/compliance/violations/{ids.get('violation_id', 1)}",
    ):
        response = session.get(base + rule, allow_redirects=False, timeout=60)
        pages += 1
        if response.status_code < 300:
            leaks.append(f"B's manager page {rule} → {response.status_code}")
        if response.status_code >= 500:
            server_errors.append(f"page {rule} → {response.status_code}")
    check(
        "tenancy",
        not leaks,
        f"{requests_made} API requests and {pages} pages on Willow Creek's records as "
        f"B's manager / anonymous: {len(leaks)} leaks",
    )


if __name__ == "__main__":
    sys.exit(main())
