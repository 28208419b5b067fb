from __future__ import annotations

from django.db import models


class SeenMarker(models.Model):
    """How far a customer has seen a stream of news (e.g. the status changes of one
    application): news items after ``upto`` are shown on the home, older ones not.
    Things that are done by themselves (a request sent, a message read) need none."""

    customer = models.ForeignKey(
        "accounts.CustomerProfile", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=80)  # "application:<id>"
    upto = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "key"], name="home_seen_once")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.key} <= {self.upto}"
