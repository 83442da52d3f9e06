"""The domain's refusals, importable by the rules, the services and the views without cycles."""


class ActionRefusee(Exception):
    """A workflow action refused for a reason the user must read (in French)."""


class EtatRefuse(ActionRefusee):
    """The person may do this, but not now: the object's state stands in the way.

    Raised by ``aides.rules.verifier`` before a page does anything; ``aides.middleware`` shows the
    reason and goes back to ``objet``'s page (a repeated click is a friendly no-op, not an error page).
    """

    def __init__(self, message: str, *, objet):
        super().__init__(message)
        self.objet = objet


class DejaEnvoye(Exception):
    """A form sent a second time with the same one-time key (``aides.envois``): nothing more was
    created; ``aides.middleware`` says so and shows what the first sending created."""

    def __init__(self, message: str, *, url: str):
        super().__init__(message)
        self.url = url


class SeanceDejaNotee(ActionRefusee):
    """A slot's day logged a second time (two tabs, a resent form): ``seance`` is the one already
    recorded, whose correction page the view opens instead."""

    def __init__(self, message: str, *, seance):
        super().__init__(message)
        self.seance = seance
