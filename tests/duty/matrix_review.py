"""Access-matrix rows of the supervisor's review (spot checks, nonconformities, appraisal): duty.review only."""

from django.utils import timezone

from core.models import Role

REVIEWERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

ENTRIES = {
    "duty:supervisor": (None, REVIEWERS, "get", False),
    "duty:spotcheck_list": (None, REVIEWERS, "get", False),
    "duty:spotcheck_create": (None, REVIEWERS, "get", False),
    "duty:spotcheck_detail": (lambda o: {"pk": o["spot_check"].pk}, REVIEWERS, "get", True),
    "duty:nonconformity_list": (None, REVIEWERS, "get", False),
    "duty:nonconformity_correct": (lambda o: {"pk": o["nonconformity"].pk}, REVIEWERS, "get", True),
    "duty:appraisal": (None, REVIEWERS, "get", False),
    "duty:appraisal_pdf": (None, REVIEWERS, "get", False),
}


def objects(community, users) -> dict:
    from duty.services.spotcheck import spot_check_record

    spot_check = spot_check_record(
        community=community, clerk=users[Role.CLERK], checked_at=timezone.now(), actor=users[Role.SUPERVISOR],
        results={"b": ("nonconforming", "值班记录未写处理结果")})
    return {"spot_check": spot_check, "nonconformity": spot_check.nonconformities.get()}
