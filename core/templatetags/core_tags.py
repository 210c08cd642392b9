from django import template
from django.utils.html import format_html

from core import money, privacy, qr
from core.permissions import has_perm

register = template.Library()


@register.filter(name="money")
def money_filter(value):
    if value in (None, ""):
        return ""
    return money.format_money(value)


@register.filter(name="rmb_upper")
def rmb_upper_filter(value):
    if value in (None, ""):
        return ""
    return money.rmb_upper(value)


@register.filter(name="can")
def can(user, action):
    return has_perm(user, action)


@register.simple_tag
def qr_code(url, scale=3):
    return format_html('<img class="qr" alt="QR" src="{}">', qr.qr_svg_data_uri(qr.absolute_url(url), scale=scale))


@register.simple_tag(takes_context=True)
def sensitive(context, value, kind, reveal_url="", call=False):
    """A phone or ID number as this user may see it, with a logged "show" button where allowed;
    ``call``: a phone shown in full is a tap-to-call link."""
    user = context["request"].user
    if not value:
        return ""
    shown = privacy.display(user, kind, value)
    if shown == value and call:
        return privacy.shown_in_full(value, kind)
    if shown == value or not reveal_url or not privacy.may_reveal(user, kind):
        return format_html('<span class="sensitive">{}</span>', shown)
    from django.utils.translation import gettext

    return format_html(
        '<span class="sensitive"><span class="masked">{}</span> '
        '<button type="button" class="btn btn-link btn-sm p-0 align-baseline reveal" '
        'data-hx-post="{}" data-hx-target="closest .sensitive" data-hx-swap="outerHTML" '
        'data-hx-prompt="{}">{}</button></span>',
        shown,
        reveal_url,
        gettext("Reason for viewing (recorded):"),
        gettext("Show"),
    )


@register.filter
def masked(value, kind):
    """Always masked: for PDFs and exports where nobody clicks "show"."""
    return privacy.MASKERS[kind](value or "")
