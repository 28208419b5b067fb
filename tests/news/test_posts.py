"""Staff write posts; they show on the start page, the news page and the feeds."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from openjobcenter.accounts.models import Role
from openjobcenter.core.models import AuditEntry
from openjobcenter.news.models import Post
from openjobcenter.tenants.models import Jobcenter
from tests.news.conftest import image_upload, jpeg_with_exif

pytestmark = pytest.mark.django_db

NEW = "/fulda/staff/neuigkeiten/neu/"


def _local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_team_lead_publishes_a_post_with_image_and_everyone_sees_it(
    lead_client: Callable[[Role], Client], news_jc: Jobcenter
) -> None:
    client = lead_client(Role.TEAM_LEAD)
    response = client.post(
        NEW,
        {
            "text": "Jobmesse am 12. März im Kreishaus, mehr unter https://fulda.example/jobmesse",
            "image": image_upload(jpeg_with_exif()),
            "image_alt": "Plakat der Jobmesse",
            "link": "https://fulda.example/messe",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.image_alt == "Plakat der Jobmesse"
    # Re-encoded: no EXIF, no comment; the stored file is a plain JPEG.
    with default_storage.open(post.image, "rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "comment" not in stored.info
    assert AuditEntry.objects.filter(object_type="news_post", object_id=str(post.pk)).exists()

    anonymous = Client()
    home = anonymous.get("/fulda/").content.decode()
    assert "Jobmesse am 12. März" in home
    assert '<a href="https://fulda.example/jobmesse" rel="nofollow noopener">' in home
    assert 'alt="Plakat der Jobmesse"' in home
    page = anonymous.get("/fulda/neuigkeiten/").content.decode()
    assert "Jobmesse am 12. März" in page
    image = anonymous.get(f"/fulda/neuigkeiten/{post.pk}/bild")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    atom = anonymous.get("/fulda/neuigkeiten/feed.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "Jobmesse am 12. März" in atom.content.decode()
    rss = anonymous.get("/fulda/neuigkeiten/feed.rss")
    assert "<rss" in rss.content.decode()


def test_image_without_alt_text_is_refused_and_nothing_stored(
    lead_client: Callable[[Role], Client],
) -> None:
    client = lead_client(Role.ADMIN)
    files_before = default_storage.listdir("news")[1] if default_storage.exists("news") else []
    response = client.post(NEW, {"text": "Neues Foto", "image": image_upload(jpeg_with_exif())})
    assert response.status_code == 400
    assert "Bitte beschreiben Sie das Bild in Worten" in response.content.decode()
    assert not Post.objects.exists()
    files_after = default_storage.listdir("news")[1] if default_storage.exists("news") else []
    assert files_after == files_before


def test_html_and_script_are_refused_with_a_message(
    lead_client: Callable[[Role], Client],
) -> None:
    client = lead_client(Role.TEAM_LEAD)
    response = client.post(NEW, {"text": "Hallo <script>alert(1)</script>"})
    assert response.status_code == 400
    assert "reinen Text ohne HTML" in response.content.decode()
    assert not Post.objects.exists()


def test_text_is_shown_escaped_whatever_is_stored(client: Client, news_jc: Jobcenter) -> None:
    # Written past the form (an older row, a script): still only characters on the page.
    Post.objects.create(
        jobcenter=news_jc, text='<img src=x onerror="alert(1)"> & Co', published_at=timezone.now()
    )
    page = client.get("/fulda/neuigkeiten/").content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co" in page
    assert "<img src=x" not in page


@override_settings(NEWS={**settings.NEWS, "image_max_bytes": 2000})
def test_oversized_and_disguised_images_are_refused(lead_client: Callable[[Role], Client]) -> None:
    client = lead_client(Role.TEAM_LEAD)
    big = client.post(
        NEW,
        {
            "text": "Großes Bild",
            "image": image_upload(jpeg_with_exif((800, 800))),
            "image_alt": "x",
        },
    )
    assert big.status_code == 400
    assert "Das Bild ist zu groß" in big.content.decode()
    fake = client.post(
        NEW,
        {"text": "Kein Bild", "image": image_upload(b"%PDF-1.4 nicht ein Bild"), "image_alt": "x"},
    )
    assert fake.status_code == 400
    assert "kein Bild im Format" in fake.content.decode()
    assert not Post.objects.exists()


def test_roles_without_the_permission_get_403(lead_client: Callable[[Role], Client]) -> None:
    client = lead_client(Role.CASEWORKER)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"text": "Darf ich nicht"}).status_code == 403
    assert not Post.objects.exists()


def test_scheduled_post_and_expiry_change_the_cached_start_page_by_themselves(
    lead_client: Callable[[Role], Client], news_jc: Jobcenter
) -> None:
    client = lead_client(Role.TEAM_LEAD)
    now = timezone.now()
    response = client.post(
        NEW,
        {
            "text": "Ab morgen neue Öffnungszeiten",
            "published_at": _local(now + timedelta(hours=2)),
            "expires_at": _local(now + timedelta(hours=5)),
        },
    )
    assert response.status_code == 302
    anonymous = Client()
    assert "Ab morgen neue Öffnungszeiten" not in anonymous.get("/fulda/").content.decode()
    assert anonymous.get("/fulda/neuigkeiten/").content.decode().count("Ab morgen") == 0
    # No write in between: the cached part knows when it stops being right.
    with time_machine.travel(now + timedelta(hours=3), tick=False):
        assert "Ab morgen neue Öffnungszeiten" in anonymous.get("/fulda/").content.decode()
    with time_machine.travel(now + timedelta(hours=6), tick=False):
        assert "Ab morgen neue Öffnungszeiten" not in anonymous.get("/fulda/").content.decode()


def test_editing_and_deleting_show_at_once(
    lead_client: Callable[[Role], Client], news_jc: Jobcenter
) -> None:
    client = lead_client(Role.TEAM_LEAD)
    client.post(NEW, {"text": "Erste Fassung"})
    post = Post.objects.get()
    anonymous = Client()
    assert "Erste Fassung" in anonymous.get("/fulda/").content.decode()
    assert "Erste Fassung" in anonymous.get("/fulda/neuigkeiten/feed.atom").content.decode()
    client.post(f"/fulda/staff/neuigkeiten/{post.pk}/", {"text": "Zweite Fassung"})
    # The feed and the outbox are kept per process too: renewed by the same write.
    atom = anonymous.get("/fulda/neuigkeiten/feed.atom").content.decode()
    assert "Zweite Fassung" in atom
    assert "Erste Fassung" not in atom
    home = anonymous.get("/fulda/").content.decode()
    assert "Zweite Fassung" in home
    assert "Erste Fassung" not in home
    client.post(f"/fulda/staff/neuigkeiten/{post.pk}/loeschen/")
    assert "Zweite Fassung" not in anonymous.get("/fulda/").content.decode()
    assert not Post.objects.exists()
    actions = set(
        AuditEntry.objects.filter(object_type="news_post").values_list("action", flat=True)
    )
    assert actions == {"create", "update", "delete"}


def test_news_page_pages_and_module_switch(client: Client, news_jc: Jobcenter) -> None:
    for n in range(12):
        Post.objects.create(
            jobcenter=news_jc,
            text=f"Meldung {n:02d}",
            published_at=timezone.now() - timedelta(minutes=n),
        )
    first = client.get("/fulda/neuigkeiten/").content.decode()
    assert "Meldung 00" in first and "Meldung 10" not in first
    second = client.get("/fulda/neuigkeiten/?seite=2").content.decode()
    assert "Meldung 10" in second and "Meldung 00" not in second
    news_jc.enabled_modules = [m for m in news_jc.enabled_modules if m != "news"]
    news_jc.save()
    assert client.get("/fulda/neuigkeiten/").status_code == 404
    assert client.get("/fulda/ap/actor").status_code == 404
    assert "Meldung 00" not in client.get("/fulda/").content.decode()


def test_share_links_are_plain_links(client: Client, news_jc: Jobcenter) -> None:
    post = Post.objects.create(
        jobcenter=news_jc, text="Teilen Sie das", published_at=timezone.now()
    )
    page = client.get(f"/fulda/neuigkeiten/{post.pk}/").content.decode()
    assert "mailto:?subject=" in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]
    share = client.get(f"/fulda/neuigkeiten/{post.pk}/teilen/?server=@erika@social.bund.de")
    assert share.status_code == 302
    assert share["Location"].startswith("https://social.bund.de/share?text=")
    bad = client.get(f"/fulda/neuigkeiten/{post.pk}/teilen/?server=javascript:alert(1)")
    assert bad.status_code == 400
    assert "Bitte geben Sie den Namen Ihres Servers an" in bad.content.decode()


def test_image_of_a_scheduled_post_only_for_its_editors(
    lead_client: Callable[[Role], Client], news_jc: Jobcenter
) -> None:
    client = lead_client(Role.TEAM_LEAD)
    client.post(
        NEW,
        {
            "text": "Bald",
            "image": image_upload(jpeg_with_exif()),
            "image_alt": "Ein Bild",
            "published_at": _local(timezone.now() + timedelta(days=1)),
        },
    )
    post = Post.objects.get()
    assert client.get(f"/fulda/neuigkeiten/{post.pk}/bild").status_code == 200
    assert Client().get(f"/fulda/neuigkeiten/{post.pk}/bild").status_code == 404
