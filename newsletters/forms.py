"""The preferences form: one per newsletter (prefixed by its kind) on one page."""

from __future__ import annotations

import datetime

from django import forms

from newsletters.models import DEFAULT_SEND_TIME
from newsletters.schedule import time_zone_names


class NewsletterChoiceForm(forms.Form):
    subscribed = forms.BooleanField(required=False, label="Send it to me")
    send_time = forms.TimeField(
        initial=DEFAULT_SEND_TIME,
        label="At (your local time)",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.ChoiceField(
        label="Time zone", choices=[(name, name) for name in time_zone_names()], initial="UTC"
    )

    def clean_send_time(self) -> datetime.time:
        # Minutes are enough: beat plans every two minutes.
        value: datetime.time = self.cleaned_data["send_time"]
        return value.replace(second=0, microsecond=0)
