"""The virus scan against a REAL clamd, started here with a test-only signature file
(``data/ojc-test.ndb``: the EICAR test string; no official signatures are needed or
downloaded). In CI (CI=true) a missing clamd fails the test instead of skipping it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.documents.models import DocumentPage
from openjobcenter.documents.pipeline import PageInput, Refused, run_intake
from openjobcenter.documents.scanners import ClamdScanner, ScannerUnavailable
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation, Message, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import IN_CI
from tests.documents.conftest import DATA, EICAR, photo, upload
from tests.messaging.conftest import enable, without_documents

CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)


@pytest.fixture(scope="module")
def clamd_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CLAMD is None:
        if IN_CI:
            pytest.fail("clamd is not installed (apt-get install clamav-daemon)", pytrace=False)
        pytest.skip("clamd is not installed")
    folder = tmp_path_factory.mktemp("clamd")
    db = folder / "db"
    db.mkdir()
    shutil.copy(DATA / "ojc-test.ndb", db / "ojc-test.ndb")
    sock = folder / "clamd.sock"
    conf = folder / "clamd.conf"
    conf.write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {db}\nForeground yes\n"
        f"LogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\n"
        "StreamMaxLength 30M\nLogVerbose no\n"
    )
    proc = subprocess.Popen(
        [CLAMD, "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sock.exists():
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(str(sock))
                    s.sendall(b"zPING\0")
                    if s.recv(16).startswith(b"PONG"):
                        break
            except OSError:
                pass
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            pytest.fail(f"clamd did not start: {out}")
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("clamd did not answer within 60 s")
    yield str(sock)
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def with_clamd(settings: Any, clamd_socket: str) -> str:
    settings.DOCUMENTS = {**settings.DOCUMENTS, "scanner": "clamd", "clamd_socket": clamd_socket}
    return clamd_socket


def test_scanner_protocol(clamd_socket: str) -> None:
    scanner = ClamdScanner(socket_path=clamd_socket)
    assert scanner.scan(b"harmless").clean
    found = scanner.scan(EICAR)
    assert not found.clean
    assert "OJC.Test.EICAR" in found.signature
    # Hidden behind a real JPEG it is found as well.
    assert not scanner.scan(photo(1) + EICAR).clean


def test_eicar_refused_never_stored(
    with_clamd: str,
    docs_on: None,
    customer_client: Client,
    jc_a: Jobcenter,
    stored_files: Callable[[], list[Path]],
) -> None:
    response = customer_client.post(
        reverse("customer:document_page_upload", kwargs={"jc": jc_a.slug}),
        {"file": upload(photo(1) + EICAR, "foto.jpg")},
    )
    assert response.status_code == 422
    assert "Schadsoftware" in response.json()["error"]
    assert not DocumentPage.objects.exists()
    assert stored_files() == []
    clean = customer_client.post(
        reverse("customer:document_page_upload", kwargs={"jc": jc_a.slug}),
        {"file": upload(photo(1), "foto.jpg")},
    )
    assert clean.status_code == 200


def test_fail_closed_when_unreachable(settings: Any, tmp_path: Path) -> None:
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "scanner": "clamd",
        "clamd_socket": str(tmp_path / "missing.sock"),
    }
    with pytest.raises(Refused) as refused:
        run_intake(PageInput(photo(1)))
    assert refused.value.code == "scanner_unavailable"
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(host="127.0.0.1", port=1, timeout=1).scan(b"x")


def test_chat_attachment_without_documents_module_is_scanned_too(
    with_clamd: str,
    client: Client,
    customer: CustomerProfile,
    settings: Any,
    tmp_path: Path,
) -> None:
    """A job centre without the documents module still gets the same virus scan on chat
    attachments (messaging's own storage path): refused, nothing stored, no message."""
    conversation = _chat_conversation(customer)
    settings.MEDIA_ROOT = str(tmp_path)
    without_documents(customer.jobcenter)
    client.force_login(customer.user)
    url = f"/api/v1/messaging/{customer.jobcenter.slug}/conversations/{conversation.pk}/attachments"
    infected = upload(b"%PDF-1.4\n" + EICAR, "brief.pdf")
    refused = client.post(url, {"file": infected, "body": "Anbei", "client_id": "v1"})
    assert refused.status_code == 422
    assert "Schadsoftware" in refused.json()["detail"][0]["msg"]
    assert not Message.objects.filter(client_id="v1").exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    clean = client.post(url, {"file": upload(b"%PDF-1.4\n" + b"x" * 64, "brief.pdf")})
    assert clean.status_code == 201, clean.content


def test_chat_attachment_refused_when_the_scanner_cannot_answer(
    client: Client, customer: CustomerProfile, settings: Any, tmp_path: Path
) -> None:
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "scanner": "clamd",
        "clamd_socket": str(tmp_path / "missing.sock"),
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    conversation = _chat_conversation(customer)
    without_documents(customer.jobcenter)
    client.force_login(customer.user)
    url = f"/api/v1/messaging/{customer.jobcenter.slug}/conversations/{conversation.pk}/attachments"
    response = client.post(url, {"file": upload(b"%PDF-1.4\n" + b"x" * 64, "brief.pdf")})
    assert response.status_code == 422
    assert "kann gerade nicht geprüft werden" in response.json()["detail"][0]["msg"]
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.pdf"))


def _chat_conversation(customer: CustomerProfile) -> Conversation:
    enable(customer.jobcenter)
    services.topics_ensure_defaults(jobcenter=customer.jobcenter)
    topic = Topic.objects.filter(jobcenter=customer.jobcenter).first()
    return services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(subject="Unterlagen", body="Hallo", topic=topic),
    )
