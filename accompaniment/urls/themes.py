from django.urls import path

from accompaniment.views import themes

urlpatterns = [
    path("themes/", themes.theme_list, name="theme_list"),
    path("themes/<int:pk>/basculer/", themes.theme_toggle, name="theme_toggle"),
]
