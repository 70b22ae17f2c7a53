from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: staff are invited by a coordinator, beneficiaries by their
    accompanier."""

    def is_open_for_signup(self, request):
        return False
