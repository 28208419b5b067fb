"""What a customer's own pages show (DESIGN §4.7).

Who may open which URL is the ownership matrix's business: ``tests/ownership_matrix.py``,
run by ``tests/test_ownership_matrix.py`` for every route, every API operation and every
persona (it replaced the endpoint lists that were here).
"""

from __future__ import annotations

from django.test import Client

from openjobcenter.accounts.models import CustomerProfile


def test_customer_sees_only_own_data(
    client: Client, customer: CustomerProfile, customer2: CustomerProfile
) -> None:
    client.force_login(customer2.user)
    html = client.get("/fulda/mein-bereich/profil/").content.decode()
    assert "A-1002" in html
    assert "A-1001" not in html
