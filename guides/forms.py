from django import forms
from django.utils.translation import gettext_lazy as _

from directory.forms import CityField, PracticeAreaField


class FindLawyerForm(forms.Form):
    """The home page's picker: a city and a practice area lead to their landing page."""

    city = CityField(label=_("City"))
    practice_area = PracticeAreaField(label=_("Practice area"))
