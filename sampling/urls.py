from django.urls import path

from . import views

urlpatterns = [
    path("", views.library, name="sampling-library"),
    path("versions/", views.new_version, name="sampling-new-version"),
    path("import/", views.import_samples, name="sampling-import"),
    path("samples/<int:pk>/", views.sample_detail, name="sampling-sample"),
    path("tasks/", views.planning, name="sampling-planning"),
    path("tasks/assign/", views.assign, name="sampling-assign"),
    path("tasks/copy/", views.copy_plan, name="sampling-copy-plan"),
    path("tasks/<int:pk>/change/", views.change_task, name="sampling-change-task"),
    path("board/", views.board, name="sampling-statistics"),
    path("specials/", views.specials, name="sampling-specials"),
    path("rechecks/", views.recheck_list, name="sampling-rechecks"),
    path("my/", views.my_work, name="sampling-my-work"),
    path("my/patrol/", views.patrol, name="sampling-patrol"),
    path("my/rechecks/<int:pk>/", views.record_recheck, name="sampling-record-recheck"),
]
