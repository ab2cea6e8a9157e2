from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import District, Domain, Organization, Resource
from .selectors import districts_with_counts, organizations_public, resources_public


def district_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/district_list.html", {"districts": districts_with_counts()})


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


def resource_list(request: HttpRequest) -> HttpResponse:
    """Public search of social resources, support menus and drop-in places, in Japanese."""
    query = request.GET.get("q", "")[:100]
    kind = request.GET.get("kind", "")
    if kind not in Resource.Kind.values:
        kind = ""
    district = None
    code = request.GET.get("district", "")
    if code:
        district = District.objects.filter(code=code, is_active=True).first()
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


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.filter(is_active=True)
        .select_related("organization", "place", "place__district")
        .prefetch_related("districts", "domains", "themes"),
        pk=pk,
    )
    return render(request, "directory/resource_detail.html", {"resource": resource})
