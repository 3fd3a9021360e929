"""Letters per second: a naive loop against the way the product renders batches.

    .venv/bin/python bench/letters.py [N]      (N letters, default 1000)

(a) renders each letter on its own with a fresh WeasyPrint setup (a new font configuration,
the stylesheet parsed again), as a straightforward loop would; (b) renders them the way
``ladder.issue_letters_bulk`` does (``letters.render_many``): stylesheet and fonts parsed once
per process, letters laid out in chunks, both cores. Both start from the same letter HTML,
built from a demo association, and every letter comes out as its own PDF. The ratio b/a is
what matters: absolute times vary from machine to machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def naive(htmls: list[str]) -> list[bytes]:
    """Render each letter with a fresh WeasyPrint setup."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from app.core.pdf import BASE_URL, STATIC, url_fetcher

    css_text = (STATIC / "pdf" / "letter.css").read_text()
    out = []
    for html in htmls:
        fonts = FontConfiguration()
        css = CSS(string=css_text, font_config=fonts, url_fetcher=url_fetcher())
        out.append(
            HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf(
                stylesheets=[css], font_config=fonts
            )
        )
    return out


def build_htmls(app, count: int) -> list[str]:
    """Return the HTML of `count` letters for the demo association's violations."""
    from sqlalchemy import select

    from app.compliance import letters, wording
    from app.compliance.models import Violation
    from app.core import clock
    from app.extensions import db

    violations = db.session.scalars(select(Violation)).all()
    htmls = []
    today = clock.today()
    for index in range(count):
        violation = violations[index % len(violations)]
        context = letters.letter_values(violation, "violation", today)
        htmls.append(
            letters.letter_html(
                context, wording.template_body(violation.association_id, "violation")
            )
        )
    return htmls


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    workdir = tempfile.mkdtemp(prefix="hoa-bench-")
    os.environ.setdefault("APP_ENV", "development")
    from app import create_app
    from app.compliance import letters
    from app.core import clock
    from app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite3",
            "STORAGE_DIR": workdir,
            "MAIL_BACKEND": "memory",
            "JOBS_MODE": "eager",  # the demo's mail is sent in this process, no threads
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_TIME_COST": 1,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context(), app.test_request_context():
        db.create_all()
        from app.demo import load_demo

        load_demo()
        db.session.commit()
        clock.unfreeze()
        htmls = build_htmls(app, count)
        print(f"{count} letters, {os.cpu_count()} cores")
        started = time.perf_counter()
        plain = naive(htmls)
        a = count / (time.perf_counter() - started)
        print(f"(a) naive loop, fresh WeasyPrint setup per letter: {a:8.1f} letters/s")
        started = time.perf_counter()
        batch = letters.render_many(htmls)
        b = count / (time.perf_counter() - started)
        print(f"(b) product batch rendering (render_many):         {b:8.1f} letters/s")
        assert len(plain) == len(batch) == count
        assert all(pdf.startswith(b"%PDF") for pdf, _pages in batch)
        print(f"ratio b/a: {b / a:.2f}")
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: this process {own:.0f} MiB, largest rendering worker {children:.0f} MiB")


if __name__ == "__main__":
    main()
