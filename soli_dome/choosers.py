"""Choosers: a form field for one object (or several) among thousands, without rendering them.

A ``<select>`` of every partner or every file weighs hundreds of kilobytes at the programme's
real size. A chooser renders a text input instead (the WAI-ARIA combobox pattern, set up by
``static/js/chooser.js``) that asks a small JSON endpoint for at most ``LIMIT`` matches. Without
JavaScript it is a search box with a "Chercher" button: the form comes back with a bounded list
of matches to pick from, and what was typed elsewhere stays.

The field validates the submitted id against its own queryset (``visible_to(user)`` and the
form's rules), so an id typed by hand for an object the user may not see is refused next to
the field, like any wrong choice. The endpoint searches with the queryset's ``search(text)``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

LIMIT = 20
# Longer than any name or address: what is beyond is not a search.
SEARCH_LENGTH = 100
# The name of the "Chercher" button of every chooser; its value names the field searched.
SEARCH_BUTTON = "chooser_search"


def search_text(raw: str | None) -> str:
    """What was typed in a search box, as the database may receive it: trimmed, bounded, and
    without NUL characters, which PostgreSQL refuses in any text (a 500, before this)."""
    return (raw or "").replace("\x00", "").strip()[:SEARCH_LENGTH]


def _no_detail(obj: Model) -> str:
    return ""


def _unchanged(queryset: QuerySet) -> QuerySet:
    return queryset


@dataclass(frozen=True)
class Chooser:
    """How one kind of object is found and shown: the endpoint's URL name, the label of an
    object, a detail that tells two homonyms apart, and what to select with the rows."""

    url_name: str
    label: Callable[[Model], str] = str
    detail: Callable[[Model], str] = _no_detail
    prepare: Callable[[QuerySet], QuerySet] = _unchanged

    def matches(self, queryset: QuerySet, text: str, limit: int = LIMIT) -> list[Model]:
        """At most ``limit`` objects of ``queryset`` matching ``text`` (its first rows when
        ``text`` is empty): one query, plus what ``prepare`` prefetches."""
        found = queryset.search(text) if text else queryset
        return list(self.prepare(found)[:limit])

    def response(self, request: HttpRequest, queryset: QuerySet) -> JsonResponse:
        """The endpoint's answer for ``?q=``: ``{"results": [{"value", "label", "detail"}],
        "more": whether there are other matches}``."""
        found = self.matches(queryset, search_text(request.GET.get("q")), LIMIT + 1)
        results = [
            {"value": obj.pk, "label": self.label(obj), "detail": self.detail(obj)}
            for obj in found[:LIMIT]
        ]
        return JsonResponse({"results": results, "more": len(found) > LIMIT})


@dataclass
class ChooserEntry:
    """What the browser sent for a chooser: the chosen id(s), the text of the search box, and
    whether its "Chercher" button was pressed (without JavaScript)."""

    value: object = None
    search: str = ""
    searched: bool = False
    values: list = field(default_factory=list)


class ChooserWidget(forms.Widget):
    """The chooser's markup (``includes/widgets/chooser.html``). Its field gives the queryset
    (``choices.queryset``) and the ``Chooser``; the label points at the search box."""

    template_name = "includes/widgets/chooser.html"
    allow_multiple_selected = False

    def search_name(self, name: str) -> str:
        return f"{name}_search"

    def value_from_datadict(self, data, files, name) -> ChooserEntry:
        if self.allow_multiple_selected:
            chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            values = [v for v in chosen if v not in ("", None)]
        else:
            values = []
        return ChooserEntry(
            value=data.get(name),
            values=values,
            search=search_text(data.get(self.search_name(name))),
            searched=data.get(SEARCH_BUTTON) == name,
        )

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and self.search_name(name) not in data

    def _entry(self, value) -> ChooserEntry:
        if isinstance(value, ChooserEntry):
            return value
        if self.allow_multiple_selected:
            return ChooserEntry(values=list(value or []))
        return ChooserEntry(value=value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        field = self.choices.field
        chooser = field.chooser
        queryset = self.choices.queryset
        entry = self._entry(value)
        ids = entry.values if self.allow_multiple_selected else [entry.value]
        ids = [str(getattr(pk, "pk", pk)) for pk in ids if pk not in ("", None)]
        ids = [pk for pk in ids if pk.isdigit()]
        # Only what the queryset holds is shown back: a forged id names nothing.
        chosen = list(chooser.prepare(queryset.filter(pk__in=ids))) if ids else []
        chosen_ids = {obj.pk for obj in chosen}
        found = []
        # One object: a short select to pick from, even before any search. Several: they are
        # ticked among the matches of a search.
        if entry.search or not self.allow_multiple_selected:
            found = [
                obj
                for obj in chooser.matches(queryset, entry.search, LIMIT + len(chosen_ids))
                if obj.pk not in chosen_ids
            ][:LIMIT]
        widget = context["widget"]
        classes = widget["attrs"].get("class", "")
        search = entry.search
        if not self.allow_multiple_selected and not search and chosen:
            search = chooser.label(chosen[0])
        widget.update(
            {
                "url": reverse(chooser.url_name),
                "multiple": self.allow_multiple_selected,
                "search_name": self.search_name(name),
                "search": search,
                "searched_text": entry.search,
                "search_button": SEARCH_BUTTON,
                "is_invalid": "is-invalid" in classes,
                "chosen": [self._option(chooser, obj) for obj in chosen],
                "found": [self._option(chooser, obj) for obj in found],
                "empty_label": getattr(field, "empty_label", None) or _("Choisir dans la liste"),
            }
        )
        return context

    @staticmethod
    def _option(chooser: Chooser, obj: Model) -> dict:
        return {"value": obj.pk, "label": chooser.label(obj), "detail": chooser.detail(obj)}

    def id_for_label(self, id_):
        return id_

    def _render(self, template_name, context, renderer=None):
        # The project's templates: the default form renderer only reads Django's own widgets.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template


class ChooserMultipleWidget(ChooserWidget):
    allow_multiple_selected = True


class _ChooserMixin:
    chooser: Chooser

    def label_from_instance(self, obj):
        return self.chooser.label(obj)

    def prepare_value(self, value):
        if isinstance(value, ChooserEntry):
            return value
        return super().prepare_value(value)

    def _refuse_search(self, entry: ChooserEntry) -> None:
        if entry.searched:
            # Without JavaScript: the form comes back with the matches to pick from.
            raise ValidationError(self.error_messages["searched"], code="searched")


class ChooserField(_ChooserMixin, forms.ModelChoiceField):
    """One object of ``queryset``, chosen through ``chooser`` (a subclass sets it)."""

    widget = ChooserWidget
    default_error_messages = {
        "invalid_choice": _(
            "Ce choix n'est pas possible ici : cherchez de nouveau et choisissez dans la liste."
        ),
        "searched": _("Choisissez dans la liste des résultats, sous la recherche."),
        "not_chosen": _(
            "« %(search)s » n'est pas choisi : choisissez dans la liste des résultats, ou "
            "effacez le texte."
        ),
    }

    def __init__(self, queryset, *, chooser: Chooser | None = None, **kwargs):
        if chooser is not None:
            self.chooser = chooser
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        entry = value if isinstance(value, ChooserEntry) else ChooserEntry(value=value)
        self._refuse_search(entry)
        if entry.value in self.empty_values and entry.search:
            raise ValidationError(
                self.error_messages["not_chosen"],
                code="not_chosen",
                params={"search": entry.search},
            )
        return super().clean(entry.value)

    def has_changed(self, initial, data):
        if isinstance(data, ChooserEntry):
            data = data.value
        return super().has_changed(initial, data)


class ChooserMultipleField(_ChooserMixin, forms.ModelMultipleChoiceField):
    """Several objects of ``queryset``, added one by one through ``chooser``."""

    widget = ChooserMultipleWidget
    default_error_messages = {
        "invalid_choice": _(
            "Un des choix n'est pas possible ici : retirez-le et cherchez de nouveau."
        ),
        "invalid_pk_value": _(
            "Un des choix n'est pas possible ici : retirez-le et cherchez de nouveau."
        ),
        "searched": _("Cochez dans la liste des résultats, sous la recherche."),
    }

    def __init__(self, queryset, *, chooser: Chooser | None = None, **kwargs):
        if chooser is not None:
            self.chooser = chooser
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        entry = value if isinstance(value, ChooserEntry) else ChooserEntry(values=value or [])
        self._refuse_search(entry)
        return super().clean(entry.values)

    def has_changed(self, initial, data):
        if isinstance(data, ChooserEntry):
            data = data.values
        return super().has_changed(initial, data)
