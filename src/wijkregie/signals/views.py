"""Signals and cases pages: thin; every read goes through selectors, every write
through services."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkregie.areas.geometry import to_wgs84
from wijkregie.core.models import Municipality
from wijkregie.signals import charts as signal_charts
from wijkregie.signals import feeds, geocoding, retention, selectors, services, totp
from wijkregie.signals.forms import (
    AccessRequestForm,
    BundleForm,
    CaseForm,
    FilterForm,
    GroupForm,
    GroupMembersForm,
    PersonSearchForm,
    SignalForm,
    TotpForm,
    TransitionForm,
)
from wijkregie.signals.models import AccessRequestStatus, CaseStatus, Category, sorted_groups

PAGE_SIZE = 50
# What a registrant is told about matching (ADR 0025): only its own organisation's
# records are matched; whether other partners know the person is not disclosed.
REGISTRANT_NOTICE = gettext_lazy(
    "Persons are recorded under your organisation's pseudonym and matched only with "
    "persons your organisation recorded before. Whether other partners know this person "
    "is not shown to you.")


def personal(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages with personal data: logged in and, for those roles, the second factor."""
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if totp.needs_second_factor(request.user) and not totp.is_verified(request):
            target = "signals:totp-verify" if totp.device(request.user) and \
                totp.device(request.user).confirmed else "signals:totp-enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)
    return wrapped


def _with_people(signals: list) -> list:
    """Attach "Name (pseudonym)" of each signal's persons (already scoped by a selector)."""
    names = selectors.identities({s for sig in signals for s in sig.subjects.all()})
    for signal in signals:
        signal.people = [f"{names[s.ref]['name']} ({s.ref})" for s in signal.subjects.all()]
    return signals


def _error_list(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {'; '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    return list(exc.messages)


# --- aggregates (everyone with the signals permission) ------------------------------

def _aggregate_municipality(request: HttpRequest) -> Municipality | None:
    allowed = selectors.aggregate_municipalities(request.user)
    code = request.GET.get("municipality")
    if code:
        return allowed.filter(code=code).first()
    return allowed.filter(pk=request.user.municipality_id).first() or allowed.first()


@login_required
@permission_required("signals.view_signal", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    """Aggregates for everyone with access; links to personal pages for those who may."""
    municipality = _aggregate_municipality(request)
    counts = (feeds.monthly_counts(municipality=municipality, viewer=request.user)
              if municipality else [])
    names = dict(Category.objects.values_list("key", "name"))
    table = signal_charts.category_table(feeds.category_month_totals(counts), names)
    return render(request, "signals/index.html", {
        "municipality": municipality,
        "category_table": table, "category_chart": signal_charts.category_chart(table),
        "municipalities": selectors.aggregate_municipalities(request.user),
        "totals": feeds.monthly_totals(counts), "counts": counts[:200],
        "counts_total": len(counts), "min_count": feeds.DEFAULT_MIN_COUNT,
        "personal": selectors.may_see_personal_data(request.user),
    })


def _cell_label(cell: feeds.GridCell) -> str:
    others = (str(cell.count) if cell.count is not None
              else _("fewer than %(min)s") % {"min": feeds.DEFAULT_MIN_COUNT})
    if not cell.listed:
        return _("%(count)s signals") % {"count": others}
    return _("%(listed)s signals you may see; other signals: %(others)s") % {
        "listed": cell.listed, "others": others}


def _cell_feature(cell: feeds.GridCell) -> dict[str, Any]:
    from shapely.geometry import box, mapping

    size = feeds.GRID_CELL_M
    square = to_wgs84(box(cell.x0, cell.y0, cell.x0 + size, cell.y0 + size))
    return {"type": "Feature", "geometry": mapping(square),
            "properties": {"name": _cell_label(cell),
                           "code": f"{int(cell.x0)},{int(cell.y0)}"}}


@login_required
@permission_required("signals.view_signal", raise_exception=True)
def signal_map(request: HttpRequest) -> HttpResponse:
    """Grid cells with a minimum count for everyone; markers only for those who may."""
    municipality = _aggregate_municipality(request)
    cells = (feeds.grid_cells(municipality=municipality, viewer=request.user)
             if municipality else [])
    features = {"type": "FeatureCollection", "features": [_cell_feature(c) for c in cells]}
    # Person-level markers need the second factor like every personal-data page.
    verified = not totp.needs_second_factor(request.user) or totp.is_verified(request)
    markers = selectors.map_markers(request.user, request=request) if verified else []
    return render(request, "signals/map.html", {
        "municipality": municipality, "cells": cells, "map_features": features,
        "markers": markers, "needs_verification": not verified,
        "personal": selectors.may_see_personal_data(request.user),
        "min_count": feeds.DEFAULT_MIN_COUNT, "cell_m": int(feeds.GRID_CELL_M)})


# --- signals ---------------------------------------------------------------------------

@personal
def register(request: HttpRequest) -> HttpResponse:
    if not selectors.may_register_signals(request.user):
        selectors.deny(request.user, request, "signals.signal", "register")
    located = None
    if request.method == "POST" and "locate" in request.POST:
        # Unbound with the typed values: nothing is checked (or saved) until Register.
        data, located = _locate(request)
        initial = {key: data.getlist(key) if key == "groups" else data.get(key)
                   for key in data if key not in ("csrfmiddlewaretoken", "locate")}
        form = SignalForm(initial=initial, user=request.user)
    else:
        form = SignalForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and located is None and form.is_valid():
        try:
            upload = form.cleaned_data.get("attachment")
            signal = services.register_signal(user=request.user, data=form.signal_input(),
                                              attachments=[upload] if upload else [])
        except ValidationError as exc:
            for message in _error_list(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Signal S-%(id)s registered.") % {"id": signal.pk})
            if signal.subjects.exists():
                messages.info(request, REGISTRANT_NOTICE)
            return redirect("signals:detail", pk=signal.pk)
    selectors.record_group_choices_read(request.user, form.group_ids, request=request)
    return render(request, "signals/register.html", {
        "form": form, "located": located,
        "buurten": geocoding.buurt_features(request.user.municipality)})


def _locate(request: HttpRequest) -> tuple[QueryDict, list[geocoding.Place]]:
    """The "Find" button: the typed place filled in as area and point, nothing saved."""
    data = request.POST.copy()
    places = geocoding.find_place(request.user.municipality, data.get("place", ""))
    if places:
        data["place"] = ""
        data["area_code"] = places[0].area.code
        data["x_rd"], data["y_rd"] = str(places[0].x_rd), str(places[0].y_rd)
        if places[0].address and not data.get("address"):
            data["address"] = places[0].address
        data["lat"] = data["lon"] = ""
    return data, places


@personal
def signal_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, user=request.user)
    page_param = request.GET.get("page", "1")
    page = max(1, int(page_param)) if page_param.isdigit() else 1
    signals, total = selectors.list_signals(request.user, request=request,
                                            filters=form.filters(),
                                            offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "signals/list.html", {
        "form": form, "signals": _with_people(signals), "total": total, "page": page,
        "has_next": page * PAGE_SIZE < total, "query": query.urlencode()})


@personal
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    selectors.require_personal(request.user, request, "signals.signal")
    signals, total = [], None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        signals, total = selectors.search_signals(
            request.user, request=request, name=data.get("name", ""),
            date_of_birth=data.get("date_of_birth"), bsn=data.get("bsn", ""))
    return render(request, "signals/search.html", {
        "form": form, "signals": _with_people(signals), "total": total})


@personal
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    signal = selectors.get_signal(request.user, pk, request=request)
    names = {ref: identity | {"linked": signal.linked.get(ref, [])}
             for ref, identity in selectors.identities(signal.subjects.all()).items()}
    return render(request, "signals/detail.html", {
        "signal": signal, "names": names,
        "cases": [c for c in signal.cases.all() if c in selectors.cases_for(request.user)]})


@personal
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment, content = selectors.read_attachment(request.user, pk, attachment_pk,
                                                    request=request)
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"  # personal data: no copies in caches
    return response


@personal
def export_csv(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, user=request.user)
    rows = selectors.export_signals(request.user, request=request, filters=form.filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="signalen.csv"'
    writer = csv.writer(response)
    writer.writerow(["id", "category", "pillar", "observed_on", "area", "address",
                     "reliability", "sensitivity", "persons", "groups", "organisation",
                     "description"])
    for s in rows:
        writer.writerow([s.pk, s.category.key, s.pillar, s.observed_on.isoformat(),
                         s.area.code if s.area else "", s.address, s.reliability,
                         s.sensitivity, " ".join(x.ref for x in s.subjects.all()),
                         "; ".join(g.name for g in sorted_groups(s.groups.all())),
                         s.organisation.name,
                         s.description])
    return response


# --- groups ------------------------------------------------------------------------------

@personal
def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "signals/group_list.html", {
        "groups": selectors.list_groups(request.user, request=request),
        "min_count": feeds.DEFAULT_MIN_COUNT,
        "may_edit": selectors.may_register_signals(request.user)})


@personal
def group_create(request: HttpRequest) -> HttpResponse:
    if not selectors.may_register_signals(request.user):
        selectors.deny(request.user, request, "signals.subjectgroup", "create group")
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(user=request.user, name=form.cleaned_data["name"],
                                          member_refs=form.cleaned_data["members"])
        except ValidationError as exc:
            for message in _error_list(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Group created."))
            return redirect("signals:group-detail", pk=group.pk)
    return render(request, "signals/group_form.html", {"form": form})


@personal
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's members the user may see; POST adds or removes members."""
    posted = request.method == "POST"
    if posted and not selectors.may_register_signals(request.user):
        selectors.deny(request.user, request, "signals.subjectgroup", "change group")
    group, members, hidden = selectors.get_group(request.user, pk, request=request,
                                                 audited=not posted)
    form = GroupMembersForm(request.POST if posted else None,
                            members=[m.ref for m in members])
    status = 200
    if posted:
        if form.is_valid():
            try:
                services.change_group_members(user=request.user, group=group,
                                              add_refs=form.cleaned_data["add"],
                                              remove_refs=form.cleaned_data["remove"])
            except ValidationError as exc:
                for message in _error_list(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Group updated."))
                return redirect("signals:group-detail", pk=group.pk)
        status = 400
        group, members, hidden = selectors.get_group(request.user, pk, request=request)
    return render(request, "signals/group_detail.html", {
        "group": group, "hidden_count": hidden, "min_count": feeds.DEFAULT_MIN_COUNT,
        "names": dict(sorted(selectors.identities(members).items())), "form": form,
        "may_edit": selectors.may_register_signals(request.user)}, status=status)


# --- cases -------------------------------------------------------------------------------

@personal
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.list_cases(request.user, request=request)
    return render(request, "signals/case_list.html", {"cases": cases})


@personal
def case_create(request: HttpRequest) -> HttpResponse:
    if not (selectors.may_see_personal_data(request.user)
            and request.user.has_perm("signals.add_case")):
        selectors.deny(request.user, request, "signals.case", "create case")
    form = CaseForm(request.POST or None, user=request.user,
                    initial={"signal_ids": request.GET.get("signals", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.create_case(user=request.user, title=data["title"],
                                        purpose=data["purpose"],
                                        participants=list(data["participants"]),
                                        signal_ids=data["signal_ids"])
        except ValidationError as exc:
            for message in _error_list(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Case created."))
            return redirect("signals:case-detail", pk=case.pk)
    return render(request, "signals/case_form.html", {"form": form})


@personal
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, signals = selectors.get_case(request.user, pk, request=request)
    return _case_page(request, case, signals, BundleForm(), TransitionForm(status=case.status))


def _case_page(request: HttpRequest, case, signals, bundle_form, transition_form,  # type: ignore[no-untyped-def]
               status: int = 200) -> HttpResponse:
    is_director = case.director_id == request.user.pk
    return render(request, "signals/case_detail.html", {
        "case": case, "signals": _with_people(signals), "history": selectors.case_history(case),
        "participants": case.participants.all(), "is_director": is_director,
        "bundle_form": bundle_form, "transition_form": transition_form,
        "hidden_count": selectors.hidden_case_signals(case, signals),
        "min_count": feeds.DEFAULT_MIN_COUNT,
        # Retention keeps expired signals while the case is open: its director decides.
        "expired": sorted(retention.expired_among([s.pk for s in signals]))
        if is_director and case.status != CaseStatus.CLOSED else [],
    }, status=status)


@personal
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST: bundle signals into the case, or change its status (with a reason)."""
    if request.method != "POST":
        return redirect("signals:case-detail", pk=pk)
    case, _signals = selectors.get_case(request.user, pk, request=request, audited=False)
    bundle_form = BundleForm(request.POST if action == "bundle" else None)
    transition_form = TransitionForm(request.POST if action == "transition" else None,
                                     status=case.status)
    form = bundle_form if action == "bundle" else transition_form
    if form.is_valid():
        try:
            if action == "bundle":
                services.bundle_signals(user=request.user, case=case,
                                        signal_ids=form.cleaned_data["signal_ids"])
            else:
                services.transition_case(user=request.user, case=case,
                                         to_status=form.cleaned_data["to_status"],
                                         reason=form.cleaned_data["reason"],
                                         expected_status=form.cleaned_data.get("from_status")
                                         or None)
        except services.CaseChangedMeanwhile as exc:
            for message in _error_list(exc):
                messages.error(request, message)
            case, signals = selectors.get_case(request.user, pk, request=request)
            transition_form = TransitionForm(status=case.status)
            return _case_page(request, case, signals, bundle_form, transition_form,
                              status=409)
        except ValidationError as exc:
            for message in _error_list(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Case updated."))
            return redirect("signals:case-detail", pk=case.pk)
    case, signals = selectors.get_case(request.user, pk, request=request)
    return _case_page(request, case, signals, bundle_form, transition_form, status=400)


@personal
def case_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    case, _signals = selectors.get_case(request.user, pk, request=request, audited=False)
    if case.director_id != request.user.pk:
        selectors.deny(request.user, request, "signals.case", "access log")
    return render(request, "signals/case_access_log.html", {
        "case": case, "events": selectors.case_viewers(request.user, case)[:500]})


# --- data subject access -----------------------------------------------------------------

@personal
def subject_access(request: HttpRequest) -> HttpResponse:
    """Look a person up (audited, hit or not) and register the access request."""
    selectors.require_personal(request.user, request, "signals.subject",
                               "signals.export_subject")
    form = PersonSearchForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = selectors.find_subjects(request.user, request=request,
                                        name=form.cleaned_data.get("name", ""),
                                        date_of_birth=form.cleaned_data.get("date_of_birth"),
                                        bsn=form.cleaned_data.get("bsn", ""))
    request_form = AccessRequestForm(request.POST or None,
                                     initial={"received_on": timezone.localdate()})
    if request.method == "POST" and request_form.is_valid():
        try:
            access_request = services.register_access_request(
                user=request.user, subject_refs=request.POST.getlist("subjects"),
                found_refs=[s.ref for s in found or []], **request_form.cleaned_data)
        except ValidationError as exc:
            for message in _error_list(exc):
                request_form.add_error(None, message)
        else:
            messages.success(request, _("Access request registered; review it before "
                                        "releasing the answer."))
            return redirect("signals:access-request", pk=access_request.pk)
    return render(request, "signals/subject_access.html", {
        "form": form, "found": found, "request_form": request_form,
        "requests": selectors.access_requests_for(request.user)[:100]},
        status=400 if request.method == "POST" else 200)


@personal
def access_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Review (the whole document, items to withhold with a reason) and release."""
    access_request = selectors.get_access_request(request.user, pk, request=request)
    errors: list[str] = []
    in_review = access_request.status == AccessRequestStatus.IN_REVIEW
    if request.method == "POST" and in_review:
        withheld = {item: request.POST.get(f"reason-{item}", "")
                    for item in request.POST.getlist("withhold")}
        try:
            services.release_access_request(user=request.user, access_request=access_request,
                                            withheld=withheld)
        except ValidationError as exc:
            errors = _error_list(exc)
        else:
            messages.success(request, _("The answer is released."))
            return redirect("signals:access-request", pk=pk)
    document = selectors.access_request_draft(request.user, access_request,
                                              request=request) if in_review else None
    if document is None:
        selectors.record_request_read(request.user, access_request, request=request)
    return render(request, "signals/access_request.html", {
        "access_request": access_request, "document": document, "errors": errors,
        "requester": selectors.requester_of(access_request)},
        status=400 if errors else 200)


@personal
def access_request_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    access_request = selectors.get_access_request(request.user, pk, request=request)
    document = selectors.released_export(request.user, access_request, request=request)
    if fmt == "json":
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False,
                                                             "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="inzage-AR-{pk}.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "signals/subject_export.html", {"doc": document})


# --- two-factor authentication -------------------------------------------------------------

def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("signals:index")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return reverse("signals:index")
    return target


@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    if not totp.needs_second_factor(request.user) or totp.is_verified(request):
        return redirect(_next_url(request))
    device = totp.device(request.user)
    if device is None or not device.confirmed:
        return redirect(f"{reverse('signals:totp-enrol')}?next={_next_url(request)}")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.verify(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", _("The code is not valid. Try the next code."))
    return render(request, "signals/totp_verify.html", {"form": form,
                                                        "next": _next_url(request)})


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    if not totp.needs_second_factor(request.user):
        return redirect(_next_url(request))
    device = totp.device(request.user)
    if device is not None and device.confirmed:
        return redirect(f"{reverse('signals:totp-verify')}?next={_next_url(request)}")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.verify(request, form.cleaned_data["code"], confirming=True):
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect(_next_url(request))
        form.add_error("code", _("The code is not valid. Try the next code."))
    secret = totp.start_enrolment(request.user) if request.method == "GET" or device is None \
        else totp.secret_of(device)
    return render(request, "signals/totp_enrol.html", {
        "form": form, "secret": secret, "next": _next_url(request),
        "uri": totp.provisioning_uri(request.user, secret)})

