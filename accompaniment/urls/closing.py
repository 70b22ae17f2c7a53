from django.urls import path

from accompaniment.views import closing

urlpatterns = [
    path("beneficiaires/<int:pk>/cloturer/", closing.file_close, name="file_close"),
]
