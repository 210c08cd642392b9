"""The one form page every frontdesk edit uses: ``templates/frontdesk/form.html``, submitted once."""

from django.shortcuts import render

from core.forms import submit_once


def form_page(request, form, perform, *, title, back=None, **context):
    """On POST, ``perform(cleaned_data)`` once (``submit_once``) and go where it says; otherwise, or when
    the form or the service refused, the form page with its title, Cancel link (``back``) and ``context``."""
    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": title, "back": back, **context})
