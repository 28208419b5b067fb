"""Notifications (e-mail, Web Push, in-app) that never carry social data."""
