"""Signals other modules listen to, so that accounts never imports them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a worker proved they hold a phone number (SMS code accepted), with
# `user` (the account, created on first sign-in) and `phone` (normalised digits).
phone_verified = Signal()
