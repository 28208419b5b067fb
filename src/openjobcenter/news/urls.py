from __future__ import annotations

from django.urls import path

from openjobcenter.news import views_federation, views_public, views_staff

tenant_patterns = [
    path("neuigkeiten/", views_public.news, name="news"),
    path("neuigkeiten/feed.atom", views_public.atom, name="news_atom"),
    path("neuigkeiten/feed.rss", views_public.rss, name="news_rss"),
    path("neuigkeiten/<int:pk>/", views_public.post, name="news_post"),
    path("neuigkeiten/<int:pk>/bild", views_public.image, name="news_image"),
    path("neuigkeiten/<int:pk>/teilen/", views_public.share, name="news_share"),
    path("ap/actor", views_federation.actor, name="news_actor"),
    path("ap/outbox", views_federation.outbox, name="news_outbox"),
    path("ap/followers", views_federation.followers, name="news_followers"),
    path("ap/inbox", views_federation.inbox, name="news_inbox"),
]

staff_patterns = [
    path("neuigkeiten/", views_staff.posts, name="news_posts"),
    path("neuigkeiten/neu/", views_staff.post_edit, name="news_post_new"),
    path("neuigkeiten/<int:pk>/", views_staff.post_edit, name="news_post_edit"),
    path("neuigkeiten/<int:pk>/loeschen/", views_staff.post_delete, name="news_post_delete"),
    path("neuigkeiten/eingang/", views_staff.inbox, name="news_inbox"),
    path("neuigkeiten/eingang/<int:pk>/", views_staff.inbox_item, name="news_inbox_item"),
]

platform_patterns = [
    path(".well-known/webfinger", views_federation.webfinger, name="webfinger"),
]
