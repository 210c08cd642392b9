"""Notices to residents 通知 / 通告 / 温馨提示: the archive (通知公告), drafting from a template, editing a draft,
submitting, approval or rejection, withdrawal, the PDF (a page per entrance), the posting checklist and the
community's templates."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import has_perm, require
from frontdesk import documents
from frontdesk.forms.notices import (
    ConfirmForm,
    NoticeDraftForm,
    NoticeEditForm,
    NoticeListForm,
    ReasonForm,
    TemplateForm,
)
from frontdesk.scoping import choose_community, communities_of
from frontdesk.selectors import notices as selectors
from frontdesk.services import notices as services

PAGE_SIZE = 50
S = selectors.Notice.Status


@list_params(NoticeListForm)
@require("notices.view")
def notice_list(request):
    values = list_filters(request, NoticeListForm)
    qs = selectors.notice_list(user=request.user, community=values["community"], status=values["status"],
                               q=values["q"] or None, date_from=values["date_from"], date_to=values["date_to"])
    return render(request, "frontdesk/notices/list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": values, "communities": communities_of(request.user),
        "statuses": S.choices,
    })


@require("notices.draft")
def notice_create(request):
    choice = choose_community(request, remember=True)
    templates = list(selectors.templates_for(user=request.user, community=choice.community).filter(is_active=True))
    entrances = selectors.community_entrances(choice.community)
    today = timezone.localdate()
    form = NoticeDraftForm(request.POST or None, templates=templates, entrances=entrances,
                           initial={"post_from": today, "post_to": today})

    def perform(data):
        notice = services.notice_draft(
            community=choice.community, template=data["template_obj"],
            values={k: data[k] for k in services.PLACEHOLDERS}, post_from=data["post_from"],
            post_to=data["post_to"], entrance_ids=data["entrances"], send_sms=data["send_sms"], actor=request.user)
        messages.success(request, _("Notice %(number)s drafted: check the text, then submit it for approval.")
                         % {"number": notice.number})
        return notice.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/notices/form.html", {
        "form": form, "choice": choice, "templates": templates, "title": _("New notice"),
        "back": reverse("frontdesk:notice_list"),
    })


def _detail(request, notice, *, status=200, reason_form=None):
    return render(request, "frontdesk/notices/detail.html", {
        "notice": notice, "changes": list(notice.status_changes.all()), "postings": list(notice.postings.all()),
        "entrances": selectors.notice_entrances(notice), "confirm": ConfirmForm(),
        "reason_form": reason_form or ReasonForm(), "today": timezone.localdate(),
        "may_edit": has_perm(request.user, "notices.draft") and notice.status == S.DRAFT,
        "may_submit": has_perm(request.user, "notices.draft") and notice.status == S.DRAFT,
        "may_reopen": has_perm(request.user, "notices.draft") and notice.status == S.REJECTED,
        "may_approve": (has_perm(request.user, "notices.approve") and notice.status == S.PENDING
                        and notice.created_by_id != request.user.pk),
        "may_withdraw": has_perm(request.user, "notices.draft") and notice.status in (
            S.DRAFT, S.PENDING, S.REJECTED, S.PUBLISHED),
        "may_post": has_perm(request.user, "notices.post"),
    }, status=status)


@require("notices.view")
def notice_detail(request, pk):
    return _detail(request, selectors.notice_detail(user=request.user, pk=pk))


@require("notices.draft")
def notice_edit(request, pk):
    notice = selectors.notice_detail(user=request.user, pk=pk)
    if notice.status != S.DRAFT:
        messages.warning(request, _("Only a draft can be changed."))
        return redirect(notice.get_absolute_url())
    form = NoticeEditForm(request.POST or None, entrances=selectors.community_entrances(notice.community), initial={
        "kind": notice.kind, "title": notice.title, "body": notice.body, "post_from": notice.post_from,
        "post_to": notice.post_to, "entrances": notice.entrance_ids, "send_sms": notice.send_sms})

    def perform(data):
        services.notice_edit(notice=notice, kind=data["kind"], title=data["title"], body=data["body"],
                             post_from=data["post_from"], post_to=data["post_to"], entrance_ids=data["entrances"],
                             send_sms=data["send_sms"], actor=request.user)
        messages.success(request, _("Notice %(number)s saved.") % {"number": notice.number})
        return notice.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/notices/form.html", {
        "form": form, "title": _("Edit notice %(number)s") % {"number": notice.number},
        "back": notice.get_absolute_url(),
    })


def _button(request, pk, service, done_message):
    """A POSTed button on the notice's page: one service call, its refusal shown on the page."""
    notice = selectors.notice_detail(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(notice.get_absolute_url())
    form = ConfirmForm(request.POST)

    def perform(data):
        done = service(notice=notice, actor=request.user)
        messages.success(request, done_message % {"number": done.number})
        return done.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect(notice.get_absolute_url())


@require("notices.draft")
def notice_submit(request, pk):
    return _button(request, pk, services.notice_submit, _("Notice %(number)s submitted for approval."))


@require("notices.draft")
def notice_reopen(request, pk):
    return _button(request, pk, services.notice_reopen, _("Notice %(number)s is a draft again."))


@require("notices.approve")
def notice_approve(request, pk):
    return _button(request, pk, services.notice_approve, _("Notice %(number)s approved and published."))


def _with_reason(request, pk, service, title, done_message):
    notice = selectors.notice_detail(user=request.user, pk=pk)
    form = ReasonForm(request.POST or None)

    def perform(data):
        service(notice=notice, reason=data["reason"], actor=request.user)
        messages.success(request, done_message % {"number": notice.number})
        return notice.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {
        "form": form, "title": title % {"number": notice.number}, "back": notice.get_absolute_url()})


@require("notices.approve")
def notice_reject(request, pk):
    return _with_reason(request, pk, services.notice_reject, _("Reject notice %(number)s"),
                        _("Notice %(number)s rejected."))


@require("notices.draft")
def notice_withdraw(request, pk):
    return _with_reason(request, pk, services.notice_withdraw, _("Withdraw notice %(number)s"),
                        _("Notice %(number)s withdrawn."))


@require("notices.view")
def notice_pdf(request, pk):
    notice = selectors.notice_detail(user=request.user, pk=pk)
    pdf, filename = documents.notice_pdf(notice=notice, entrances=selectors.notice_entrances(notice),
                                         user=request.user, request=request)
    return pdf_response(pdf, filename)


def _posting(request, pk, service, done_message):
    posting = selectors.posting_for(user=request.user, pk=pk)
    url = posting.notice.get_absolute_url()
    if request.method != "POST":
        return redirect(url)
    form = ConfirmForm(request.POST)

    def perform(data):
        service(posting=posting, actor=request.user)
        messages.success(request, done_message)
        return url

    if response := submit_once(request, form, perform):
        return response
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect(url)


@require("notices.post")
def posting_posted(request, pk):
    return _posting(request, pk, services.posting_record, _("Posting recorded."))


@require("notices.post")
def posting_taken_down(request, pk):
    return _posting(request, pk, services.posting_take_down, _("Take-down recorded."))


# -- templates ----------------------------------------------------------------------------------------------------

@require("notices.templates")
def template_list(request):
    choice = choose_community(request, remember=True)
    return render(request, "frontdesk/notices/templates.html", {
        "choice": choice, "templates": list(selectors.templates_for(user=request.user, community=choice.community)),
        "confirm": ConfirmForm(),
    })


@require("notices.templates")
def template_seed(request):
    choice = choose_community(request, post_param="community")
    url = reverse("frontdesk:notice_templates") + f"?community={choice.community.pk}"
    if request.method != "POST":
        return redirect(url)
    form = ConfirmForm(request.POST)

    def perform(data):
        added = services.templates_seed(community=choice.community, actor=request.user)
        messages.success(request, _("%(count)s default templates added.") % {"count": added})
        return url

    return submit_once(request, form, perform) or redirect(url)


def _template_form(request, *, community, template=None):
    initial = {"is_active": True}
    if template is not None:
        initial = {"name": template.name, "kind": template.kind, "title": template.title, "body": template.body,
                   "is_active": template.is_active}
    form = TemplateForm(request.POST or None, initial=initial)
    back = reverse("frontdesk:notice_templates") + f"?community={community.pk}"

    def perform(data):
        services.template_save(community=community, template=template, name=data["name"], kind=data["kind"],
                               title=data["title"], body=data["body"], is_active=data["is_active"],
                               actor=request.user)
        messages.success(request, _("Template saved."))
        return back

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    title = _("Edit template") if template else _("New template for %(community)s") % {"community": community}
    return render(request, "frontdesk/form.html", {"form": form, "title": title, "back": back})


@require("notices.templates")
def template_create(request):
    choice = choose_community(request, remember=True)
    return _template_form(request, community=choice.community)


@require("notices.templates")
def template_edit(request, pk):
    template = selectors.template_detail(user=request.user, pk=pk)
    return _template_form(request, community=template.community, template=template)
