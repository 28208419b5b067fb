"""The shared test SAML IdP: ``server`` (its process, no Django) and ``harness``
(starting it and driving logins through it)."""
