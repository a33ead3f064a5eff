from django.urls import path

from wijkregie.regie import views, views_intervention, views_picture

app_name = "regie"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("plans/new/", views.create_plan, name="create_plan"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/overview/", views.overview, name="overview"),
    path("plans/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("plans/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("plans/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("plans/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("goals/<int:pk>/", views.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/updates/new/", views.update_create, name="update_create"),
    path("updates/<int:pk>/", views.update_action, name="update_action"),
    path("attention/", views_intervention.needs_attention, name="needs-attention"),
    path("attention/evaluate/", views_intervention.evaluate_now, name="evaluate"),
    path("escalations/<int:pk>/", views_intervention.escalation_detail, name="escalation"),
    path("picture/programmes/<str:municipality>/<slug:slug>/", views_picture.programme_area,
         name="picture"),
    path("picture/wijken/<str:code>/", views_picture.wijk, name="picture-wijk"),
    path("cases/<int:pk>/plan/", views_intervention.case_plan, name="case-plan"),
]
