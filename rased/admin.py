"""The administration site: only the administrator role enters it.

It manages the organisation (circonscriptions, schools, secteurs, school years, classes,
people). Pupils and their families are not registered here: they are managed in the
application's pages, under the same scopes as everything else.
"""

import rules
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class RasedAdminSite(admin.AdminSite):
    site_header = "Administration rased"
    site_title = "Administration rased"
    index_title = "Organisation de l'instance"

    def has_permission(self, request):
        # The rule (eleves/rules.py) answers for the superuser too: ``user.has_perm`` would let
        # an active superuser in before asking it, second factor or not.
        return rules.has_perm("eleves.administrer_instance", request.user)

    def login(self, request, extra_context=None):
        """One sign-in page for the whole product: the application's, not the admin's own."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", "/gestion/"), "connexion")


class AdministrateurModelAdmin(admin.ModelAdmin):
    """Full rights for the administrator role, whatever the Django permission flags."""

    def _admin(self, request):
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self._admin(request)

    def has_view_permission(self, request, obj=None):
        return self._admin(request)

    def has_add_permission(self, request):
        return self._admin(request)

    def has_change_permission(self, request, obj=None):
        return self._admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._admin(request)


site = RasedAdminSite(name="admin")


class TacheAdmin(DBTaskResultAdmin):
    """The task queue (e-mail, documents), read only: a failed e-mail shows here, with its reason,
    after its last attempt (rased/courriels.py); the worker writes these rows, nobody else."""

    list_display = ("task_name", "status", "queue_name", "enqueued_at", "finished_at", "exception_class_path")

    def has_module_permission(self, request):
        return site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return site.has_permission(request)

    def get_readonly_fields(self, request, obj=None):
        # Not the task's arguments: an e-mail's text (a psychologist's daily digest names her
        # follow-ups by initials) is for its addressee, not for the administrator.
        return [f for f in super().get_readonly_fields(request, obj) if f != "args_kwargs"]


site.register(DBTaskResult, TacheAdmin)
