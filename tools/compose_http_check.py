"""The HTTP part of tools/compose_check.sh: what a customer does against the running stack.

    python tools/compose_http_check.py http://127.0.0.1:18090 EMAIL PASSWORD JC

Through the published port as the TLS proxy would pass requests on (``Host: localhost``,
``X-Forwarded-Proto: https``): log in, upload a photo of a page through the documents
API, wait until a worker processed it (state ``received``), download the PDF and compare
its SHA-256 with the one the worker recorded; upload a photo carrying the EICAR test
string, which ClamAV must find (422, nothing stored); ask coturn for a STUN binding on
UDP 3478. Prints one line per step; exits 1 on the first failure.
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import struct
import sys
import time
from http.cookies import SimpleCookie
from typing import Any

import httpx
from PIL import Image, ImageDraw

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PROXIED = {"Host": "localhost", "X-Forwarded-Proto": "https"}
PROCESS_TIMEOUT_S = float(os.environ.get("COMPOSE_CHECK_PROCESS_TIMEOUT", "300"))


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def fail(what: str) -> None:
    sys.stderr.write(f"FAIL: {what}\n")
    raise SystemExit(1)


def page_photo(comment: bytes = b"") -> bytes:
    """A photographed page: dark lines of text on grey paper, 1600 × 1200."""
    image = Image.new("RGB", (1600, 1200), (200, 198, 190))
    draw = ImageDraw.Draw(image)
    for row in range(20):
        draw.rectangle((150, 100 + row * 50, 1300 - (row % 4) * 120, 120 + row * 50), (40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, comment=comment)
    return out.getvalue()


def stun_binding(host: str, port: int = 3478) -> bool:
    """A STUN Binding Request (RFC 5389); True when a Binding Success Response comes."""
    transaction = os.urandom(12)
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + transaction
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(3)
        for _ in range(3):
            sock.sendto(request, (host, port))
            try:
                answer = sock.recv(2048)
            except TimeoutError:
                continue
            return answer[:2] == b"\x01\x01" and answer[8:20] == transaction
    return False


class ProxiedClient:
    """HTTP to the published port as the TLS proxy passes it on. The production cookies
    are ``Secure``, which a client speaking plain HTTP would never send back: the proxy's
    side of the connection is HTTPS, so this one keeps and sends them itself."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, headers=PROXIED, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.http.cookies.clear()
        response = self.http.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


def main() -> None:
    base, email, password, jc = sys.argv[1:5]
    client = ProxiedClient(base)

    page = client.get("/konto/login/")
    if page.status_code != 200:
        fail(f"login page answered {page.status_code}")
    csrf = client.cookies["csrftoken"]
    origin = {"Origin": "https://localhost", "Referer": "https://localhost/konto/login/"}
    answer = client.post(
        "/konto/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": csrf},
        headers=origin,
    )
    if answer.status_code != 302:
        fail(f"login answered {answer.status_code}: {answer.text[:300]}")
    say("   login 302 (session cookie set)")

    csrf = client.cookies["csrftoken"]
    started = time.monotonic()
    original = page_photo()
    answer = client.post(
        f"/api/v1/documents/{jc}/upload",
        files={"file": ("seite.jpg", original, "image/jpeg")},
        data={"kind": "other"},
        headers={"X-CSRFToken": csrf, **origin},
    )
    if answer.status_code != 200:
        fail(f"upload answered {answer.status_code}: {answer.text[:300]}")
    pk = int(answer.json()["id"])
    state = answer.json()["state"]
    while state == "processing" and time.monotonic() - started < PROCESS_TIMEOUT_S:
        time.sleep(1)
        document = client.get(f"/api/v1/documents/{jc}/documents/{pk}").json()
        state = document["state"]
    if state != "received":
        fail(f"document {pk} ended in state {state!r} (the worker did not process it)")
    pdf = client.get(document["file_url"])
    if pdf.status_code != 200 or pdf.headers.get("content-type") != "application/pdf":
        fail(f"download answered {pdf.status_code} {pdf.headers.get('content-type')}")
    if hashlib.sha256(pdf.content).hexdigest() != document["sha256"]:
        fail("the downloaded PDF's SHA-256 differs from the one the worker recorded")
    say(
        f"   upload 200, processed by the worker in {time.monotonic() - started:.1f} s,"
        f" PDF downloaded ({len(pdf.content)} bytes, SHA-256 as recorded)"
    )

    answer = client.post(
        f"/api/v1/documents/{jc}/upload",
        files={"file": ("befund.jpg", page_photo(comment=EICAR), "image/jpeg")},
        data={"kind": "other"},
        headers={"X-CSRFToken": csrf, **origin},
    )
    if answer.status_code != 422 or "Schadsoftware" not in answer.text:
        fail(
            f"the EICAR photo was not refused as malware: {answer.status_code} {answer.text[:300]}"
        )
    say("   EICAR photo refused by ClamAV: 422 'Schadsoftware gefunden'")

    if not stun_binding("127.0.0.1"):
        fail("coturn gave no STUN binding response on UDP 3478")
    say("   coturn answered a STUN binding request on UDP 3478")


if __name__ == "__main__":
    main()
