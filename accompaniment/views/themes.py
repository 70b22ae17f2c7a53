from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompaniment.models import Theme
from soli_dome.users.permissions import coordinator_required


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name"]


@coordinator_required
def theme_list(request):
    """The themes of accompaniment: coordinators add new ones and withdraw old ones (a theme
    in use is withdrawn from the choices, never deleted, so past plans keep it)."""
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        theme = form.save(commit=False)
        theme.position = Theme.objects.count()
        theme.save()
        messages.success(request, _("Le thème « %(name)s » est ajouté.") % {"name": theme})
        return redirect("accompaniment:theme_list")
    themes = Theme.objects.annotate(goal_count=Count("goals"))
    return render(request, "accompaniment/theme_list.html", {"form": form, "themes": themes})


@coordinator_required
@require_POST
def theme_toggle(request, pk):
    theme = get_object_or_404(Theme, pk=pk)
    theme.is_active = not theme.is_active
    theme.save(update_fields=["is_active"])
    return redirect("accompaniment:theme_list")
