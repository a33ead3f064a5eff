from django.urls import path

from wijkregie.regie import views_intervention

app_name = "regie"
urlpatterns: list = [
    path("attention/", views_intervention.needs_attention, name="needs-attention"),
    path("attention/evaluate/", views_intervention.evaluate_now, name="evaluate"),
    path("escalations/<int:pk>/", views_intervention.escalation_detail, name="escalation"),
    path("cases/<int:pk>/plan/", views_intervention.case_plan, name="case-plan"),
]
