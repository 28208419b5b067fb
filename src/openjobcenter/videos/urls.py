"""Routes of the videos module (wired in ``config/urls.py``)."""

from __future__ import annotations

from django.urls import path

from openjobcenter.videos import views, views_staff

tenant_patterns = [
    path("videos/", views.library, name="videos"),
    path("videos/<int:pk>/", views.video_page, name="video"),
    path("videos/<int:pk>/<int:variant>/video.mp4", views.video_file, name="video_file"),
    path("videos/<int:pk>/<int:variant>/video.webm", views.video_webm, name="video_webm"),
    path("videos/<int:pk>/<int:variant>/poster.jpg", views.poster_file, name="video_poster"),
    path(
        "videos/<int:pk>/<int:variant>/untertitel.vtt", views.captions_file, name="video_captions"
    ),
    path("videos/<int:pk>/ereignis/", views.beacon, name="video_beacon"),
]

staff_patterns = [
    path("videos/", views_staff.video_list, name="videos"),
    path("videos/neu/", views_staff.video_new, name="video_new"),
    path("videos/gemeinsam/", views_staff.shared_library, name="videos_shared"),
    path(
        "videos/gemeinsam/<int:shared>/uebernehmen/", views_staff.shared_adopt, name="video_adopt"
    ),
    path("videos/auswertung/", views_staff.stats, name="videos_stats"),
    path("videos/<int:pk>/", views_staff.video_detail, name="video"),
    path("videos/<int:pk>/loeschen/", views_staff.video_delete, name="video_delete"),
    path("videos/<int:pk>/datei/", views_staff.variant_upload, name="video_upload"),
    path(
        "videos/<int:pk>/fassungen/<int:variant>/stand/",
        views_staff.variant_status,
        name="video_variant_status",
    ),
    path(
        "videos/<int:pk>/fassungen/<int:variant>/wiederholen/",
        views_staff.variant_retry,
        name="video_variant_retry",
    ),
    path(
        "videos/<int:pk>/fassungen/<int:variant>/loeschen/",
        views_staff.variant_delete,
        name="video_variant_delete",
    ),
    path(
        "videos/<int:pk>/fassungen/<int:variant>/texte/",
        views_staff.variant_texts,
        name="video_variant_texts",
    ),
    path("videos/<int:pk>/orte/", views_staff.attachment_add, name="video_attach"),
    path(
        "videos/<int:pk>/orte/<int:attachment>/entfernen/",
        views_staff.attachment_remove,
        name="video_detach",
    ),
]
