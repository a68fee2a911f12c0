"""The account backend: Django's, reading the account's person in the same query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (each request's account, from the session) joins the
    account's person: every page names the person and the policy starts from it, so the person
    costs no second query (``orgs.policy._person`` reads it from the account)."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
