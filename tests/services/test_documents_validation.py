"""What the portal accepts: by content, with a code and a French and English
message for every refusal; and how uploaded names are cleaned."""

from __future__ import annotations

import io
import unicodedata

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import AuditEvent, Document
from rar_app.services.casework import document_errors, documents
from rar_app.services.casework.documents import DocumentRefused, clean_filename
from rar_app.settings import get_settings
from rar_app.storage import formats, get_store
from tests.fixtures.documents import samples
from tests.fixtures.documents.world import make_world


@pytest.fixture
def world(migrated_db):
    return make_world()


def _upload(world, data: bytes, name: str = "file.pdf", slot: str = "passport", **kw):
    return documents.upload(world.rep, world.app, world.applicant1, slot, name, io.BytesIO(data), **kw)


def _nothing_stored():
    with session_scope() as db:
        assert db.exec(select(Document)).all() == []
    assert list(get_store().list_keys()) == []
    staging = get_settings().data_dir / "upload-staging"
    assert not staging.exists() or list(staging.iterdir()) == []


@pytest.mark.parametrize("kind", sorted(samples.GOOD))
def test_each_accepted_format(world, kind):
    data = samples.GOOD[kind]()
    result = _upload(world, data, name=f"sample.{kind}")
    expected = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}[kind]
    assert result.document.content_type == expected
    assert result.document.size_bytes == len(data)
    assert result.warnings == ()


REFUSALS = [
    ("exe renamed .pdf", samples.exe, "setup.pdf", "application/pdf", "unsupported_type"),
    ("empty", lambda: b"", "empty.pdf", "application/pdf", "empty"),
    ("encrypted PDF (AES, user password)", samples.encrypted_pdf, "locked.pdf", None, "pdf_encrypted"),
    ("encrypted PDF (owner password only)", lambda: samples.encrypted_pdf("", "RC4-128"), "perm.pdf", None,
     "pdf_encrypted"),
    ("truncated PDF", samples.truncated_pdf, "cut.pdf", None, "pdf_broken"),
    ("PDF header then garbage", lambda: b"%PDF-1.7\n" + b"garbage " * 200, "junk.pdf", None, "pdf_broken"),
    ("truncated PNG", lambda: samples.png()[:-12], "cut.png", "image/png", "image_broken"),
    ("truncated JPEG", lambda: samples.jpeg()[:-2], "cut.jpg", "image/jpeg", "image_broken"),
    ("Word document", samples.docx, "letter.docx", None, "word_document"),
    ("HEIC photo", samples.heic, "IMG_0001.HEIC", "image/heic", "heic_image"),
    ("GIF", samples.gif, "anim.gif", "image/gif", "unsupported_type"),
    ("text named .pdf", lambda: b"hello, I am a PDF", "x.pdf", "application/pdf", "unsupported_type"),
]


def test_refusals_have_a_code_and_both_languages(world):
    for label, make, name, declared, code in REFUSALS:
        with pytest.raises(DocumentRefused) as caught:
            _upload(world, make(), name=name, declared_type=declared)
        refusal = caught.value
        assert refusal.code == code, label
        assert refusal.field == "file"
        assert refusal.message_fr and refusal.message_en and refusal.message_fr != refusal.message_en
        assert refusal.message("fr") == refusal.message_fr and refusal.message("en") == refusal.message_en
        _nothing_stored()
        with session_scope() as db:
            event = db.exec(select(AuditEvent).where(AuditEvent.action == "document.upload_refused")
                            .order_by(AuditEvent.id.desc())).first()
        assert f'"code": "{code}"' in event.details and event.actor_id == world.rep.account_id, label


def test_refusal_messages_say_what_to_do():
    assert "PDF, JPEG, PNG, TIFF" in document_errors._refused("unsupported_type", formats=formats.ACCEPTED_LABELS).message_fr
    assert "mot de passe" in document_errors._refused("pdf_encrypted").message_fr
    assert "password" in document_errors._refused("pdf_encrypted").message_en
    assert "endommagé" in document_errors._refused("pdf_broken").message_fr
    assert "damaged" in document_errors._refused("pdf_broken").message_en


def test_size_limit_is_four_megabytes_inclusive(world):
    limit = get_settings().max_upload_bytes
    assert limit == 4 * 1024 * 1024
    assert _upload(world, samples.pdf(pad_to=limit)).document.size_bytes == limit
    with pytest.raises(DocumentRefused) as caught:
        _upload(world, samples.pdf(pad_to=limit + 1), slot="other")
    assert caught.value.code == "too_large"
    assert "4 Mo" in caught.value.message_fr and "4 MB" in caught.value.message_en


def test_size_limit_is_configurable(portal_env, migrated_db):
    portal_env(RAR_MAX_UPLOAD_BYTES="2000")
    world = make_world()
    with pytest.raises(DocumentRefused) as caught:
        _upload(world, samples.pdf(pad_to=3000))
    assert caught.value.code == "too_large"
    assert "(2 ko)" in caught.value.message_fr and "(2 KB)" in caught.value.message_en
    _nothing_stored()


def test_size_labels():
    assert document_errors._size_label(1572864, "fr") == "1,5 Mo"
    assert document_errors._size_label(1572864, "en") == "1.5 MB"


def test_type_comes_from_content_not_name_or_declared_type(world):
    result = _upload(world, samples.png(), name="scan.pdf", declared_type="application/pdf")
    assert result.document.content_type == "image/png"
    assert result.document.name == "scan.png", "the offered name matches what the file is"
    result = _upload(world, samples.pdf(), name="report", declared_type="image/png", slot="letter")
    assert result.document.content_type == "application/pdf" and result.document.name == "report.pdf"
    with session_scope() as db:
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "document.upload")).all()
        assert '"declared_type": "application/pdf"' in events[0].details


def test_invalid_slot_code(world):
    with pytest.raises(DocumentRefused) as caught:
        _upload(world, samples.pdf(), slot="../../etc")
    assert caught.value.code == "invalid_slot" and caught.value.field == "slot_code"


@pytest.mark.parametrize("raw,clean", [
    ("C:\\Users\\marie\\Documents\\passeport.pdf", "passeport.pdf"),
    ("/etc/passwd", "passwd"),
    ("../../secret.pdf", "secret.pdf"),
    ("rapport\x00\x1b[31m.pdf", "rapport[31m.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("  .hidden  name   .pdf ", "hidden name .pdf"),
    ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
    ("", "document"),
    (None, "document"),
    ("...", "document"),
    ("Relevé bancaire – été.pdf", "Relevé bancaire – été.pdf"),
])
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_long_names_keep_their_extension():
    cleaned = clean_filename("x" * 500 + ".pdf")
    assert len(cleaned) == 120 and cleaned.endswith(".pdf")


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_clean_filename_is_always_safe(raw):
    cleaned = clean_filename(raw)
    assert 0 < len(cleaned) <= 120
    assert "/" not in cleaned and "\\" not in cleaned
    assert not cleaned.startswith(".")
    assert all(unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn"} for c in cleaned)
    assert clean_filename(cleaned) == cleaned


def _tiff_with(patch) -> bytes:
    data = bytearray(samples.tiff())
    patch(data)
    return bytes(data)


STRUCTURE_REFUSALS = [
    ("PDF header after a prefix (polyglot)", lambda: b"GIF89a" + b"\x00" * 10 + samples.pdf(), "poly.pdf",
     "unsupported_type"),
    ("TIFF whose first IFD is past the end", lambda: _tiff_with(lambda d: d.__setitem__(slice(4, 8), b"\xff\xff\x00\x00")),
     "far.tif", "image_broken"),
    ("TIFF whose IFD points to itself", lambda: _tiff_with(lambda d: d.__setitem__(slice(len(d) - 5, len(d) - 1),
                                                                                    b"\x08\x00\x00\x00")),
     "loop.tif", "image_broken"),
    ("TIFF header only", lambda: b"II*\x00\x08\x00\x00\x00", "short.tif", "image_broken"),
    ("TIFF with no image data offsets", lambda: _tiff_with(lambda d: d.__setitem__(slice(10 + 12 * 5, 12 + 12 * 5),
                                                                                   b"\x00\x01")),
     "nostrip.tif", "image_broken"),
]


@pytest.mark.parametrize("label, make, name, code", STRUCTURE_REFUSALS, ids=[r[0] for r in STRUCTURE_REFUSALS])
def test_structure_checks_for_tiff_and_pdf(world, label, make, name, code):
    with pytest.raises(DocumentRefused) as caught:
        _upload(world, make(), name=name)
    assert caught.value.code == code, label
    _nothing_stored()
