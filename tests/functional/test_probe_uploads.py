"""The security probe of 2026-12-02, D14: uploads are what they claim to be (one check,
core.uploads, for vendor documents, signed contracts, certificates and photos)."""

import io

import pytest

from app.core import uploads
from tests import pdfs
from tests.functional.test_api_vendors import contract_body, vendor_id  # noqa: F401 - fixture

FAKE_JPEG = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
NOT_A_PDF = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n"


def _upload(api, world, vendor_id, data, name="x.pdf"):  # noqa: F811
    return api(world.manager).post(
        f"/api/v1/vendors/{vendor_id}/documents",
        data={"title": "Doc", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (FAKE_JPEG, "not a readable JPEG or PNG image"),
        (NOT_A_PDF, "not a complete PDF"),
        (pdfs.open_action_pdf(), "JavaScript"),
        (pdfs.javascript_pdf(), "JavaScript"),
        (pdfs.launch_pdf(), "launch action"),
        (pdfs.embedded_file_pdf(), "embedded file"),
        (b"GIF89a....", "must be a PDF, JPEG or PNG file"),
    ],
)
def test_d14_vendor_documents_are_refused_with_the_reason(world, api, vendor_id, data, reason):  # noqa: F811
    response = _upload(api, world, vendor_id, data)
    assert response.status_code == 415
    assert reason in response.get_json()["detail"]
    listing = api(world.manager).get(f"/api/v1/vendors/{vendor_id}/documents").get_json()
    assert listing["total"] == 0


def test_d14_a_real_pdf_is_kept_and_served_as_sent(world, api, vendor_id):  # noqa: F811
    data = pdfs.plain_pdf(2)
    response = _upload(api, world, vendor_id, data)
    assert response.status_code == 201 and response.get_json()["content_type"] == "application/pdf"
    assert api(world.manager).get(response.get_json()["url"]).data == data


def test_d14_a_signed_contract_with_javascript_is_refused(world, api, vendor_id):  # noqa: F811
    manager = api(world.manager)
    contract = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts", json=contract_body(vendor_id)
    ).get_json()
    url = f"/api/v1/contracts/{contract['id']}/signed.pdf"
    for bad in (pdfs.open_action_pdf(), NOT_A_PDF):
        response = manager.put(
            url,
            data={"file": (io.BytesIO(bad), "signed.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 415, response.get_json()
    assert manager.get(url).status_code == 404  # nothing was attached
    good = manager.put(
        url,
        data={"file": (io.BytesIO(pdfs.plain_pdf()), "signed.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 200 and good.get_json()["has_signed_pdf"]


def test_d14_every_check_lives_in_core_uploads():
    with pytest.raises(uploads.UnsupportedMedia, match="embedded file"):
        uploads.check_pdf(pdfs.embedded_file_pdf())
    with pytest.raises(uploads.UnsupportedMedia, match=r"Encrypted|not a readable"):
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(72, 72)
        writer.encrypt("secret")
        buffer = io.BytesIO()
        writer.write(buffer)
        uploads.check_pdf(buffer.getvalue())
    assert uploads.accept(pdfs.plain_pdf(), (uploads.PDF,), what="A file") == uploads.PDF
