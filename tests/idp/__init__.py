"""A tiny, real OpenID Connect provider for the SSO tests: django-oauth-toolkit in its
own Django project, run as a second process on loopback (``tests/identity/idp.py``
starts it). It stands for a municipality's Keycloak or Active Directory."""
