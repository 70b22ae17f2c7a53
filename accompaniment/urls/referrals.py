from django.urls import path

from accompaniment.views import referrals

urlpatterns = [
    path("beneficiaires/<int:pk>/orienter/", referrals.referral_create, name="referral_create"),
    path(
        "beneficiaires/<int:pk>/oriente-par/",
        referrals.referral_inbound_create,
        name="referral_inbound_create",
    ),
    # The partner's page, without an account.
    path("orientation/<token:token>/", referrals.referral_answer, name="referral_answer"),
    path("orientations/<int:pk>/", referrals.referral_detail, name="referral_detail"),
]
