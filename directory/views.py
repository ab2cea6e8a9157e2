from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import object_in_scope, require
from machida_portal.public_cache import cache_public_page

from .models import District, Domain, Organization, Resource
from .policies import resource_can, resource_scope
from .selectors import (
    active_district,
    districts_with_counts,
    organizations_public,
    resources_public,
)
from .services import resource_mark_verified


@cache_public_page("directory")
def district_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/district_list.html", {"districts": districts_with_counts()})


@cache_public_page("directory")
def organization_list(request: HttpRequest) -> HttpResponse:
    district = active_district(request.GET.get("district", ""))
    kind = request.GET.get("kind", "")
    if kind not in Organization.Kind.values:
        kind = ""
    page = Paginator(organizations_public(district=district, kind=kind), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/organization_list.html",
        {
            "page_obj": page,
            "districts": District.objects.filter(is_active=True),
            "kinds": Organization.Kind.choices,
            "selected_district": district,
            "selected_kind": kind,
        },
    )


@cache_public_page("directory")
def resource_list(request: HttpRequest) -> HttpResponse:
    """Public search of social resources, support menus and drop-in places, in Japanese."""
    query = request.GET.get("q", "")[:100]
    kind = request.GET.get("kind", "")
    if kind not in Resource.Kind.values:
        kind = ""
    district = active_district(request.GET.get("district", ""))
    domain = request.GET.get("domain", "")
    domains = list(Domain.objects.all())
    if domain not in {d.code for d in domains}:
        domain = ""
    page = Paginator(
        resources_public(query=query, kind=kind, district=district, domain_code=domain), 20
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/resource_list.html",
        {
            "page_obj": page,
            "query": query,
            "kinds": Resource.Kind.choices,
            "selected_kind": kind,
            "districts": District.objects.filter(is_active=True),
            "selected_district": district,
            "domains": domains,
            "selected_domain": domain,
        },
    )


@require_POST
def resource_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The owning organization confirms that the listing is still correct."""
    resource = object_in_scope(resource_scope(request.user, "verify"), pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(resource_can(request.user, "verify", resource))
    resource_mark_verified(resource=resource)
    messages.success(request, _("掲載内容を確認済みにしました。"))
    return redirect("directory:resource_detail", pk=pk)


@cache_public_page("directory")
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = object_in_scope(
        resource_scope(request.user)
        .select_related("organization", "place", "place__district")
        .prefetch_related("districts", "domains", "themes"),
        pk,
    )
    return render(
        request,
        "directory/resource_detail.html",
        {"resource": resource, "may_verify": resource_can(request.user, "verify", resource)},
    )
