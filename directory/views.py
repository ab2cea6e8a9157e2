from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from machida_portal.public_cache import cache_public_page

from .models import District, Organization
from .selectors import districts_with_counts, organizations_public


@cache_public_page("directory")
def district_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/district_list.html", {"districts": districts_with_counts()})


@cache_public_page("directory")
def organization_list(request: HttpRequest) -> HttpResponse:
    district = None
    code = request.GET.get("district", "")
    if code:
        district = District.objects.filter(code=code, is_active=True).first()
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
