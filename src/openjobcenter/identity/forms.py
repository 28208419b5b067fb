from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import Role
from openjobcenter.identity.models import IdentityProvider, Protocol
from openjobcenter.identity.services import parse_group_roles


class IdentityProviderForm(forms.ModelForm):  # type: ignore[type-arg]
    client_secret = forms.CharField(
        label=_("Client-Geheimnis"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Wird verschlüsselt gespeichert und nie wieder angezeigt. Leer: unverändert."),
    )
    group_roles = forms.CharField(
        label=_("Gruppen und Rollen"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Eine Zeile je Zuordnung: „Gruppe = Rolle“. Rollen: reception, caseworker, "
            "job_advisor, team_lead, admin (oder ihr deutscher Name)."
        ),
    )

    class Meta:
        model = IdentityProvider
        field_classes = {"issuer": forms.URLField}
        fields: tuple[str, ...] = (
            "name",
            "protocol",
            "enabled",
            "issuer",
            "idp_metadata_xml",
            "client_id",
            "client_secret_env",
            "scopes",
            "groups_claim",
            "allow_local_passwords",
            "second_factor_acr",
            "second_factor_amr",
            "role_lifetime_seconds",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].assume_scheme = "https"  # type: ignore[attr-defined]
        self.fields["protocol"].required = False  # not given: OpenID Connect

    def clean_protocol(self) -> str:
        return str(self.cleaned_data.get("protocol") or Protocol.OIDC)

    def clean_issuer(self) -> str:
        issuer: str = self.cleaned_data["issuer"].rstrip("/")
        from django.conf import settings

        if not issuer.startswith("https://") and settings.PRODUCTION:
            raise forms.ValidationError(_("Die Adresse des Anbieters muss mit https:// beginnen."))
        return issuer

    def clean_group_roles(self) -> list[tuple[str, Role]]:
        try:
            pairs = parse_group_roles(self.cleaned_data["group_roles"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("Zeile %(line)s ist keine Zuordnung „Gruppe = Rolle“ mit einer bekannten Rolle."),
                params={"line": exc.args[0]},
            ) from None
        if not pairs:
            raise forms.ValidationError(
                _("Bitte ordnen Sie mindestens einer Gruppe eine Rolle zu.")
            )
        return pairs

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("protocol") == Protocol.SAML:
            self._clean_saml(data)
            return data
        if not data.get("client_id"):
            self.add_error("client_id", _("Bitte geben Sie die Client-ID an."))
        has_secret = bool(self.instance.pk and self.instance.client_secret_sealed)
        if not data.get("client_secret") and not data.get("client_secret_env") and not has_secret:
            self.add_error(
                "client_secret",
                _("Bitte geben Sie das Client-Geheimnis oder eine Umgebungsvariable dafür an."),
            )
        return data

    def _clean_saml(self, data: dict[str, object]) -> None:
        from openjobcenter.bundid.services import idp_entity_id

        metadata = str(data.get("idp_metadata_xml") or "").strip()
        if not metadata:
            self.add_error(
                "idp_metadata_xml", _("Bitte fügen Sie die SAML-Metadaten des Anbieters ein.")
            )
            return
        try:
            entity_id = idp_entity_id(metadata)
        except forms.ValidationError:
            self.add_error("idp_metadata_xml", _("Die Metadaten sind kein gültiges SAML-XML."))
            return
        if data.get("issuer") and entity_id != data.get("issuer"):
            self.add_error(
                "issuer",
                _("Die Metadaten nennen einen anderen Aussteller: %(entity)s")
                % {"entity": entity_id},
            )
