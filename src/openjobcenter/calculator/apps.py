from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalculatorConfig(AppConfig):
    """Web parts of the Bürgergeld calculator; the calculation itself is ``benefits``."""

    name = "openjobcenter.calculator"
    label = "calculator"
    verbose_name = _("Bürgergeld-Rechner")
