"""The administration site: only the administrator role enters it.

It manages the organisation (circonscriptions, schools, secteurs, school years, classes,
people). Pupils and their families are not registered here: they are managed in the
application's pages, under the same scopes as everything else.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from eleves.enums import Role
from rased.middleware import double_authentification_manquante


class RasedAdminSite(admin.AdminSite):
    site_header = "Administration rased"
    site_title = "Administration rased"
    index_title = "Organisation de l'instance"

    def has_permission(self, request):
        user = request.user
        # The superuser made by `createsuperuser` at installation enters too, to create the others.
        # Both need a session verified by a second factor, even if a middleware were missing.
        return bool(
            user.is_active
            and user.is_authenticated
            and (user.role == Role.ADMINISTRATEUR or user.is_superuser)
            and not double_authentification_manquante(user)
        )


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
