"""django-allauth adapter: sign-in only, no open sign-up.

People join through an invitation (governance.Invitation) that ties them to an
organisation and a role; django-invitations has no notion of either, so acceptance is a
view of our own (governance.views.InvitationAcceptView) and allauth's sign-up stays shut.
"""

from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False
