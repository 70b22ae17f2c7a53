import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from soli_dome.sorting import Folded


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. ``role`` says which part of the programme they may see.

    ``is_staff`` keeps Django's meaning (may open the technical administration); programme
    staff are coordinators and accompaniers, see ``is_programme_staff``.
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinateur·rice")
        ACCOMPANIER = "accompanier", _("Accompagnateur·rice")
        BENEFICIARY = "beneficiary", _("Bénéficiaire")

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role, blank=True)
    # The language of the e-mails and digests the platform sends to this person.
    language = models.CharField(
        _("langue des messages"),
        max_length=2,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
    )
    # Staff: the accompanier's daily digest or the coordinators' weekly one, by e-mail.
    wants_digest = models.BooleanField(_("recevoir le résumé par e-mail"), default=True)
    # Changed when a second factor is added, removed or reset: it is part of the session
    # hash, so that every other session of the person is signed out, as a password change does.
    session_stamp = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = [Folded("last_name"), Folded("first_name"), "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_case_insensitive",
                violation_error_message=_("Un compte existe déjà avec cette adresse e-mail."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def _get_session_auth_hash(self, secret=None):
        # Empty until the first change, so that sessions opened before the stamp existed stay.
        if not self.session_stamp:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "soli_dome.users.User.get_session_auth_hash",
            f"{self.password}:{self.session_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def renew_session_stamp(self) -> None:
        """Signs out every session of this person (the caller keeps its own with
        ``update_session_auth_hash``)."""
        self.session_stamp = secrets.token_hex(16)
        self.save(update_fields=["session_stamp"])

    @property
    def is_staff_member(self) -> bool:
        """Programme staff and technical administrators: the people whose idle sessions end."""
        return self.is_programme_staff or self.is_staff

    @property
    def is_coordinator(self):
        return self.role == self.Role.COORDINATOR

    @property
    def is_accompanier(self):
        return self.role == self.Role.ACCOMPANIER

    @property
    def is_beneficiary(self):
        return self.role == self.Role.BENEFICIARY

    @property
    def is_programme_staff(self):
        """Coordinators and accompaniers: the people who work with beneficiary files."""
        return self.role in {self.Role.COORDINATOR, self.Role.ACCOMPANIER}
