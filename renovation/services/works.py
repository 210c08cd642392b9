"""增加项目 approved: a copy of the signed application is archived (复印一份留底存档) as a PDF kept with the
request and served only through the scoped view."""

from django.core.files.base import ContentFile

from ..documents import works_pdf
from ..models import RenovationRequest


def works_archive(*, request: RenovationRequest, actor) -> RenovationRequest:
    """Inside the approving transaction: render the approved application and keep the file."""
    pdf = works_pdf(request=request)
    request.archive.save(f"{request.number}.pdf", ContentFile(pdf), save=False)
    request.save(update_fields=["archive"])
    return request
