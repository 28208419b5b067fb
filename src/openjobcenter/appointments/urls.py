"""URL blocks of the appointments module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.appointments import views_customer as c
from openjobcenter.appointments import views_customer_booking as b
from openjobcenter.appointments import views_staff as s
from openjobcenter.appointments import views_staff_config as sc
from openjobcenter.appointments import views_staff_reception as r
from openjobcenter.appointments import views_video as v

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("termine/", c.appointments, name="appointments"),
    path("termine/buchen/", b.book_choose_type, name="book"),
    path("termine/buchen/<int:type_id>/", b.book_choose_slot, name="book_slot"),
    path("termine/kalender/", c.calendar_feed, name="calendar_feed"),
    path("termine/<int:pk>/", c.appointment, name="appointment"),
    path("termine/<int:pk>/bestaetigen/", c.confirm, name="appointment_confirm"),
    path("termine/<int:pk>/absagen/", c.cannot_come, name="appointment_cannot_come"),
    path("termine/<int:pk>/termin.ics", c.ics_download, name="appointment_ics"),
    path("termine/<int:pk>/video/", v.customer_join, name="appointment_video"),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("termine/", s.calendar, name="calendar"),
    path("termine/neu/", s.invite, name="appointment_new"),
    path("termine/empfang/", r.reception, name="reception"),
    path("termine/sprechzeiten/", sc.hours, name="hours"),
    path("termine/arten/", sc.types, name="appointment_types"),
    path("termine/arten/neu/", sc.type_edit, name="appointment_type_new"),
    path("termine/arten/<int:type_id>/", sc.type_edit, name="appointment_type_edit"),
    path("termine/<int:pk>/", s.appointment, name="appointment"),
    path("termine/<int:pk>/video/", v.staff_join, name="appointment_video"),
]

# Under /<jc>/ (namespace "tenant"): the private feed, authorised by its secret token.
tenant_patterns: list[URLPattern] = [
    path("kalender/<str:token>.ics", c.feed, name="calendar_feed_ics"),
]
